"""Command-line entry points the ``minsheng`` CLI calls: create the first admin, serve."""

from __future__ import annotations

import logging

from sqlmodel import Session

from api.config import ApiSettings, get_api_settings
from api.crud.users import create_user
from api.db import init_db, make_engine
from api.models import Role, UserCreate, UserPublic
from api.taxonomy import ApiTaxonomy

logger = logging.getLogger(__name__)


def create_admin(username: str, password: str, settings: ApiSettings | None = None) -> UserPublic:
    """Create an administrator (migrating the database first).

    Raises:
        api.errors.Conflict: The username is taken.
        pydantic.ValidationError: The password is shorter than 8 characters.
    """
    settings = settings or get_api_settings()
    engine = make_engine(settings.database_url)
    try:
        init_db(engine, ApiTaxonomy.load(settings.taxonomy_path), run_migrations=True)
        user_in = UserCreate(
            username=username, password=password, role=Role.ADMIN, full_name="系统管理员"
        )
        with Session(engine) as session:
            user = create_user(session=session, user_in=user_in)
            return UserPublic.model_validate(user)
    finally:
        engine.dispose()


def serve(host: str = "127.0.0.1", port: int = 8000, settings: ApiSettings | None = None) -> None:
    """Run the service with uvicorn (one process; jobs run in its thread pool)."""
    import uvicorn

    from api.main import create_app

    uvicorn.run(create_app(settings), host=host, port=port)
