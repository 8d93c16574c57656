"""Fixtures of the queue tests: the API tests' databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

# The API tests' database fixtures, shared (imported fixtures are registered by pytest).
from tests.api.conftest import (  # noqa: F401
    db_url,
    password_hash,
    pg_url,
    sqlite_template,
    sqlite_url,
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "queue: real Celery workers, Redis and PostgreSQL (fault tests, ~1-2 min)"
    )
