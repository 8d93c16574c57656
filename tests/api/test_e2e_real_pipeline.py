"""One end-to-end run of the real pipeline (Whisper + classifier) behind the HTTP API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.jobs import InlineJobRunner
from api.main import create_app
from pipeline.settings import DATA_DIR
from tests.api.conftest import make_settings
from tests.api.factories import add_users

CALLS = DATA_DIR / "calls"


def _sample() -> Path | None:
    preferred = CALLS / "gas_leak_01.wav"
    if preferred.is_file():
        return preferred
    return next(iter(sorted(CALLS.glob("*.wav"))), None)


@pytest.fixture
def real_client(
    sqlite_url: str, tmp_path: Path, password_hash: str
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = make_settings(
        sqlite_url, tmp_path, upload_max_bytes=50 * 1024 * 1024, preload_models=True
    )
    app = create_app(settings, runner_factory=InlineJobRunner)  # the real Pipeline
    with TestClient(app) as client:
        yield client, add_users(app.state.engine, password_hash)


@pytest.mark.slow
def test_sample_call_becomes_a_draft_ticket(real_client: tuple[TestClient, dict[str, str]]) -> None:
    sample = _sample()
    if sample is None:
        pytest.skip("no sample call in data/calls/*.wav yet")
    truth_path = sample.with_name(sample.name.removesuffix(".wav") + ".truth.json")
    truth = json.loads(truth_path.read_text(encoding="utf-8")) if truth_path.exists() else {}
    client, tokens = real_client
    headers = {"Authorization": f"Bearer {tokens['operator']}"}
    with sample.open("rb") as fh:
        resp = client.post(
            "/calls", headers=headers, files={"file": (sample.name, fh, "audio/wav")}
        )
    assert resp.status_code == 202, resp.text
    job = resp.json()
    assert job["status"] == "done", job["error"]
    assert job["outcome"] == "ticket"
    ticket = client.get(f"/tickets/{job['ticket_no']}", headers=headers).json()
    transcript = ticket["transcript"]
    assert transcript["segments"] and len(transcript["text"]) > 20
    if truth:
        assert abs(transcript["duration"] - truth["duration_s"]) < 1.0
    assert ticket["status"] == "draft" and ticket["model_version"]
    assert ticket["suggested_code"] and ticket["suggested_confidence"] > 0
    # The category is one of the taxonomy's, with its own department and time limit.
    assert ticket["category_code"] == ticket["suggested_code"]
    assert ticket["department_key"] and ticket["due_at"]
    if truth.get("code"):
        alternatives = {a["code"] for a in ticket["suggested_alternatives"]}
        assert truth["code"] in {ticket["category_code"], *alternatives}
