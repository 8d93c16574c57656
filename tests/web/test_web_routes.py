"""The web package's HTTP side, without a browser: pages, recording stream, queue order,
volume by local day, CSV exports."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from api.models import Ticket
from api.taxonomy import ApiTaxonomy
from api.web.reports import local_days, to_csv
from tests.api.factories import Api, make_wav
from tests.web.truth_pipeline import TAXONOMY as TAXONOMY_PATH

TAXONOMY = ApiTaxonomy.load(TAXONOMY_PATH)

PAGES = {
    "/ui/login": "",
    "/ui/queue": "operator supervisor admin",
    "/ui/tickets/20261129-0001": "operator department supervisor analyst admin",
    "/ui/department": "department supervisor admin",
    "/ui/dashboard": "supervisor analyst admin",
    "/ui/lookup": "",
}


def _set(api: Api, number: str, **fields: object) -> None:
    with Session(api.engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.number == number)).one()
        for key, value in fields.items():
            setattr(ticket, key, value)
        session.add(ticket)
        session.commit()


def _message(api: Api, text: str, phone: str | None = None) -> str:
    body = {"channel": "web", "text": text, "caller_phone": phone}
    resp = api.as_("operator").post("/messages", json=body)
    assert resp.status_code == 202, resp.text
    return str(resp.json()["ticket_no"])


def _call(api: Api, freq: float = 440.0) -> tuple[str, bytes]:
    wav = make_wav(seconds=0.3, freq=freq)
    resp = api.as_("operator").post("/calls", files={"file": ("call.wav", wav, "audio/wav")})
    assert resp.status_code == 202, resp.text
    return str(resp.json()["ticket_no"]), wav


def test_pages_are_chinese_shells_with_a_strict_policy(sqlite_api: Api) -> None:
    client = sqlite_api.client
    for path, roles in PAGES.items():
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert resp.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in resp.headers["content-security-policy"]
        assert resp.headers["cache-control"] == "no-store"
        html = resp.text
        assert '<html lang="zh-CN">' in html and "民声 12345" in html
        assert f'data-roles="{roles}"' in html, path
        # No inline code: every script is a file of this site, or a JSON data block.
        for tag in re.findall(r"<script[^>]*>", html):
            assert 'src="/ui/static/' in tag or 'type="application/json"' in tag, tag
        data = json.loads(re.search(r'id="page-data">(.*?)</script>', html, re.S).group(1))
        codes = [sub["code"] for top in data["categories"] for sub in top["subs"]]
        assert codes == list(TAXONOMY.subcategories)
        assert data["departments"]["gas"] == "市城市管理局燃气管理处"
        assert "裕华区" in data["districts"] and "桥东区" not in data["districts"]
        assert data["statuses"]["draft"] == "待受理"
    assert client.get("/ui/static/app.js").status_code == 200
    assert client.get("/ui/static/nothing.js").status_code == 404
    for path in ("/", "/ui", "/ui/"):
        resp = client.get(path, follow_redirects=False)
        assert resp.status_code == 307 and resp.headers["location"] == "/ui/login"


def test_ticket_number_is_escaped_in_the_page(sqlite_api: Api) -> None:
    html = sqlite_api.client.get('/ui/tickets/"><img src=x onerror=alert(1)>').text
    assert "<img src=x" not in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_recording_streams_to_whoever_may_read_the_ticket(sqlite_api: Api) -> None:
    api = sqlite_api
    number, wav = _call(api)
    op = api.as_("operator")
    resp = op.get(f"/tickets/{number}/recording")
    assert resp.status_code == 200 and resp.content == wav
    assert resp.headers["content-type"] == "audio/wav"
    assert resp.headers["content-disposition"] == f'inline; filename="{number}.wav"'
    headers = {**op.headers, "Range": "bytes=0-99"}
    part = api.client.get(f"/tickets/{number}/recording", headers=headers)
    assert part.status_code == 206 and part.content == wav[:100]
    assert part.headers["content-range"] == f"bytes 0-99/{len(wav)}"
    assert api.client.get(f"/tickets/{number}/recording").status_code == 401
    # Departments see it only once dispatched to them.
    assert api.as_("gas_staff").get(f"/tickets/{number}/recording").status_code == 404
    op.post(f"/tickets/{number}/accept")
    op.post(f"/tickets/{number}/dispatch")
    assert api.as_("gas_staff").get(f"/tickets/{number}/recording").content == wav
    assert api.as_("urban_staff").get(f"/tickets/{number}/recording").status_code == 404
    assert api.as_("analyst").get(f"/tickets/{number}/recording").status_code == 200


def test_recording_missing_answers_with_the_reason(sqlite_api: Api) -> None:
    api = sqlite_api
    text_only = _message(api, "裕华区槐安东路12号燃气管道漏气")
    resp = api.as_("operator").get(f"/tickets/{text_only}/recording")
    assert resp.status_code == 404 and "没有来电录音" in resp.json()["detail"]
    number, _ = _call(api, freq=550.0)
    for path in api.upload_dir.rglob("*.wav"):
        path.unlink()
    resp = api.as_("operator").get(f"/tickets/{number}/recording")
    assert resp.status_code == 404 and "已不在存储中" in resp.json()["detail"]
    assert api.as_("operator").get("/tickets/20990101-0001/recording").status_code == 404


def test_detail_carries_the_extracted_entities(sqlite_api: Api) -> None:
    number, _ = _call(sqlite_api)
    detail = sqlite_api.as_("operator").get(f"/tickets/{number}").json()
    assert detail["entities"]["phones"][0] == "13912345678"
    assert detail["entities"]["names"] == ["王建国"]


def test_queue_order_is_urgent_first_then_nearest_due(api: Api) -> None:
    noise = _message(api, "长安区中山东路3号工地半夜施工打桩")  # 24 h
    licence = _message(api, "想咨询营业执照办理需要什么材料")  # 120 h
    fire = _message(api, "裕华区建华南大街9号附近着火了")  # urgent, 1 h
    gas = _message(api, "裕华区槐安东路12号燃气管道漏气")  # 24 h, created later
    hand = api.as_("operator").post("/tickets", json={"summary": "来访登记，待分类"}).json()
    assert hand["due_at"] is None
    base = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    _set(api, noise, due_at=base + timedelta(hours=30))
    _set(api, gas, due_at=base + timedelta(hours=20))
    order = api.as_("operator").get("/tickets", params={"order": "urgency"}).json()["items"]
    assert [t["number"] for t in order] == [fire, gas, noise, licence, hand["number"]]
    newest = api.as_("operator").get("/tickets").json()["items"]
    assert newest[0]["number"] == hand["number"]
    assert api.as_("operator").get("/tickets", params={"order": "due"}).status_code == 422


def test_volume_counts_tickets_per_local_day(api: Api) -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    late = _message(api, "裕华区槐安东路12号燃气管道漏气")
    early = _message(api, "裕华区建华南大街9号附近着火了")
    noise = _message(api, "长安区中山东路3号工地半夜施工打桩")
    merged = _message(api, "裕华区槐安东路12号燃气又漏气了")
    outside = _message(api, "桥西区自强路8号暖气不热")
    # 23:30 and 00:30 Shanghai time: the same UTC day, two local days.
    _set(api, late, created_at=datetime(2026, 3, 1, 23, 30, tzinfo=shanghai))
    _set(api, early, created_at=datetime(2026, 3, 2, 0, 30, tzinfo=shanghai))
    _set(api, noise, created_at=datetime(2026, 3, 2, 12, 0, tzinfo=shanghai))
    _set(api, merged, created_at=datetime(2026, 3, 2, 12, 0, tzinfo=shanghai), status="merged")
    _set(api, outside, created_at=datetime(2026, 3, 3, 0, 0, tzinfo=shanghai))
    period = {"from": "2026-03-01T00:00:00+08:00", "to": "2026-03-03T00:00:00+08:00"}
    report = api.as_("analyst").get("/stats/volume", params=period).json()
    assert report["days"] == ["2026-03-01", "2026-03-02"]
    series = {s["code"]: s["counts"] for s in report["series"]}
    assert series == {"safety": [1, 1], "environment": [0, 1]}
    assert report["total"] == 3
    subs = api.as_("supervisor").get("/stats/volume", params={**period, "level": "sub"}).json()
    assert {s["code"]: s["total"] for s in subs["series"]} == {
        "safety.gas_leak": 1,
        "safety.fire_hazard": 1,
        "environment.construction_noise": 1,
    }
    assert api.as_("operator").get("/stats/volume", params=period).status_code == 403
    backwards = {"from": period["to"], "to": period["from"]}
    assert api.as_("analyst").get("/stats/volume", params=backwards).status_code == 422
    too_long = {"from": "2020-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}
    assert api.as_("analyst").get("/stats/volume", params=too_long).status_code == 422


def _rows(resp: object) -> list[list[str]]:
    text = resp.content.decode("utf-8")  # type: ignore[attr-defined]
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_exports(api: Api) -> None:
    gas = _message(api, "裕华区槐安东路12号燃气管道漏气")
    op = api.as_("operator")
    op.post(f"/tickets/{gas}/accept", json={"district": "=HYPERLINK(1)"})
    op.post(f"/tickets/{gas}/dispatch")
    api.as_("gas_staff").post(f"/tickets/{gas}/start")
    api.as_("gas_staff").post(f"/tickets/{gas}/resolve", json={"reply": "已修复管道"})
    sup = api.as_("supervisor")
    resp = sup.get("/stats/export.csv", params={"report": "departments"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(
        r'attachment; filename="minsheng-departments-\d{8}\.csv"',
        resp.headers["content-disposition"],
    )
    rows = _rows(resp)
    assert rows[0][:3] == ["部门代码", "承办部门", "派单数"]
    assert rows[1][:7] == ["gas", "市城市管理局燃气管理处", "1", "1", "1", "0", "1.0000"]
    hot = _rows(sup.get("/stats/export.csv", params={"report": "hotspots"}))
    assert hot[0] == ["区县", "分类代码", "分类", "工单数"]
    assert hot[1] == ["'=HYPERLINK(1)", "safety.gas_leak", "燃气泄漏", "1"]  # not a formula
    volume = _rows(api.as_("analyst").get("/stats/export.csv", params={"report": "volume"}))
    assert volume[0] == ["日期", "分类代码", "分类", "工单数"]
    assert len(volume) == 1 + 31  # a row per day of the default 30-day window
    assert sum(int(r[3]) for r in volume[1:]) == 1
    assert op.get("/stats/export.csv", params={"report": "departments"}).status_code == 403
    assert sup.get("/stats/export.csv", params={"report": "users"}).status_code == 422


def test_local_days_and_csv_helpers() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    start = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)  # 00:00 on 2 March in Shanghai
    days = local_days(start, start + timedelta(days=2), tz)
    assert [d.isoformat() for d in days] == ["2026-03-02", "2026-03-03"]
    assert local_days(start, start, tz) == []
    text = to_csv(["a", "b"], [["+1", None], ["x,y", 2]])
    assert text == '\ufeffa,b\r\n\'+1,\r\n"x,y",2\r\n'
