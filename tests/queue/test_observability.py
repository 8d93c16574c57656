"""Metrics, probes and JSON logs (``api.observability``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.jobs import InlineJobRunner
from api.main import create_app
from api.observability import JsonFormatter
from tests.api.conftest import make_settings
from tests.api.factories import add_users, make_wav
from tests.api.fakes import FakePipeline
from tests.queue.test_idempotency import TAXONOMY


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _value(samples: dict, name: str, **labels: str) -> float:  # type: ignore[type-arg]
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def client(sqlite_url: str, tmp_path: Path, password_hash: str) -> Iterator[tuple[TestClient, str]]:
    pipeline = FakePipeline(TAXONOMY, audio_text="裕华区槐安东路88号楼道里有煤气味")
    app = create_app(
        make_settings(sqlite_url, tmp_path), pipeline=pipeline, runner_factory=InlineJobRunner
    )
    with TestClient(app) as c:
        yield c, add_users(app.state.engine, password_hash)["operator"]


def test_probes(client: tuple[TestClient, str]) -> None:
    c, _ = client
    assert c.get("/healthz").json() == {"status": "ok"}
    ready = c.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok"}}


def test_metrics_count_requests_by_route_and_jobs_by_outcome(
    client: tuple[TestClient, str],
) -> None:
    c, token = client
    headers = {"Authorization": f"Bearer {token}"}
    before = _samples(c.get("/metrics").text)
    resp = c.post("/calls", headers=headers, files={"file": ("a.wav", make_wav(0.3), "audio/wav")})
    assert resp.status_code == 202 and resp.json()["status"] == "done"
    number = resp.json()["ticket_no"]
    assert c.get(f"/tickets/{number}", headers=headers).status_code == 200
    after = _samples(c.get("/metrics").text)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    route = {"method": "GET", "route": "/tickets/{number}", "status": "200"}
    assert grew("minsheng_http_request_duration_seconds_count", **route) == 1
    assert grew("minsheng_job_latency_seconds_count", kind="call", outcome="ticket") == 1
    assert grew("minsheng_asr_real_time_factor_count") == 1
    assert grew("minsheng_classification_confidence_count") == 1
    assert _value(after, "minsheng_jobs", status="done") == 1
    assert _value(after, "minsheng_queue_depth") == 0


def test_readiness_fails_when_the_broker_is_down(sqlite_url: str, tmp_path: Path) -> None:
    settings = make_settings(
        sqlite_url, tmp_path, job_runner="celery", broker_url="redis://127.0.0.1:9/0"
    )
    app = create_app(settings, pipeline=FakePipeline(TAXONOMY))
    with TestClient(app) as c:
        ready = c.get("/readyz")
        assert c.get("/healthz").status_code == 200  # alive, but not ready
    assert ready.status_code == 503
    body = ready.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error")


def test_json_log_lines() -> None:
    record = logging.LogRecord(
        "api.worker", logging.WARNING, __file__, 1, "job %s 失败", (7,), None
    )
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["message"] == "job 7 失败"
    assert entry["logger"] == "api.worker" and "time" in entry
