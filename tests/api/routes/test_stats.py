"""Supervision statistics per department and hotspots by district and category."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from api.crud.stats import percentile
from api.models import Ticket
from tests.api.factories import Api

D = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def _message(api: Api, text: str) -> str:
    resp = api.as_("operator").post("/messages", json={"channel": "web", "text": text})
    return str(resp.json()["ticket_no"])


def _set(api: Api, number: str, **fields: object) -> None:
    with Session(api.engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.number == number)).one()
        for key, value in fields.items():
            setattr(ticket, key, value)
        session.add(ticket)
        session.commit()


def test_department_figures(api: Api) -> None:
    gas = [_message(api, f"裕华区槐安东路{i}号燃气管道漏气") for i in range(5)]
    urban = _message(api, "长安区中山路1号工地夜间施工打桩")
    due = D + timedelta(hours=24)
    common = {"department_key": "gas", "dispatched_at": D, "due_at": due}
    _set(
        api, gas[0], status="visited", resolved_at=D + timedelta(hours=10), satisfaction=5, **common
    )
    _set(
        api,
        gas[1],
        status="closed",
        resolved_at=D + timedelta(hours=30),
        satisfaction=2,
        reopen_count=1,
        **common,
    )
    _set(api, gas[2], status="in_progress", **common)  # open and past due
    _set(
        api,
        gas[3],
        status="resolved",
        resolved_at=D + timedelta(hours=20),
        satisfaction=4,
        **common,
    )
    # Dispatched before the period: not counted.
    _set(
        api,
        gas[4],
        status="resolved",
        department_key="gas",
        dispatched_at=D - timedelta(days=30),
        resolved_at=D - timedelta(days=29),
        due_at=D - timedelta(days=29),
    )
    _set(
        api,
        urban,
        status="resolved",
        department_key="urban",
        dispatched_at=D,
        resolved_at=D + timedelta(hours=5),
        due_at=D + timedelta(hours=24),
    )

    params = {"from": D.isoformat(), "to": (D + timedelta(days=7)).isoformat()}
    assert api.as_("operator").get("/stats/departments", params=params).status_code == 403
    rows = api.as_("analyst").get("/stats/departments", params=params).json()
    by_key = {r["department_key"]: r for r in rows}
    assert set(by_key) == {"gas", "urban"}
    g = by_key["gas"]
    assert g["department_name"] == "市城市管理局燃气管理处"
    assert (g["received"], g["resolved"], g["on_time"], g["overdue"]) == (4, 3, 2, 2)
    assert g["mean_handling_hours"] == 20.0
    assert g["p90_handling_hours"] == 28.0  # 10, 20, 30 h -> 20 + 0.8 * 10
    assert g["mean_satisfaction"] == 3.67
    assert g["reopen_rate"] == 0.25
    u = by_key["urban"]
    assert (u["received"], u["on_time"], u["overdue"], u["mean_handling_hours"]) == (1, 1, 0, 5.0)
    assert u["mean_satisfaction"] is None and u["reopen_rate"] == 0.0


def test_hotspots_by_district_and_category(api: Api) -> None:
    for text in [
        "裕华区槐安东路1号垃圾没人收",
        "裕华区体育大街2号垃圾桶满了很臭",
        "裕华区建华大街3号垃圾清运不及时",
        "长安区中山路4号垃圾没人收",
        "裕华区槐安东路5号燃气漏气",
    ]:
        _message(api, text)
    rows = api.as_("supervisor").get("/stats/hotspots").json()
    assert rows[0] == {
        "district": "裕华区",
        "category_code": "environment.garbage",
        "category_label": "垃圾清运与环境卫生",
        "count": 3,
    }
    rest = {(r["district"], r["category_code"]): r["count"] for r in rows[1:]}
    assert rest == {("长安区", "environment.garbage"): 1, ("裕华区", "safety.gas_leak"): 1}
    future = {"from": "2099-01-01T00:00:00Z"}
    assert api.as_("analyst").get("/stats/hotspots", params=future).json() == []


def test_model_versions_count_corrections(api: Api) -> None:
    no = _message(api, "裕华区槐安东路1号垃圾没人收")
    _message(api, "长安区中山路4号垃圾没人收")
    api.as_("operator").patch(f"/tickets/{no}", json={"category_code": "environment.air_pollution"})
    rows = api.as_("analyst").get("/stats/models").json()
    assert [(r["version"], r["suggestions"], r["corrected"]) for r in rows] == [
        ("fake-keywords-1", 2, 1)
    ]


def test_percentile() -> None:
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
    assert percentile([10.0, 30.0, 20.0], 0.9) == 28.0
