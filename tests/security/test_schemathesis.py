"""Property-based fuzzing of every operation in the OpenAPI schema, as an administrator (so
every endpoint is reachable), in-process over ASGI: no request may end in a server error,
and every response must match the schema's content type and body shape.

Undocumented status codes (401/403/404/409 are not all listed per route) are not checked.
``MINSHENG_FUZZ_EXAMPLES`` sets the examples per operation (default 40).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)
from sqlmodel import Session

from api.db import make_engine, migrate, sync_departments
from api.jobs import InlineJobRunner
from api.main import create_app
from api.taxonomy import ApiTaxonomy
from tests.api.conftest import TAXONOMY, make_settings
from tests.api.factories import add_users
from tests.api.fakes import FakePipeline

pytestmark = pytest.mark.security

EXAMPLES = int(os.environ.get("MINSHENG_FUZZ_EXAMPLES", "40"))
HEADERS: dict[str, str] = {}

# Operations left out: they start model training or swap the production model on disk
# (minutes of CPU, changes outside the test database), or revoke the fuzzer's own token.
EXCLUDED = (
    ("POST", "/auth/logout"),
    ("POST", "/analytics/retrain"),
    ("POST", "/analytics/models/{version}/promote"),
    ("POST", "/analytics/models/rollback"),
)

# Found by this test in endpoints other engineers own; fixed there, then taken off this list.
KNOWN_ISSUES: dict[tuple[str, str], str] = {}


def _operations() -> list[Any]:
    """(METHOD, path) of every operation in the schema (read without starting the app)."""
    app = create_app(make_settings("sqlite://", Path("/nonexistent")))
    ops = [
        (method.upper(), path)
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]
    return [
        pytest.param(*op, marks=pytest.mark.xfail(reason=KNOWN_ISSUES[op], strict=False))
        if op in KNOWN_ISSUES
        else op
        for op in sorted(op for op in ops if op not in EXCLUDED)
    ]


@pytest.fixture(scope="module")
def fuzz_schema(tmp_path_factory: pytest.TempPathFactory, password_hash: str) -> Any:
    """The schema of an app on a fresh SQLite database, with an admin token in ``HEADERS``."""
    root = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{root / 'fuzz.db'}"
    migrate(url)
    engine = make_engine(url)
    with Session(engine) as session:
        sync_departments(session, ApiTaxonomy.load(TAXONOMY))
    tokens = add_users(engine, password_hash)
    engine.dispose()
    HEADERS["Authorization"] = f"Bearer {tokens['admin']}"
    pipeline = FakePipeline(TAXONOMY, audio_text="槐安东路88号楼道里有煤气味，燃气管道漏气")
    app = create_app(
        make_settings(url, Path(root)), pipeline=pipeline, runner_factory=InlineJobRunner
    )
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.mark.parametrize(("method", "path"), _operations())
def test_no_server_error_and_responses_match_the_schema(
    fuzz_schema: Any, method: str, path: str
) -> None:
    operation = fuzz_schema[path][method]

    # Valid requests and invalid ones (wrong types, missing fields, out-of-range values).
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(
            headers=HEADERS,
            checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
        )

    fuzz()
