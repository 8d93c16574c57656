"""Web pages of the service (``/ui``): Jinja2 page shells, plain JavaScript on the JSON API.

``mount_web(app)`` adds the pages, their static files, the recording stream and the
dashboard's extra figures and CSV exports to an app built by ``api.main.create_app``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from api.web import media, pages, report_routes

STATIC_DIR = Path(__file__).parent / "static"

__all__ = ["STATIC_DIR", "mount_web"]


def mount_web(app: FastAPI) -> None:
    """Add the web pages and the endpoints they need to ``app``."""
    app.include_router(media.router)
    app.include_router(report_routes.router)
    app.include_router(pages.router)
    app.mount("/ui/static", StaticFiles(directory=STATIC_DIR), name="ui-static")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/ui/login", status_code=307)
