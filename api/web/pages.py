"""The HTML pages under ``/ui``: server-rendered shells that the page scripts fill in.

A page carries no personal data: the browser keeps the bearer token in ``sessionStorage`` and
the scripts read everything through the JSON API, which checks every request. A page only
declares which roles it is for, so the navigation and a friendly "no access" notice match
what the API would answer anyway.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.deps import SettingsDep, TaxonomyDep
from api.web.context import PAGES, page_data

TEMPLATE_DIR = Path(__file__).parent / "templates"
ASSET_VERSION = "1"  # bump to make browsers fetch changed scripts and styles

# Scripts and styles only from this origin, never inline; audio from blob: URLs made by
# the ticket page; no frames.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)

templates = Jinja2Templates(directory=TEMPLATE_DIR)
router = APIRouter(prefix="/ui", include_in_schema=False)


def render(
    request: Request,
    name: str,
    *,
    settings: SettingsDep,
    taxonomy: TaxonomyDep,
    **extra: Any,
) -> HTMLResponse:
    """Render ``<name>.html`` with the navigation, the page's roles and the shared data."""
    spec = PAGES[name]
    context = {
        "page": spec,
        "nav": [p for p in PAGES.values() if p.in_nav],
        "page_roles": " ".join(r.value for r in spec.roles),
        "data": page_data(taxonomy, settings.timezone),
        "asset_version": ASSET_VERSION,
        **extra,
    }
    response = templates.TemplateResponse(request, f"{name}.html", context)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("")
@router.get("/")
def ui_root() -> Response:
    """The pages start at the login (which forwards a logged-in user to their home)."""
    return RedirectResponse("/ui/login", status_code=307)


@router.get("/login")
def login_page(request: Request, settings: SettingsDep, taxonomy: TaxonomyDep) -> HTMLResponse:
    """Log in."""
    return render(request, "login", settings=settings, taxonomy=taxonomy)


@router.get("/queue")
def queue_page(request: Request, settings: SettingsDep, taxonomy: TaxonomyDep) -> HTMLResponse:
    """The operators' queue of drafts."""
    return render(request, "queue", settings=settings, taxonomy=taxonomy)


@router.get("/tickets/{number}")
def ticket_page(
    request: Request, settings: SettingsDep, taxonomy: TaxonomyDep, number: str
) -> HTMLResponse:
    """One work order: recording, transcript, suggestion, actions, history."""
    return render(request, "ticket", settings=settings, taxonomy=taxonomy, number=number)


@router.get("/department")
def department_page(request: Request, settings: SettingsDep, taxonomy: TaxonomyDep) -> HTMLResponse:
    """A department's work orders: sign for, reply, resolve, return."""
    return render(request, "department", settings=settings, taxonomy=taxonomy)


@router.get("/dashboard")
def dashboard_page(request: Request, settings: SettingsDep, taxonomy: TaxonomyDep) -> HTMLResponse:
    """The supervisors' dashboard."""
    return render(request, "dashboard", settings=settings, taxonomy=taxonomy)


@router.get("/lookup")
def lookup_page(request: Request, settings: SettingsDep, taxonomy: TaxonomyDep) -> HTMLResponse:
    """The public lookup of one's own work order."""
    return render(request, "lookup", settings=settings, taxonomy=taxonomy)
