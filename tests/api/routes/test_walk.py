"""A work order's whole life through HTTP alone, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.api.factories import Api, make_wav


def _upload(api: Api, freq: float = 440.0) -> dict:
    files = {"file": ("call.wav", make_wav(freq=freq), "audio/wav")}
    resp = api.as_("operator").post("/calls", files=files, data={"channel": "phone"})
    assert resp.status_code == 202, resp.text
    return resp.json()


def test_recording_to_closed_ticket_with_full_audit_trail(api: Api) -> None:
    job = _upload(api)
    assert job["status"] == "done" and job["outcome"] == "ticket"
    polled = api.as_("operator").get(f"/jobs/{job['id']}").json()
    assert polled["ticket_no"] == job["ticket_no"]
    no = job["ticket_no"]
    assert len(no) == 13 and no[8] == "-" and no.endswith("-0001")

    draft = api.as_("operator").get(f"/tickets/{no}").json()
    assert draft["status"] == "draft"
    assert draft["suggested_code"] == draft["category_code"] == "safety.gas_leak"
    assert draft["department_key"] == "gas"
    assert draft["caller_phone"] == "13912345678"
    assert draft["district"] == "裕华区"
    assert draft["transcript"]["segments"][0]["speaker"] == "caller"
    created = datetime.fromisoformat(draft["created_at"])
    assert datetime.fromisoformat(draft["due_at"]) - created == timedelta(hours=24)
    assert draft["allowed_actions"] == ["accept", "merge"]

    op = api.as_("operator")
    resp = op.post(f"/tickets/{no}/accept", json={"urgent": True, "reason": "来电人称气味很重"})
    assert resp.status_code == 200, resp.text
    accepted = resp.json()
    assert accepted["status"] == "accepted" and accepted["urgent"] is True
    # Urgent gas leaks are due within urgent_sla_hours (1 h) of the call.
    assert datetime.fromisoformat(accepted["due_at"]) - created == timedelta(hours=1)

    assert op.post(f"/tickets/{no}/dispatch", json={}).json()["status"] == "dispatched"
    gas = api.as_("gas_staff")
    assert gas.post(f"/tickets/{no}/start").json()["status"] == "in_progress"
    resp = gas.post(f"/tickets/{no}/resolve", json={"reply": "已派员关闭阀门并更换管道接头。"})
    assert resp.json()["status"] == "resolved"
    resp = op.post(f"/tickets/{no}/visit", json={"satisfaction": 5, "comment": "很满意"})
    assert resp.json()["satisfaction"] == 5
    closed = op.post(f"/tickets/{no}/close", json={"reason": "回访满意"}).json()
    assert closed["status"] == "closed" and closed["closed_at"]

    trail = op.get(f"/tickets/{no}/audit").json()
    story = [(e["actor"], e["action"], e["from_status"], e["to_status"]) for e in trail]
    assert story == [
        ("system", "create", None, "draft"),
        ("operator", "correct", "draft", "draft"),
        ("operator", "accept", "draft", "accepted"),
        ("operator", "dispatch", "accepted", "dispatched"),
        ("gas_staff", "start", "dispatched", "in_progress"),
        ("gas_staff", "resolve", "in_progress", "resolved"),
        ("operator", "visit", "resolved", "visited"),
        ("operator", "close", "visited", "closed"),
    ]
    assert trail[1]["detail"]["changes"] == {"urgent": [False, True]}
    assert trail[1]["reason"] == "来电人称气味很重"
    assert trail[3]["detail"] == {"department_key": "gas"}
    assert trail[6]["detail"] == {"satisfaction": 5}
    times = [datetime.fromisoformat(e["created_at"]) for e in trail]
    assert times == sorted(times)

    corrections = op.get(f"/tickets/{no}/corrections").json()
    assert len(corrections) == 1
    c = corrections[0]
    assert (c["suggested_code"], c["final_code"]) == ("safety.gas_leak", "safety.gas_leak")
    assert c["suggested_confidence"] == 0.8 and c["model_version"] == "fake-keywords-1"
    assert c["final_urgent"] is True

    public = api.client.get(f"/public/tickets/{no}", params={"phone_last4": "5678"}).json()
    assert public["status"] == "closed" and public["department"] == "市城市管理局燃气管理处"


def test_wrong_department_return_and_reopen_after_dissatisfaction(api: Api) -> None:
    no = _upload(api)["ticket_no"]
    op, urban, gas = api.as_("operator"), api.as_("urban_staff"), api.as_("gas_staff")
    assert op.post(f"/tickets/{no}/accept").status_code == 200
    resp = op.post(f"/tickets/{no}/dispatch", json={"department_key": "urban"})
    assert resp.json()["department_key"] == "urban"
    # The gas department cannot even see a ticket sent to urban management.
    assert gas.post(f"/tickets/{no}/start").status_code == 404
    resp = urban.post(f"/tickets/{no}/return", json={"reason": "燃气问题不属于城管职责"})
    assert resp.json()["status"] == "accepted"
    resp = op.patch(f"/tickets/{no}", json={"department_key": "gas", "reason": "改派燃气"})
    assert resp.status_code == 200 and resp.json()["department_key"] == "gas"
    op.post(f"/tickets/{no}/dispatch")
    gas.post(f"/tickets/{no}/start")
    gas.post(f"/tickets/{no}/resolve", json={"reply": "已检查，未发现泄漏。"})
    op.post(f"/tickets/{no}/visit", json={"satisfaction": 2, "comment": "还是有味道"})
    resp = op.post(f"/tickets/{no}/reopen", json={"reason": "市民不满意"})
    assert resp.status_code == 200, resp.text
    reopened = resp.json()
    assert reopened["status"] == "dispatched" and reopened["reopen_count"] == 1
    assert reopened["resolved_at"] is None
    gas.post(f"/tickets/{no}/start")
    gas.post(f"/tickets/{no}/resolve", json={"reply": "更换了燃气表阀门。"})
    op.post(f"/tickets/{no}/visit", json={"satisfaction": 4})
    assert op.post(f"/tickets/{no}/close").json()["status"] == "closed"

    trail = op.get(f"/tickets/{no}/audit").json()
    actions = [e["action"] for e in trail]
    assert actions == [
        "create",
        "accept",
        "dispatch",
        "return_to_hotline",
        "correct",
        "dispatch",
        "start",
        "resolve",
        "visit",
        "reopen",
        "start",
        "resolve",
        "visit",
        "close",
    ]
    returned = trail[3]
    assert returned["actor"] == "urban_staff" and returned["reason"] == "燃气问题不属于城管职责"
    assert (returned["from_status"], returned["to_status"]) == ("dispatched", "accepted")
    assert trail[9]["detail"]["satisfaction"] == 2


def test_merge_duplicate_into_open_ticket(api: Api) -> None:
    first = _upload(api, freq=440)["ticket_no"]
    second = _upload(api, freq=550)["ticket_no"]
    assert second.endswith("-0002")
    op = api.as_("operator")
    resp = op.post(f"/tickets/{second}/merge", json={"into": first, "reason": "同一燃气泄漏"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "merged" and resp.json()["merged_into"] == first
    # merged is terminal
    resp = op.post(f"/tickets/{second}/accept")
    assert resp.status_code == 409 and "已合并" in resp.json()["detail"]
    trail = op.get(f"/tickets/{first}/audit").json()
    assert trail[-1]["action"] == "merge_in" and trail[-1]["detail"] == {"from": second}
