"""The public lookup: only with the right phone digits, and never with personal data."""

from __future__ import annotations

import json
import re

from tests.api.factories import Api, make_wav

PHONE = "13912345678"
ID_NUMBER = "130102199003071234"
CALLER_TEXT = (
    f"你好，我姓赵，我叫赵铁柱，裕华区槐安东路88号楼下垃圾桶三天没人收了，很臭。"
    f"我电话{PHONE}，身份证{ID_NUMBER}，另一个号码是一三八 一二三四 五六七八。"
)
REPLY = (
    f"已联系环卫所清运。经办人李师傅，联系电话13588889999，已电话告知赵先生（{PHONE}），"
    f"身份证号{ID_NUMBER[:-1]}X 的登记信息已核对。"
)
SECRETS = [
    PHONE,
    ID_NUMBER,
    ID_NUMBER[:-1] + "X",
    "13588889999",
    "赵铁柱",
    "铁柱",
    "赵先生",
    "李师傅",
    "姓赵",
    "一三八一二三四五六七八",
    "一三八 一二三四 五六七八",
]


def _walked_ticket(api: Api) -> str:
    api.extra["pipeline"].audio_text = CALLER_TEXT
    files = {"file": ("call.wav", make_wav(freq=880), "audio/wav")}
    no = str(api.as_("operator").post("/calls", files=files).json()["ticket_no"])
    op, staff = api.as_("operator"), api.as_("sanitation_staff")
    assert op.post(f"/tickets/{no}/accept").json()["department_key"] == "sanitation"
    op.post(f"/tickets/{no}/dispatch")
    staff.post(f"/tickets/{no}/start")
    assert staff.post(f"/tickets/{no}/resolve", json={"reply": REPLY}).status_code == 200
    return no


def test_public_view_masks_phones_ids_and_names(api: Api) -> None:
    no = _walked_ticket(api)
    resp = api.client.get(f"/public/tickets/{no}", params={"phone_last4": PHONE[-4:]})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["status"] == "resolved" and body["status_label"] == "已办结"
    assert body["category"] == "垃圾清运与环境卫生"
    assert body["department"] == "市城市管理局环境卫生处"
    raw = json.dumps(body, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in raw, secret
    # No run of 7+ digits survives in the free text.
    for text in (body["summary"], body["reply"]):
        assert not re.search(r"\d{7,}", re.sub(r"[\s-]", "", text)), text
    assert "139****5678" in body["summary"] and "垃圾桶三天没人收" in body["summary"]
    assert "已联系环卫所清运" in body["reply"]
    # Internal fields are not part of the public shape at all.
    assert "caller_phone" not in body and "transcript" not in body and "entities" not in body


def test_wrong_digits_and_unknown_number_look_the_same(api: Api) -> None:
    no = _walked_ticket(api)
    wrong = api.client.get(f"/public/tickets/{no}", params={"phone_last4": "0000"})
    unknown = api.client.get("/public/tickets/20990101-0001", params={"phone_last4": "5678"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    malformed = api.client.get(f"/public/tickets/{no}", params={"phone_last4": "56a8"})
    assert malformed.status_code == 422


def test_ticket_without_phone_is_never_public(api: Api) -> None:
    resp = api.as_("operator").post("/messages", json={"channel": "web", "text": "路灯不亮很久了"})
    job = resp.json()
    assert job["status"] == "done"
    for digits in ("0000", "1234"):
        resp = api.client.get(f"/public/tickets/{job['ticket_no']}", params={"phone_last4": digits})
        assert resp.status_code == 404
