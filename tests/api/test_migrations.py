"""Alembic builds exactly the schema the tables describe, and can take it down again."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import api.models  # noqa: F401
from api.db import downgrade, migrate


def _diff(url: str) -> list[object]:
    engine = create_engine(url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    engine.dispose()
    return list(diff)


def test_migrations_match_the_models(db_url: str) -> None:
    # db_url is already at head (built by the migrations).
    assert _diff(db_url) == []


def test_downgrade_and_upgrade_round_trip(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    assert {"ticket", "call", "audit_event", "app_user", "department"} <= tables
    downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    migrate(url)
    assert set(inspect(engine).get_table_names()) == tables
    engine.dispose()
