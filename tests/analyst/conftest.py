"""Fixtures of the analyst tests: the seed model (trained once), registries, an API app."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.jobs import InlineJobRunner
from api.main import create_app
from classify.registry import Registry
from classify.taxonomy import Taxonomy
from classify.tfidf import train_from_tsv
from pipeline.settings import DATA_DIR
from tests.api.conftest import make_settings, password_hash, sqlite_template, sqlite_url
from tests.api.factories import Api, add_users
from tests.api.fakes import FakePipeline

__all__ = ["password_hash", "sqlite_template", "sqlite_url"]  # fixtures re-used from tests/api

SEED = DATA_DIR / "seed" / "seed.tsv"
SCENARIOS = DATA_DIR / "eval" / "scenarios"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "notebooks: executes notebooks/*.ipynb (minutes; needs nbclient, ipykernel)"
    )


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a TSV file with a header."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="session")
def seed_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The TF-IDF model trained on the seed data (what a fresh install serves), saved once."""
    out = tmp_path_factory.mktemp("seed-model") / "model"
    train_from_tsv([SEED], Taxonomy.load()).save(out)
    return out


@pytest.fixture
def seed_registry(tmp_path: Path, seed_model_dir: Path) -> Registry:
    """A registry whose champion is the seed model."""
    registry = Registry(tmp_path / "registry")
    registry.promote(registry.add(seed_model_dir).version)
    return registry


@pytest.fixture
def analyst_api(
    sqlite_url: str, tmp_path: Path, password_hash: str, seed_registry: Registry
) -> Iterator[Api]:
    """The app on SQLite with the keyword fake pipeline and a seed-model registry."""
    settings = make_settings(
        sqlite_url, tmp_path, registry_dir=seed_registry.root, seed_data=SEED, drift_min_tickets=3
    )
    pipeline = FakePipeline(DATA_DIR / "taxonomy.yaml")
    app = create_app(settings, pipeline=pipeline, runner_factory=InlineJobRunner)
    with TestClient(app) as client:
        tokens = add_users(app.state.engine, password_hash)
        yield Api(
            client=client,
            tokens=tokens,
            engine=app.state.engine,
            upload_dir=settings.upload_dir,
            extra={"app": app, "registry": seed_registry, "settings": settings},
        )
