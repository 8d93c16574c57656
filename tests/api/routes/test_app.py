"""App assembly: migrations at startup, seeded departments, the documented OpenAPI."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.jobs import InlineJobRunner
from api.main import create_app
from api.taxonomy import ApiTaxonomy
from tests.api.conftest import TAXONOMY, make_settings
from tests.api.factories import add_users
from tests.api.fakes import FakePipeline


def test_startup_migrates_and_seeds_a_fresh_database(tmp_path: Path, password_hash: str) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'new.db'}", tmp_path, auto_migrate=True)
    app = create_app(settings, pipeline=FakePipeline(TAXONOMY), runner_factory=InlineJobRunner)
    with TestClient(app) as client:
        assert client.get("/health").json() == {"status": "ok"}
        tokens = add_users(app.state.engine, password_hash)
        headers = {"Authorization": f"Bearer {tokens['analyst']}"}
        departments = client.get("/departments", headers=headers).json()
    expected = ApiTaxonomy.load(TAXONOMY).departments
    assert {d["key"]: d["name"] for d in departments} == {k: v.name for k, v in expected.items()}
    # Starting again on the same database is a no-op for migrations and seeding.
    with TestClient(create_app(settings, pipeline=FakePipeline(TAXONOMY))) as client:
        assert client.get("/health").status_code == 200


def test_openapi_is_documented(sqlite_url: str, tmp_path: Path) -> None:
    app = create_app(make_settings(sqlite_url, tmp_path), pipeline=FakePipeline(TAXONOMY))
    schema = app.openapi()
    declared = {t["name"] for t in schema["tags"]}
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            assert op.get("tags") and set(op["tags"]) <= declared, (method, path)
            assert op.get("summary") and op.get("description"), (method, path)
    assert "limit" in {p["name"] for p in schema["paths"]["/tickets"]["get"]["parameters"]}
