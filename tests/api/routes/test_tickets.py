"""Listing work orders: filters, pagination, full-text search, department scoping, SLA views."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from api.models import Ticket, utcnow
from tests.api.factories import Api

MESSAGES = [
    ("wechat", "裕华区槐安东路12号楼道里有煤气味，燃气管道漏气"),
    ("app", "长安区中山东路3号工地半夜施工打桩，吵得睡不着"),
    ("web", "裕华区体育南大街5号楼下垃圾桶满了没人收，很臭"),
    ("wechat", "桥西区自强路8号暖气不热，室温只有十度"),
    ("app", "裕华区建华南大街9号附近着火了，冒烟很大"),
]


def _messages(api: Api) -> list[str]:
    numbers = []
    for channel, text in MESSAGES:
        resp = api.as_("operator").post("/messages", json={"channel": channel, "text": text})
        assert resp.status_code == 202, resp.text
        numbers.append(resp.json()["ticket_no"])
    return numbers


def test_filters_and_pagination(api: Api) -> None:
    numbers = _messages(api)
    op = api.as_("operator")
    page = op.get("/tickets", params={"limit": 2}).json()
    assert page["total"] == 5 and [t["number"] for t in page["items"]] == numbers[::-1][:2]
    rest = op.get("/tickets", params={"limit": 2, "offset": 4}).json()
    assert [t["number"] for t in rest["items"]] == [numbers[0]]

    def numbers_of(**params: object) -> set[str]:
        return {t["number"] for t in op.get("/tickets", params=params).json()["items"]}

    assert numbers_of(district="裕华区") == {numbers[0], numbers[2], numbers[4]}
    assert numbers_of(category="safety") == {numbers[0], numbers[4]}
    assert numbers_of(category="environment.construction_noise") == {numbers[1]}
    assert numbers_of(department="heating") == {numbers[3]}
    assert numbers_of(urgent=True) == {numbers[4]}
    assert numbers_of(status=["draft"]) == set(numbers)
    op.post(f"/tickets/{numbers[1]}/accept")
    assert numbers_of(status=["accepted", "dispatched"]) == {numbers[1]}
    now = utcnow()
    assert numbers_of(**{"from": (now - timedelta(hours=1)).isoformat()}) == set(numbers)
    assert numbers_of(**{"to": (now - timedelta(hours=1)).isoformat()}) == set()
    assert op.get("/tickets", params={"status": "nonsense"}).status_code == 422


def test_search_over_transcripts_is_literal(api: Api) -> None:
    numbers = _messages(api)
    op = api.as_("operator")
    found = op.get("/tickets", params={"q": "打桩"}).json()
    assert [t["number"] for t in found["items"]] == [numbers[1]]
    assert op.get("/tickets", params={"q": "槐安东路"}).json()["total"] == 1
    # Wildcards and quotes are searched for literally, never interpreted.
    for text in ("%", "_", "'; DROP TABLE ticket; --"):
        assert op.get("/tickets", params={"q": text}).json()["total"] == 0
    assert op.get("/tickets").json()["total"] == 5


def test_department_staff_see_only_their_dispatched_tickets(api: Api) -> None:
    numbers = _messages(api)
    op = api.as_("operator")
    for no in numbers[:2]:
        op.post(f"/tickets/{no}/accept")
        op.post(f"/tickets/{no}/dispatch")
    gas = api.as_("gas_staff").get("/tickets").json()
    assert [t["number"] for t in gas["items"]] == [numbers[0]] and gas["total"] == 1
    # Drafts are not visible to departments even when they would be theirs.
    assert api.as_("gas_staff").get(f"/tickets/{numbers[4]}").status_code == 404
    assert api.as_("analyst").get("/tickets").json()["total"] == 5


def test_overdue_and_due_soon(api: Api) -> None:
    numbers = _messages(api)
    now = utcnow()
    with Session(api.engine) as session:
        due = {
            numbers[0]: now - timedelta(hours=2),
            numbers[1]: now + timedelta(hours=1),
            numbers[2]: now + timedelta(hours=30),
        }
        for ticket in session.exec(select(Ticket)).all():
            if ticket.number in due:
                ticket.due_at = due[ticket.number]
                session.add(ticket)
        session.commit()
    op = api.as_("operator")
    overdue = op.get("/tickets/overdue").json()
    assert [t["number"] for t in overdue["items"]] == [numbers[0]]
    assert overdue["items"][0]["overdue"] is True
    soon = {t["number"] for t in op.get("/tickets/due-soon", params={"hours": 4}).json()["items"]}
    # The urgent fire (1 h limit) is due soon too.
    assert soon == {numbers[1], numbers[4]}


def test_manual_ticket_and_corrections(api: Api) -> None:
    op = api.as_("operator")
    resp = op.post(
        "/tickets",
        json={
            "summary": "来信反映新华区中华北大街路面塌陷",
            "channel": "web",
            "address": "新华区中华北大街",
        },
    )
    assert resp.status_code == 201, resp.text
    ticket = resp.json()
    assert ticket["status"] == "draft" and ticket["district"] == "新华区"
    assert ticket["due_at"] is None  # no category yet, so no time limit
    # A draft without a category cannot be accepted.
    assert op.post(f"/tickets/{ticket['number']}/accept").status_code == 422
    resp = op.patch(f"/tickets/{ticket['number']}", json={"category_code": "safety.road_hazard"})
    fixed = resp.json()
    assert fixed["department_key"] == "urban" and fixed["due_at"] is not None
    assert fixed["category_label"] == "道路设施隐患（井盖、塌陷）"
    assert op.post(f"/tickets/{ticket['number']}/accept").json()["status"] == "accepted"
    with_code = op.post(
        "/tickets", json={"summary": "暖气不热", "category_code": "administrative.heating"}
    )
    assert with_code.json()["department_key"] == "heating"
    for bad in ({"category_code": "no.such"}, {"department_key": "nowhere"}, {"summary": ""}):
        assert op.post("/tickets", json={"summary": "x", **bad}).status_code == 422
