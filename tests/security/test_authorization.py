"""Authorisation matrix: every endpoint of the app × every role (and no login at all).

The endpoint list comes from the app's routes, not from this file: an endpoint added later
is still checked. Endpoints listed in ``EXPECTED`` get the full matrix (allowed roles pass
the guard, all others get 403, anonymous 401); any other endpoint must at least refuse an
anonymous caller, unless it is a page shell under ``/ui`` (pages hold no data; they call the
guarded API). A new endpoint without a guard therefore fails this test.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from tests.api.factories import ROLES, Api

pytestmark = pytest.mark.security

ANONYMOUS = "anonymous"
EVERYONE = frozenset(ROLES) | {ANONYMOUS}
ANY_USER = frozenset(ROLES)
OPERATOR = frozenset({"admin", "operator", "supervisor"})
DEPARTMENT = frozenset({"admin", "supervisor", "gas_staff", "urban_staff", "sanitation_staff"})
STAFF = ANY_USER  # every role may read tickets (departments only their own: 404, not 403)
ANALYST = frozenset({"admin", "analyst", "supervisor"})
ADMIN = frozenset({"admin"})

# Who may pass the guard of each endpoint (docs/api.md, "Roles" and "Endpoints").
EXPECTED: dict[tuple[str, str], frozenset[str]] = {
    ("POST", "/auth/token"): EVERYONE,
    ("POST", "/auth/logout"): ANY_USER,
    ("GET", "/auth/me"): ANY_USER,
    ("POST", "/calls"): OPERATOR,
    ("POST", "/messages"): OPERATOR,
    ("GET", "/jobs/{job_id}"): OPERATOR,
    ("POST", "/jobs/{job_id}/retry"): OPERATOR,
    ("GET", "/tickets"): STAFF,
    ("GET", "/tickets/overdue"): STAFF,
    ("GET", "/tickets/due-soon"): STAFF,
    ("GET", "/tickets/{number}"): STAFF,
    ("GET", "/tickets/{number}/audit"): STAFF,
    ("GET", "/tickets/{number}/corrections"): STAFF,
    ("POST", "/tickets"): OPERATOR,
    ("PATCH", "/tickets/{number}"): OPERATOR,
    ("POST", "/tickets/{number}/accept"): OPERATOR,
    ("POST", "/tickets/{number}/dispatch"): OPERATOR,
    ("POST", "/tickets/{number}/visit"): OPERATOR,
    ("POST", "/tickets/{number}/reopen"): OPERATOR,
    ("POST", "/tickets/{number}/close"): OPERATOR,
    ("POST", "/tickets/{number}/merge"): OPERATOR,
    ("POST", "/tickets/{number}/start"): DEPARTMENT,
    ("POST", "/tickets/{number}/resolve"): DEPARTMENT,
    ("POST", "/tickets/{number}/return"): DEPARTMENT,
    ("GET", "/public/tickets/{number}"): EVERYONE,
    ("GET", "/stats/departments"): ANALYST,
    ("GET", "/stats/hotspots"): ANALYST,
    ("GET", "/stats/models"): ANALYST,
    ("GET", "/departments"): ANY_USER,
    ("GET", "/users"): ADMIN,
    ("POST", "/users"): ADMIN,
    ("PATCH", "/users/{user_id}"): ADMIN,
    ("GET", "/health"): EVERYONE,
    ("GET", "/healthz"): EVERYONE,
    ("GET", "/readyz"): EVERYONE,
    ("GET", "/metrics"): EVERYONE,
    ("GET", "/openapi.json"): EVERYONE,
    ("GET", "/docs"): EVERYONE,
    ("GET", "/docs/oauth2-redirect"): EVERYONE,
    ("GET", "/redoc"): EVERYONE,
}

# Page shells: static HTML and scripts; the data they show comes from the guarded API.
PUBLIC_PAGES = ("/", "/ui")


def app_endpoints(app: FastAPI) -> list[tuple[str, str]]:
    """(METHOD, path template) of every route of ``app``, included routers too (no HEAD)."""

    def walk(routes: Iterable[Any], prefix: str) -> Iterator[tuple[str, str]]:
        for route in routes:
            original = getattr(route, "original_router", None)
            if original is not None:
                context = getattr(route, "include_context", None)
                yield from walk(original.routes, prefix + getattr(context, "prefix", ""))
                continue
            for method in getattr(route, "methods", None) or ():
                if method != "HEAD":
                    yield method, prefix + route.path

    return sorted(set(walk(app.routes, "")))


def _is_page(path: str) -> bool:
    return path == "/" or any(path == p or path.startswith(p + "/") for p in PUBLIC_PAGES[1:])


def _fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path.replace("{", "").replace("}", "")  # any other parameter: its own name


def _seed(api: Api) -> dict[str, str]:
    """A ticket made from a message; the values of the path parameters."""
    resp = api.as_("operator").post(
        "/messages", json={"channel": "wechat", "text": "裕华区槐安东路88号楼道里有煤气味"}
    )
    assert resp.status_code == 202, resp.text
    job = resp.json()
    assert job["ticket_no"], job
    users = api.as_("admin").get("/users").json()
    user_id = users["items"][0]["id"]
    return {
        "number": job["ticket_no"],
        "job_id": str(job["id"]),
        "user_id": str(user_id),
        "version": "no-such-version",
    }


def _request(api: Api, who: str, method: str, url: str) -> int:
    headers = {} if who == ANONYMOUS else {"Authorization": f"Bearer {api.tokens[who]}"}
    body = {} if method in ("POST", "PUT", "PATCH") else None
    resp = api.client.request(method, url, headers=headers, json=body, follow_redirects=False)
    return resp.status_code


def _verdict(who: str, allowed: bool, status: int) -> str | None:
    """Why ``status`` is wrong for this caller, or None."""
    denied = status in (401, 403)
    if allowed and denied:
        return f"refused ({status}) but should be allowed"
    if not allowed and not denied:
        return f"answered {status} but should be refused"
    if not allowed and who == ANONYMOUS and status != 401:
        return f"anonymous should get 401, got {status}"
    if not allowed and who != ANONYMOUS and status != 403:
        return f"a logged-in user of the wrong role should get 403, got {status}"
    return None


def test_the_matrix_names_only_endpoints_that_exist(sqlite_api: Api) -> None:
    present = set(app_endpoints(sqlite_api.extra["app"]))
    missing = sorted(set(EXPECTED) - present)
    assert not missing, f"endpoints in the matrix but not in the app: {missing}"


def _check(api: Api, who: str, values: dict[str, str]) -> list[str]:
    """Every endpoint of the app as ``who``; the wrong answers."""
    endpoints = app_endpoints(api.extra["app"])
    # Logging out revokes the token: last.
    endpoints.sort(key=lambda e: e == ("POST", "/auth/logout"))
    wrong: list[str] = []
    for method, path in endpoints:
        status = _request(api, who, method, _fill(path, values))
        if (method, path) in EXPECTED:
            problem = _verdict(who, who in EXPECTED[(method, path)], status)
        elif who == ANONYMOUS and not _is_page(path) and status not in (401, 403):
            problem = f"answered {status} to an anonymous caller: unguarded endpoint?"
        else:
            problem = None
        if problem:
            wrong.append(f"{method} {path} as {who}: {problem}")
    return wrong


@pytest.mark.parametrize("who", [*sorted(ROLES), ANONYMOUS])
def test_every_endpoint_allows_exactly_its_roles(sqlite_api: Api, who: str) -> None:
    wrong = _check(sqlite_api, who, _seed(sqlite_api))
    assert not wrong, "\n".join(wrong)


def test_an_endpoint_added_without_a_guard_is_caught(sqlite_api: Api) -> None:
    app: FastAPI = sqlite_api.extra["app"]

    @app.get("/tickets/{number}/leak")
    def leak(number: str) -> dict[str, str]:
        return {"number": number}

    wrong = _check(sqlite_api, ANONYMOUS, _seed(sqlite_api))
    assert wrong == [
        "GET /tickets/{number}/leak as anonymous: answered 200 to an anonymous "
        "caller: unguarded endpoint?"
    ]
