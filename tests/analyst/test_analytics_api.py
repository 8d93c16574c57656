"""The analytics endpoints with the keyword fake pipeline: roles, export, drift, models."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from api.errors import Conflict, NotFound
from api.models import Ticket
from api.retraining import RetrainTracker
from classify.retrain import ProgressFn
from tests.analyst.test_loop import read_rows_text
from tests.api.factories import Api

GAS_TEXT = "你好，我叫王建国，裕华区槐安东路88号楼道里有煤气味，我的电话是13912345678。"


def _ticket(api: Api, text: str) -> str:
    job = api.as_("operator").post("/messages", json={"channel": "wechat", "text": text})
    assert job.status_code == 202, job.text
    return str(job.json()["ticket_no"])


def _accept(api: Api, number: str, code: str | None = None) -> None:
    body = {"category_code": code} if code else None
    assert api.as_("operator").post(f"/tickets/{number}/accept", json=body).status_code == 200


@pytest.mark.parametrize("who", ["operator", "supervisor", "gas_staff"])
def test_only_analysts_and_admins_may_use_analytics(analyst_api: Api, who: str) -> None:
    for path in ("/analytics/export", "/analytics/drift", "/analytics/models",
                 "/analytics/models/events"):  # fmt: skip
        assert analyst_api.as_(who).get(path).status_code == 403
        assert analyst_api.as_("analyst").get(path).status_code == 200
        assert analyst_api.as_("admin").get(path).status_code == 200
    assert analyst_api.as_(who).post("/analytics/retrain", json={}).status_code == 403
    assert analyst_api.client.get("/analytics/export").status_code == 401


def test_export_masks_deduplicates_and_takes_only_confirmed_tickets(analyst_api: Api) -> None:
    gas = _ticket(analyst_api, GAS_TEXT)
    _accept(analyst_api, gas)
    again = _ticket(analyst_api, GAS_TEXT.replace("。", "！"))  # same words: a duplicate
    _accept(analyst_api, again, "safety.fire_hazard")
    draft = _ticket(analyst_api, "小区垃圾三天没人收了")  # never accepted
    heat = _ticket(analyst_api, "我家暖气不热，屋里才十五度")
    _accept(analyst_api, heat, "administrative.heating")

    response = analyst_api.as_("analyst").get("/analytics/export")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    assert response.headers["x-export-duplicates"] == "1"
    assert response.headers["x-export-conflicts"] == "1"
    rows = read_rows_text(response.text)
    assert [r["label"] for r in rows] == ["safety.fire_hazard", "administrative.heating"]
    gas_row = rows[0]
    assert "王建国" not in gas_row["text"] and "13912345678" not in gas_row["text"]
    assert "139****5678" in gas_row["text"] and "煤气味" in gas_row["text"]
    assert gas_row["corrected"] == "1" and gas_row["suggested_code"] == "safety.gas_leak"
    assert gas_row["model_version"] == "fake-keywords-1" and gas_row["category"] == "safety"
    assert all("垃圾" not in r["text"] for r in rows), draft

    only = analyst_api.as_("analyst").get("/analytics/export", params={"only_corrected": True})
    corrected = read_rows_text(only.text)
    assert [r["corrected"] for r in corrected] == ["1"] * len(corrected)
    later = analyst_api.as_("analyst").get(
        "/analytics/export", params={"from": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}
    )
    assert read_rows_text(later.text) == []


def _shift(api: Api, number: str, days: int, needs_review: bool = False) -> None:
    with Session(api.engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.number == number)).one()
        ticket.created_at = ticket.created_at - timedelta(days=days)
        ticket.needs_review = needs_review
        session.add(ticket)
        session.commit()


def test_drift_by_iso_week_and_category_raises_alerts(analyst_api: Api) -> None:
    # Two weeks ago: 3 gas-leak tickets, all confirmed as suggested, none for review.
    for _ in range(3):
        number = _ticket(analyst_api, "楼道里有煤气味")
        _accept(analyst_api, number)
        _shift(analyst_api, number, days=14)
    # This week: 4 tickets the model called gas leak; operators moved 3 to heating.
    for i in range(4):
        number = _ticket(analyst_api, f"煤气味 暖气 {i}号楼")
        _accept(analyst_api, number, "administrative.heating" if i < 3 else None)
        _shift(analyst_api, number, days=0, needs_review=i < 3)
    report = analyst_api.as_("analyst").get("/analytics/drift").json()
    assert (report["min_tickets"], report["correction_alert"]) == (3, 0.2)
    old, new = report["weeks"]
    assert old["week"] < new["week"] and old["week_start"] < new["week_start"]
    assert (old["tickets"], old["corrected"], old["correction_rate"], old["alert"]) == (
        3, 0, 0.0, False
    )  # fmt: skip
    assert (new["tickets"], new["confirmed"], new["corrected"]) == (4, 4, 3)
    assert new["correction_rate"] == 0.75 and new["needs_review_rate"] == 0.75
    assert new["alert"] is True and len(new["alerts"]) == 2
    heating = next(c for c in new["categories"] if c["category_code"] == "administrative.heating")
    assert (heating["tickets"], heating["corrected"], heating["alert"]) == (3, 3, True)
    assert heating["category_label"] == "供暖"
    assert report["alert"] is True and any("更正率 75%" in a for a in report["alerts"])

    recent = analyst_api.as_("analyst").get(
        "/analytics/drift", params={"from": (datetime.now(UTC) - timedelta(days=2)).isoformat()}
    )
    assert [w["week"] for w in recent.json()["weeks"]] == [new["week"]]


def test_models_list_promote_and_rollback_errors(analyst_api: Api) -> None:
    models = analyst_api.as_("analyst").get("/analytics/models").json()
    assert len(models) == 1 and models[0]["champion"] and models[0]["kind"] == "tfidf"
    missing = analyst_api.as_("analyst").post("/analytics/models/nope/promote", json={})
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]
    assert analyst_api.as_("analyst").post("/analytics/models/rollback").status_code == 409
    assert analyst_api.as_("analyst").get("/analytics/retrain/unknown").status_code == 404
    assert analyst_api.as_("analyst").get("/analytics/models/events").json() == []


def test_tracker_runs_one_job_at_a_time_and_records_failures() -> None:
    tracker = RetrainTracker()
    release = threading.Event()

    def slow(progress: ProgressFn) -> dict[str, Any]:
        progress("train", 0.5)
        release.wait(30)
        return {"version": "v9"}

    job = tracker.start("ana", slow)
    with pytest.raises(Conflict):
        tracker.start("ana", slow)
    release.set()
    done = tracker.wait(job.id, timeout=30)
    assert (done.status, done.progress, done.result) == ("done", 1.0, {"version": "v9"})

    def broken(progress: ProgressFn) -> dict[str, Any]:
        raise ValueError("没有训练数据")

    failed = tracker.wait(tracker.start("ana", broken).id, timeout=30)
    assert failed.status == "failed" and "没有训练数据" in (failed.error or "")
    with pytest.raises(NotFound):
        tracker.get("nope")
