"""Fixtures of the security tests: the API tests' app (SQLite, fake pipeline, a user per role)."""

from __future__ import annotations

import pytest

from tests.api.conftest import (  # noqa: F401
    api,
    db_url,
    fake_pipeline,
    password_hash,
    pg_url,
    sqlite_api,
    sqlite_template,
    sqlite_url,
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "security: fuzzing, authorisation matrix, hostile input (~2 min)"
    )
