"""Database engine, sessions, migrations and seeding.

SQLite (a file) is the embedded default; PostgreSQL is used through ``postgresql+psycopg://``.
The schema is built by Alembic (``api/migrations``), never by ``create_all``, so SQLite and
PostgreSQL always have the schema the migrations describe.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine, select

from api.models import Department
from api.taxonomy import ApiTaxonomy

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout, foreign keys and serialised writes."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (below) instead of pysqlite's deferred BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: two writers queue on busy_timeout instead
        # of failing with "database is locked" when a read transaction tries to write.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error (for workers and the CLI)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str) -> Config:
    """An Alembic configuration pointing at our migrations and ``url`` (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logging"] = False
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (``alembic upgrade``)."""
    logger.info("migrating database to %s", revision)
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Take the database at ``url`` back to ``revision`` (``"base"``: no tables)."""
    logger.info("downgrading database to %s", revision)
    command.downgrade(alembic_config(url), revision)


def sync_departments(session: Session, taxonomy: ApiTaxonomy) -> int:
    """Insert or update departments from the taxonomy; return how many rows changed.

    Departments no longer in the taxonomy are kept (tickets refer to them) but deactivated.
    """
    existing = {d.key: d for d in session.exec(select(Department)).all()}
    changed = 0
    for info in taxonomy.departments.values():
        dept = existing.pop(info.key, None)
        aliases = list(info.aliases)
        if dept is None:
            session.add(Department(key=info.key, name=info.name, aliases=aliases))
            changed += 1
        elif (dept.name, dept.aliases, dept.active) != (info.name, aliases, True):
            dept.name, dept.aliases, dept.active = info.name, aliases, True
            session.add(dept)
            changed += 1
    for dept in existing.values():
        if dept.active:
            dept.active = False
            session.add(dept)
            changed += 1
    session.commit()
    return changed


def init_db(engine: Engine, taxonomy: ApiTaxonomy, *, run_migrations: bool = True) -> None:
    """Migrate (optionally) and seed departments."""
    if run_migrations:
        migrate(engine.url.render_as_string(hide_password=False))
    with Session(engine) as session:
        changed = sync_departments(session, taxonomy)
    logger.info("departments synced from taxonomy (%d changed)", changed)
