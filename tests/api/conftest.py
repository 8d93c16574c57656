"""Fixtures of the API tests: a migrated database (SQLite, and PostgreSQL when reachable),
an app with a fake pipeline that runs jobs inline, and users of every role."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from api.config import ApiSettings
from api.db import make_engine, migrate
from api.jobs import InlineJobRunner
from api.main import create_app
from api.security import hash_password
from pipeline.settings import DATA_DIR
from tests.api.factories import Api, add_users
from tests.api.fakes import FakePipeline

TAXONOMY = DATA_DIR / "taxonomy.yaml"
PASSWORD = "correct horse battery"
PG_ADMIN_URL = os.environ.get(
    "MINSHENG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One scrypt hash shared by the test users (hashing is deliberately slow)."""
    return hash_password(PASSWORD)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once with Alembic; each test copies it."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate(f"sqlite:///{path}")
    return path


def _pg_admin_engine() -> Engine:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database ``minsheng_test_<random>``, migrated, dropped afterwards."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _pg_unavailable("psycopg is not installed (pip install 'psycopg[binary]')")
    admin = _pg_admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # pragma: no cover - depends on the machine
        admin.dispose()
        _pg_unavailable(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}")
    name = f"minsheng_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _pg_unavailable(reason: str) -> None:
    if os.environ.get("MINSHENG_REQUIRE_POSTGRES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _truncate_all(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        tables = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        conn.execute(
            text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        )
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database: SQLite and PostgreSQL (both backends run the test;
    ``-k "not postgresql"`` selects SQLite only)."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_url")
    _truncate_all(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty SQLite database (for tests that need only one backend)."""
    path = tmp_path / "test.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def fake_pipeline() -> FakePipeline:
    """The fake pipeline; recordings "say" a gas-leak complaint unless a test changes it."""
    return FakePipeline(
        TAXONOMY,
        audio_text="你好，我叫王建国，裕华区槐安东路88号楼道里有煤气味，燃气管道好像漏气了，"
        "我的电话是13912345678，身份证号130102199003071234。",
    )


def make_settings(url: str, tmp_path: Path, **overrides: object) -> ApiSettings:
    """Settings for a test app: no migrations at start (the template is migrated), no models."""
    values: dict[str, object] = {
        "database_url": url,
        "upload_dir": tmp_path / "uploads",
        "taxonomy_path": TAXONOMY,
        "auto_migrate": False,
        "preload_models": False,
        "upload_max_bytes": 200_000,
    }
    values.update(overrides)
    return ApiSettings(**values)  # type: ignore[arg-type]


def _api(url: str, tmp_path: Path, pipeline: FakePipeline, password_hash: str) -> Iterator[Api]:
    settings = make_settings(url, tmp_path)
    app = create_app(settings, pipeline=pipeline, runner_factory=InlineJobRunner)
    with TestClient(app) as client:
        tokens = add_users(app.state.engine, password_hash)
        yield Api(
            client=client,
            tokens=tokens,
            engine=app.state.engine,
            upload_dir=settings.upload_dir,
            extra={"pipeline": pipeline, "app": app},
        )


@pytest.fixture
def api(
    db_url: str, tmp_path: Path, fake_pipeline: FakePipeline, password_hash: str
) -> Iterator[Api]:
    """The app on both backends, with users of every role."""
    yield from _api(db_url, tmp_path, fake_pipeline, password_hash)


@pytest.fixture
def sqlite_api(
    sqlite_url: str, tmp_path: Path, fake_pipeline: FakePipeline, password_hash: str
) -> Iterator[Api]:
    """The app on SQLite only, with users of every role."""
    yield from _api(sqlite_url, tmp_path, fake_pipeline, password_hash)
