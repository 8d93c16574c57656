"""SQL injection strings in filters, search, path parameters and the login form: normal
results or a 4xx, never a 5xx, never more rows than an honest query finds, no data changed."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.api.factories import Api, snapshot

pytestmark = pytest.mark.security

PAYLOADS = [
    "' OR '1'='1",
    "' OR 1=1 --",
    "'; DROP TABLE ticket; --",
    "1; UPDATE ticket SET status='closed' --",
    "\\'; DELETE FROM app_user; --",
    "' UNION SELECT username, password_hash FROM app_user --",
    '" OR ""="',
    "%' OR 'x' LIKE '%",
    "%",
    "_",
    "裕华区' OR '1'='1",
    "$(rm -rf /)",
]

# Filters of GET /tickets that take free text.
TEXT_FILTERS = ["q", "category", "department", "district"]


@pytest.fixture
def seeded(api: Api) -> Api:
    """Two tickets from messages (one gas leak, one noise complaint)."""
    for text in ("裕华区槐安东路88号楼道里有煤气味", "长安区建设大街工地夜里施工噪音很大"):
        resp = api.as_("operator").post("/messages", json={"channel": "web", "text": text})
        assert resp.status_code == 202 and resp.json()["ticket_no"], resp.text
    return api


def _tables(api: Api) -> dict[str, object]:
    state = snapshot(api.engine)
    state.pop("api_token", None)  # reading with a token may note when it was last used
    return state


@pytest.mark.parametrize("field", TEXT_FILTERS)
def test_injection_in_ticket_filters_finds_nothing_and_changes_nothing(
    seeded: Api, field: str
) -> None:
    before = _tables(seeded)
    for payload in PAYLOADS:
        resp = seeded.as_("supervisor").get("/tickets", params={field: payload})
        assert resp.status_code in (200, 422), (payload, resp.status_code, resp.text)
        if resp.status_code == 200:
            # No ticket contains these strings: an injected OR would return both tickets.
            assert resp.json()["total"] == 0, (field, payload, resp.json()["total"])
    assert _tables(seeded) == before


def test_search_still_finds_what_it_should(seeded: Api) -> None:
    resp = seeded.as_("supervisor").get("/tickets", params={"q": "煤气味"})
    assert resp.status_code == 200 and resp.json()["total"] == 1


@pytest.mark.parametrize(
    "path",
    [
        "/tickets/{}",
        "/tickets/{}/audit",
        "/public/tickets/{}?phone_last4=1234",
        "/jobs/{}",
    ],
)
def test_injection_in_path_parameters_is_not_found(seeded: Api, path: str) -> None:
    before = _tables(seeded)
    for payload in PAYLOADS:
        url = path.format(quote(payload, safe=""))
        resp = seeded.as_("supervisor").get(url)
        assert resp.status_code in (404, 422), (url, resp.status_code, resp.text)
    assert _tables(seeded) == before


def test_injection_in_other_query_parameters_is_refused(seeded: Api) -> None:
    before = _tables(seeded)
    for payload in PAYLOADS:
        for params in (
            {"status": payload},
            {"from": payload},
            {"limit": payload},
            {"order": payload},
            {"due_within_hours": payload},
        ):
            resp = seeded.as_("supervisor").get("/tickets", params=params)
            assert resp.status_code == 422, (params, resp.status_code)
        resp = seeded.client.get("/public/tickets/x", params={"phone_last4": payload})  # anonymous
        assert resp.status_code in (404, 422), (payload, resp.status_code)
    assert _tables(seeded) == before


def test_injection_in_the_login_form_does_not_log_in(seeded: Api) -> None:
    before = _tables(seeded)
    for payload in PAYLOADS:
        for form in (
            {"username": f"admin{payload}", "password": "x"},
            {"username": "admin", "password": payload},
            {"username": payload, "password": payload},
        ):
            resp = seeded.client.post("/auth/token", data=form)
            assert resp.status_code in (401, 422), (form, resp.status_code, resp.text)
            assert "access_token" not in resp.text
    assert _tables(seeded) == before
