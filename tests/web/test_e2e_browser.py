"""The whole journey of one call through the web pages, in headless Chromium.

An operator uploads a real sample recording (``manhole_01``: a missing manhole cover, which
the keyword classifier files as road maintenance), plays it beside the transcript, corrects
the category and dispatches; the department resolves it with a reply; the operator records
the visit and closes it; the supervisor's dashboard counts it; the public lookup shows it
masked. Every page is screenshotted.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from api.models import Ticket

with contextlib.suppress(ImportError):  # the browser fixture skips (or fails) with why
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

from tests.web.conftest import Browser, LiveServer
from tests.web.truth_pipeline import CALLS_DIR, sample_truths

pytestmark = pytest.mark.browser

SAMPLE = "manhole_01"
OTHER_SAMPLES = ("gas_leak_01", "garbage_01", "heating_01", "cooking_fumes_01", "night_bus_01")
URGENT_MESSAGE = {
    "channel": "wechat",
    "text": "新华区中华北大街56号楼下电动车棚着火了，火很大，赶紧派人来！",
    "caller_phone": "13812345678",
}
REPLY = "已派人现场核实，当日补装井盖并设置警示标志，已电话告知市民（15832106497）。"


def _seed(server: LiveServer) -> None:
    """Other calls over the past weeks, so the queue and the dashboard have a history."""
    numbers = []
    for name in OTHER_SAMPLES:
        job = server.wait_job(server.upload(CALLS_DIR / f"{name}.wav")["id"])
        assert job["status"] == "done", job
        numbers.append(job["ticket_no"])
    # Two handled by their departments (a supervisor may act for any department) ...
    for number in numbers[:2]:
        server.call("POST", f"/tickets/{number}/accept", "operator")
        server.call("POST", f"/tickets/{number}/dispatch", "operator")
        server.call("POST", f"/tickets/{number}/start", "supervisor")
        server.call("POST", f"/tickets/{number}/resolve", "supervisor", {"reply": "已处理完毕。"})
    # ... one still open at its department.
    server.call("POST", f"/tickets/{numbers[2]}/accept", "operator")
    server.call("POST", f"/tickets/{numbers[2]}/dispatch", "operator")
    # Move them into the past: the gas leak was replied in 5 hours (on time), the garbage
    # in 60 hours (late), the heating ticket is open three days after its 24-hour limit.
    backdate(server, numbers[0], days=2, handled_hours=5)
    backdate(server, numbers[1], days=6, handled_hours=60)
    backdate(server, numbers[2], days=4)
    backdate(server, numbers[3], days=9)
    backdate(server, numbers[4], days=12)
    # Text messages in earlier weeks: the callers' own words of the sample calls.
    for i, truth in enumerate(sample_truths().values()):
        message = {
            "channel": "wechat",
            "text": truth["caller_text"],
            "caller_phone": truth["phone"],
        }
        job = server.wait_job(server.call("POST", "/messages", "operator", message)["id"])
        backdate(server, job["ticket_no"], days=3 + (i * 7) % 26)
    # A text message the fake rates urgent: it must head the queue.
    job = server.call("POST", "/messages", "operator", URGENT_MESSAGE)
    assert server.wait_job(job["id"])["status"] == "done"


def backdate(server: LiveServer, number: str, days: int, handled_hours: float = 0) -> None:
    """Shift a ticket ``days`` into the past: its times, and the date in its number; and
    set how long its reply took."""
    fields = ("created_at", "updated_at", "accepted_at", "dispatched_at", "started_at", "due_at")
    tz = server.app.state.settings.tz
    with Session(server.app.state.engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.number == number)).one()
        for name in fields:
            if getattr(ticket, name) is not None:
                setattr(ticket, name, getattr(ticket, name) - timedelta(days=days))
        if ticket.resolved_at is not None and ticket.dispatched_at is not None:
            ticket.resolved_at = ticket.dispatched_at + timedelta(hours=handled_hours)
        day = ticket.created_at.astimezone(tz).strftime("%Y%m%d")
        ticket.number = f"{day}-{number.split('-')[1]}"
        session.add(ticket)
        session.commit()


def _upload_in_queue(b: Browser, phone: str) -> str:
    b.login("operator")
    assert "/ui/queue" in b.driver.current_url
    b.visible("#queue-rows tr")
    b.find("#upload-file").send_keys(str(CALLS_DIR / f"{SAMPLE}.wav"))
    b.find("#upload-phone").send_keys(phone)
    b.click("#upload-submit")
    link = b.visible("#upload-ticket-link", timeout=30)
    number = str(link.text)
    b.wait(lambda d: b.find_all(f'#queue-rows tr[data-number="{number}"]'))
    return number


def _open_with_keyboard(b: Browser, number: str) -> None:
    rows = b.js(
        "return [...document.querySelectorAll('#queue-rows tr')].map(r => r.dataset.number)"
    )
    assert number in rows
    body = b.find("body")
    body.send_keys("k" * len(rows))  # to the top
    for _ in range(rows.index(number)):
        body.send_keys("j")
    selected = b.find("#queue-rows tr.selected")
    assert selected.get_attribute("data-number") == number
    selected.send_keys(Keys.ENTER)
    b.wait(lambda d: d.current_url.endswith(f"/ui/tickets/{number}"))


def _check_transcript(b: Browser, truth: dict) -> None:
    b.visible("#transcript .seg")
    segs = b.find_all("#transcript .seg")
    assert len(segs) == len(truth["turns"])
    speakers = [s.find_element(By.CSS_SELECTOR, ".speaker-tag").text for s in segs]
    assert speakers == ["话务员" if t["speaker"] == "agent" else "市民" for t in truth["turns"]]
    marks = {(m.get_attribute("data-kind"), m.text) for m in b.find_all("#transcript mark.ent")}
    assert ("phone", "幺五八，三二幺零，六四九七") in marks
    assert ("address", "桥西区新石北路二百一十六号") in marks
    assert "道路与小区设施维修" in b.text("#suggested")
    assert b.text("#suggested-confidence") == "80%"


def _check_audio(b: Browser, truth: dict) -> None:
    # HAVE_CURRENT_DATA (2) or better: the recording decoded.
    b.wait(lambda d: player(b)["readyState"] >= 2, timeout=20)
    state = player(b)
    assert state["error"] is None
    assert abs(state["duration"] - truth["duration_s"]) < 0.5
    turn = truth["turns"][3]  # the caller gives the address
    b.find_all("#transcript .seg")[3].click()
    b.wait(lambda d: player(b)["currentTime"] > turn["start"] + 0.3)
    state = player(b)
    assert not state["paused"] and state["error"] is None
    assert "playing" in b.find_all("#transcript .seg")[3].get_attribute("class").split()


def player(b: Browser) -> dict:
    """The audio element's state."""
    return dict(
        b.js(
            "const a = document.getElementById('player');"
            "return {readyState: a.readyState, currentTime: a.currentTime, paused: a.paused,"
            " duration: a.duration, error: a.error && a.error.code};"
        )
    )


def _correct_and_dispatch(b: Browser) -> None:
    Select(b.find("#f-category")).select_by_value("safety.road_hazard")
    assert Select(b.find("#f-department")).first_selected_option.get_attribute("value") == "urban"
    b.find("#f-urgent").click()
    b.find("#f-reason").send_keys("井盖缺失属道路设施隐患，危及行人")
    b.click("#btn-accept")
    b.wait(lambda d: b.find("#ticket-badges .status").get_attribute("data-status") == "accepted")
    b.wait(lambda d: "分类：道路与小区设施维修 → 道路设施隐患（井盖、塌陷）" in b.text("#history"))
    assert "紧急" in b.text("#ticket-badges")
    assert b.text("#fact-department") == "市城市管理局"
    b.click("#btn-dispatch")
    b.wait(lambda d: b.find("#ticket-badges .status").get_attribute("data-status") == "dispatched")
    b.wait(lambda d: "派往 市城市管理局" in b.text("#history"))


def _resolve_as_department(b: Browser, number: str) -> None:
    b.login("urban_staff")
    assert "/ui/department" in b.driver.current_url
    assert b.text("#dept-name") == "市城市管理局"
    nav = [a.text for a in b.find_all(".nav-link") if a.is_displayed()]
    assert nav == ["部门工单", "市民查询"]
    b.visible(f'#dept-rows tr[data-number="{number}"]').click()
    b.wait(lambda d: b.text("#d-number") == number)
    b.find("#d-reply").send_keys(REPLY)
    b.shot("04_department")
    b.click("#btn-resolve")
    b.wait(lambda d: b.find("#d-status .status").get_attribute("data-status") == "resolved")
    assert b.text("#d-reply-text") == REPLY


def _visit_and_close(b: Browser, number: str) -> None:
    b.login("operator")
    b.open(f"/ui/tickets/{number}")
    b.visible("#visit-panel")
    Select(b.find("#v-satisfaction")).select_by_value("5")
    b.find("#v-comment").send_keys("市民表示满意")
    b.click("#btn-visit")
    b.click("#btn-close")
    b.wait(lambda d: b.find("#ticket-badges .status").get_attribute("data-status") == "closed")
    b.wait(lambda d: b.find('#history li[data-action="close"]'))
    history = b.text("#history")
    for label in ("生成草稿", "修改", "受理", "派单", "签收办理", "办结答复", "回访", "归档"):
        assert label in history
    assert REPLY in b.text("#reply-text")


def _check_dashboard(b: Browser, server: LiveServer, number: str) -> None:
    b.login("supervisor")
    assert "/ui/dashboard" in b.driver.current_url
    b.wait(lambda d: b.js("return document.body.dataset.loaded") == "true")
    tz = ZoneInfo(server.app.state.settings.timezone)
    today = datetime.now(tz).date().isoformat()
    bars = b.find_all(f'#chart-volume rect.bar[data-series="safety"][data-x="{today}"]')
    assert bars and int(bars[0].get_attribute("data-value")) >= 2  # manhole + gas leak
    urban = b.find('#score-rows tr[data-dept="urban"]')
    assert urban.find_element(By.CSS_SELECTOR, '[data-field="received"]').text == "1"
    assert urban.find_element(By.CSS_SELECTOR, '[data-field="on_time_rate"]').text == "100%"
    assert urban.find_element(By.CSS_SELECTOR, '[data-field="satisfaction"]').text == "5.0"
    assert b.find_all('#chart-ontime rect.bar[data-key="urban"]')
    hot = b.find('#hotspot-rows tr[data-district="桥西区"][data-category="safety.road_hazard"]')
    assert hot.find_element(By.CSS_SELECTOR, ".num").text == "1"
    b.shot("05_dashboard")
    b.find('[data-export="departments"]').click()
    b.wait(lambda d: [p for p in b.download_dir.glob("*.csv")], timeout=15)
    csv_text = next(b.download_dir.glob("minsheng-departments-*.csv")).read_text("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("部门代码,承办部门,派单数")
    lines = csv_text.splitlines()
    assert any(line.startswith("urban,市城市管理局,1,1,1,0,1.0000") for line in lines)


def _check_public_lookup(b: Browser, number: str, truth: dict) -> None:
    b.logout()
    b.open("/ui/lookup")
    b.visible("#lookup-number").send_keys(number)
    b.find("#lookup-last4").send_keys("0000")
    b.click("#lookup-submit")
    assert "未找到该工单" in b.visible("#lookup-error").text
    assert [e for e in b.errors() if "phone_last4=0000" not in e] == []
    b.find("#lookup-last4").clear()
    b.find("#lookup-last4").send_keys(truth["phone"][-4:])
    b.click("#lookup-submit")
    b.visible("#lookup-result")
    assert b.text("#r-status-label") == "已归档"
    assert b.text("#r-department") == "市城市管理局"
    text = b.page_text()
    assert truth["phone"] not in text
    assert "三二幺零" not in text  # the middle digits as spoken
    assert "158****6497" in b.text("#r-reply")
    assert "幺五八****六四九七" in b.text("#r-summary")
    b.shot("06_lookup")


def test_call_to_closed_ticket_through_the_pages(live_server: LiveServer, browser: Browser) -> None:
    truth = sample_truths()[SAMPLE]
    b = browser
    _seed(live_server)
    b.errors()

    number = _upload_in_queue(b, truth["phone"])
    b.shot("01_queue")
    _open_with_keyboard(b, number)
    _check_transcript(b, truth)
    _check_audio(b, truth)
    b.shot("02_ticket_draft")
    _correct_and_dispatch(b)
    b.shot("03_ticket_dispatched")
    assert b.errors() == []

    _resolve_as_department(b, number)
    _visit_and_close(b, number)
    b.shot("07_ticket_closed")
    _check_dashboard(b, live_server, number)
    assert b.errors() == []
    _check_public_lookup(b, number, truth)
    assert b.errors() == []
