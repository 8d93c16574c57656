"""Refused requests give the right 4xx with a Chinese reason and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.factories import Api, make_wav, snapshot


def _ticket(api: Api, freq: float = 440.0) -> str:
    files = {"file": ("call.wav", make_wav(freq=freq), "audio/wav")}
    resp = api.as_("operator").post("/calls", files=files)
    assert resp.status_code == 202
    return str(resp.json()["ticket_no"])


def _unchanged(api: Api, request: Callable[[], Any], status: int) -> Any:
    before = snapshot(api.engine, api.upload_dir)
    resp = request()
    assert resp.status_code == status, resp.text
    detail = resp.json()["detail"]
    assert isinstance(detail, str) and any("\u4e00" <= ch <= "\u9fff" for ch in detail)
    assert snapshot(api.engine, api.upload_dir) == before
    return resp


def test_wrong_role_is_refused(api: Api) -> None:
    no = _ticket(api)
    wav = {"file": ("x.wav", make_wav(freq=300), "audio/wav")}
    _unchanged(api, lambda: api.as_("analyst").post("/calls", files=wav), 403)
    _unchanged(api, lambda: api.as_("gas_staff").post(f"/tickets/{no}/accept"), 403)
    _unchanged(api, lambda: api.as_("operator").get("/users"), 403)
    _unchanged(api, lambda: api.as_("analyst").patch(f"/tickets/{no}", json={"urgent": True}), 403)
    _unchanged(api, lambda: api.client.post(f"/tickets/{no}/accept"), 401)
    bad = {"Authorization": "Bearer not-a-token"}
    _unchanged(api, lambda: api.client.get("/tickets", headers=bad), 401)
    api.as_("operator").post(f"/tickets/{no}/accept")
    api.as_("operator").post(f"/tickets/{no}/dispatch")
    _unchanged(api, lambda: api.as_("operator").post(f"/tickets/{no}/start"), 403)
    # Staff of another department: the ticket does not exist for them.
    _unchanged(api, lambda: api.as_("urban_staff").post(f"/tickets/{no}/start"), 404)
    _unchanged(api, lambda: api.as_("urban_staff").get(f"/tickets/{no}"), 404)


def test_illegal_transitions_answer_409_with_reason(api: Api) -> None:
    no = _ticket(api)
    op = api.as_("operator")
    resp = _unchanged(api, lambda: op.post(f"/tickets/{no}/close"), 409)
    assert "待受理" in resp.json()["detail"]
    _unchanged(api, lambda: op.post(f"/tickets/{no}/dispatch"), 409)
    _unchanged(api, lambda: op.post(f"/tickets/{no}/visit", json={"satisfaction": 3}), 409)
    _unchanged(api, lambda: op.post(f"/tickets/{no}/merge", json={"into": no}), 409)
    op.post(f"/tickets/{no}/accept")
    op.post(f"/tickets/{no}/dispatch")
    api.as_("gas_staff").post(f"/tickets/{no}/start")
    api.as_("gas_staff").post(f"/tickets/{no}/resolve", json={"reply": "已处理完毕"})
    op.post(f"/tickets/{no}/visit", json={"satisfaction": 4})
    resp = _unchanged(api, lambda: op.post(f"/tickets/{no}/reopen"), 409)
    assert "满意度" in resp.json()["detail"]
    # Corrections after dispatch go through return-to-hotline instead.
    _unchanged(api, lambda: op.patch(f"/tickets/{no}", json={"department_key": "urban"}), 409)
    op.post(f"/tickets/{no}/close")
    _unchanged(api, lambda: op.post(f"/tickets/{no}/reopen"), 409)
    other = _ticket(api, freq=660)
    _unchanged(api, lambda: op.post(f"/tickets/{other}/merge", json={"into": no}), 409)


def test_invalid_content_answers_422(api: Api) -> None:
    no = _ticket(api)
    op = api.as_("operator")
    _unchanged(api, lambda: op.patch(f"/tickets/{no}", json={"category_code": "nope.nope"}), 422)
    _unchanged(api, lambda: op.post(f"/tickets/{no}/accept", json={"department_key": "x"}), 422)
    _unchanged(api, lambda: op.patch(f"/tickets/{no}", json={"urgent": "maybe"}), 422)
    # An explicit null for a required field is ignored, not stored.
    resp = op.patch(f"/tickets/{no}", json={"urgent": None, "category_code": None})
    assert resp.status_code == 200 and resp.json()["category_code"] == "safety.gas_leak"
    op.post(f"/tickets/{no}/accept")
    op.post(f"/tickets/{no}/dispatch")
    api.as_("gas_staff").post(f"/tickets/{no}/start")
    gas = api.as_("gas_staff")
    _unchanged(api, lambda: gas.post(f"/tickets/{no}/resolve", json={"reply": ""}), 422)
    _unchanged(api, lambda: gas.post(f"/tickets/{no}/resolve", json={}), 422)


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (make_wav(seconds=8.0), 413, "文件过大"),  # 256 kB > the test limit of 200 kB
        (b"%PDF-1.7 this is not a recording" * 10, 415, "不支持的文件类型"),
        ("这只是一段文字，不是录音。".encode() * 20, 415, "不支持的文件类型"),
        (b"", 422, "文件为空"),
    ],
    ids=["oversized", "pdf-named-wav", "text-named-wav", "empty"],
)
def test_bad_uploads_are_refused(api: Api, content: bytes, status: int, words: str) -> None:
    files = {"file": ("call.wav", content, "audio/wav")}
    resp = _unchanged(api, lambda: api.as_("operator").post("/calls", files=files), status)
    assert words in resp.json()["detail"]


def test_missing_file_field_is_422_in_chinese(api: Api) -> None:
    resp = _unchanged(api, lambda: api.as_("operator").post("/calls", data={"x": "1"}), 422)
    assert "file" in resp.json()["detail"]


def test_duplicate_upload_points_to_the_first_ticket(api: Api) -> None:
    files = {"file": ("call.wav", make_wav(freq=440), "audio/wav")}
    first = api.as_("operator").post("/calls", files=files).json()
    again = {"file": ("renamed.wav", make_wav(freq=440), "audio/wav")}
    resp = _unchanged(api, lambda: api.as_("operator").post("/calls", files=again), 409)
    body = resp.json()
    assert body["ticket_no"] == first["ticket_no"] and body["job_id"] == first["id"]
    assert "已上传" in body["detail"]


def test_unknown_ticket_and_job_are_404(api: Api) -> None:
    op = api.as_("operator")
    _unchanged(api, lambda: op.get("/tickets/20990101-0001"), 404)
    _unchanged(api, lambda: op.post("/tickets/20990101-0001/accept"), 404)
    _unchanged(api, lambda: op.patch("/tickets/20990101-0001", json={"urgent": True}), 404)
    _unchanged(api, lambda: op.get("/tickets/20990101-0001/audit"), 404)
    _unchanged(api, lambda: op.get("/jobs/999"), 404)
    _unchanged(api, lambda: op.post("/jobs/999/retry"), 404)
