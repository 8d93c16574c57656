"""Who sees which page, logging in and out, and the queue's filters and keys, in Chromium."""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.parse

import pytest

from tests.api.conftest import PASSWORD
from tests.web.conftest import Browser, LiveServer

with contextlib.suppress(ImportError):  # the browser fixture skips (or fails) with why
    from selenium.webdriver.support.ui import Select

pytestmark = pytest.mark.browser

# user -> (home page, navigation links shown)
ROLES = {
    "operator": ("/ui/queue", ["待办队列", "市民查询"]),
    "gas_staff": ("/ui/department", ["部门工单", "市民查询"]),
    "supervisor": ("/ui/dashboard", ["待办队列", "部门工单", "督办看板", "市民查询"]),
    "analyst": ("/ui/dashboard", ["督办看板", "市民查询"]),
    "admin": ("/ui/queue", ["待办队列", "部门工单", "督办看板", "市民查询"]),
}
MESSAGES = [
    ("裕华区槐安东路12号楼道里有煤气味，燃气管道漏气", "13900001111"),
    ("长安区中山东路3号工地半夜施工打桩，吵得睡不着", None),
    ("裕华区体育南大街5号楼下垃圾桶满了没人收，很臭", None),
    ("桥西区自强路8号暖气不热，室温只有十度", None),
    ("裕华区建华南大街9号附近着火了，冒烟很大", None),
]


@pytest.fixture(scope="module")
def numbers(live_server: LiveServer) -> list[str]:
    """Five drafts from text messages (the fourth urgent), created in this order."""
    out = []
    for text, phone in MESSAGES:
        body = {"channel": "wechat", "text": text, "caller_phone": phone}
        job = live_server.wait_job(live_server.call("POST", "/messages", "operator", body)["id"])
        out.append(job["ticket_no"])
    return out


def _nav(b: Browser) -> list[str]:
    return [a.text for a in b.find_all(".nav-link") if a.is_displayed()]


def test_each_role_lands_on_its_home_with_its_own_links(browser: Browser) -> None:
    b = browser
    for user, (home, links) in ROLES.items():
        b.login(user)
        assert urllib.parse.urlparse(b.driver.current_url).path == home, user
        assert _nav(b) == links, user
        assert b.find("#user-name").text == user
    b.logout()
    b.open("/ui/login")
    b.shot("00_login")
    assert b.errors() == []


def test_pages_refuse_other_roles_and_anonymous_visitors(
    browser: Browser, live_server: LiveServer, numbers: list[str]
) -> None:
    b = browser
    b.logout()
    b.open("/ui/queue?status=accepted")
    b.wait(lambda d: "/ui/login" in d.current_url)
    query = urllib.parse.urlparse(b.driver.current_url).query
    assert urllib.parse.parse_qs(query)["next"] == ["/ui/queue?status=accepted"]
    b.visible("#username").send_keys("operator")
    b.find("#password").send_keys("wrong password")
    b.click("#login-submit")
    assert b.visible("#login-error").text == "用户名或密码错误"
    b.find("#password").clear()
    b.find("#password").send_keys(PASSWORD)
    b.click("#login-submit")
    b.wait(lambda d: d.current_url == b.base_url + "/ui/queue?status=accepted")

    b.open("/ui/dashboard")
    assert "当前账号（话务员）不能打开“督办看板”页面" in b.visible("#denied").text
    assert not b.find("#page-body").is_displayed()
    b.shot("08_denied")

    # An analyst reads a ticket but gets no buttons; a department never sees a draft.
    b.login("analyst")
    b.open(f"/ui/tickets/{numbers[0]}")
    b.visible("#transcript .seg")
    assert not b.find("#decision-panel").is_displayed()
    b.login("gas_staff")
    b.open(f"/ui/tickets/{numbers[0]}")
    assert "不存在" in b.visible("#ticket-error").text
    b.errors()  # the refused request is logged by the browser


def test_logout_revokes_the_token(browser: Browser, live_server: LiveServer) -> None:
    b = browser
    b.login("supervisor")
    token = b.js("return sessionStorage.getItem('minsheng.token')")
    live_server.tokens["probe"] = token
    assert live_server.call("GET", "/auth/me", "probe")["username"] == "supervisor"
    b.click("#logout-btn")
    b.wait(lambda d: d.current_url.endswith("/ui/login"))
    assert b.js("return sessionStorage.length") == 0
    with pytest.raises(urllib.error.HTTPError) as refused:
        live_server.call("GET", "/auth/me", "probe")
    assert refused.value.code == 401


def _rows(b: Browser) -> list[str]:
    script = "return [...document.querySelectorAll('#queue-rows tr')].map(r => r.dataset.number)"
    return list(b.js(script))


def test_queue_filters_and_keys(browser: Browser, numbers: list[str]) -> None:
    b = browser
    b.login("operator")
    b.wait(lambda d: len(_rows(b)) == len(numbers))
    # Urgent first; then by due time (24-hour limits before the 48-hour one), oldest first.
    assert _rows(b) == [numbers[4], numbers[0], numbers[1], numbers[3], numbers[2]]
    assert b.find(f'#queue-rows tr[data-number="{numbers[4]}"] .badge-urgent').text == "紧急"

    Select(b.find("#filter-district")).select_by_value("裕华区")
    b.wait(lambda d: _rows(b) == [numbers[4], numbers[0], numbers[2]])
    Select(b.find("#filter-category")).select_by_value("safety")
    b.wait(lambda d: _rows(b) == [numbers[4], numbers[0]])
    assert "district=" in b.driver.current_url and "category=safety" in b.driver.current_url
    b.driver.refresh()  # the filters live in the address
    b.wait(lambda d: _rows(b) == [numbers[4], numbers[0]])
    Select(b.find("#filter-category")).select_by_value("")
    b.wait(lambda d: len(_rows(b)) == 3)

    body = b.find("body")
    body.send_keys("j")
    body.send_keys("j")
    assert b.find("#queue-rows tr.selected").get_attribute("data-number") == numbers[2]
    body.send_keys("k")
    assert b.find("#queue-rows tr[aria-selected=true]").get_attribute("data-number") == numbers[0]
    b.shot("09_queue_filtered")
    b.find("#queue-rows tr.selected").send_keys("\n")
    b.wait(lambda d: d.current_url.endswith(f"/ui/tickets/{numbers[0]}"))
    b.visible("#transcript mark.ent")
    marks = {(m.get_attribute("data-kind"), m.text) for m in b.find_all("#transcript mark.ent")}
    assert any(k == "address" and t.startswith("裕华区槐安东路12号") for k, t in marks)
    assert b.errors() == []
