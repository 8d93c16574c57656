"""Metrics (Prometheus ``/metrics``), liveness and readiness probes, JSON logs.

Process-local metrics (HTTP latency, job latency, ASR real-time factor, classification
confidence) live in ``prometheus_client``'s default registry; with several processes per
machine (uvicorn ``--workers``, Celery prefork) set ``PROMETHEUS_MULTIPROC_DIR`` and they are
summed over the processes. Queue depth is read from the database at scrape time, so every API
node reports the same cluster-wide figure.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, text
from sqlmodel import Session, col, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from pipeline.draft import TicketDraft

logger = logging.getLogger(__name__)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_JOB_BUCKETS = (0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600)

HTTP_LATENCY = Histogram(
    "minsheng_http_request_duration_seconds",
    "HTTP request latency by route template",
    ["method", "route", "status"],
    buckets=_LATENCY_BUCKETS,
)
JOB_LATENCY = Histogram(
    "minsheng_job_latency_seconds",
    "Intake job latency, from upload to stored result (queue wait included)",
    ["kind", "outcome"],
    buckets=_JOB_BUCKETS,
)
PIPELINE_SECONDS = Histogram(
    "minsheng_pipeline_seconds",
    "Time the pipeline took for one call or message",
    ["kind"],
    buckets=_JOB_BUCKETS,
)
ASR_RTF = Histogram(
    "minsheng_asr_real_time_factor",
    "Processing time divided by recording length (below 1: faster than real time)",
    buckets=(0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5),
)
CLASSIFY_CONFIDENCE = Histogram(
    "minsheng_classification_confidence",
    "Confidence of the suggested category",
    buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0),
)


def observe_pipeline(kind: str, draft: TicketDraft, seconds: float) -> None:
    """Record one pipeline run: its time, real-time factor (recordings) and confidence."""
    PIPELINE_SECONDS.labels(kind).observe(seconds)
    duration = draft.transcript.duration
    if kind == "call" and duration > 0:
        ASR_RTF.observe(seconds / duration)
    if draft.prediction is not None:
        CLASSIFY_CONFIDENCE.observe(draft.prediction.confidence)


def observe_job(kind: str, outcome: str, created_at: datetime | None) -> None:
    """Record a finished job's latency since its upload."""
    if created_at is None:
        return
    from api.models import utcnow

    JOB_LATENCY.labels(kind, outcome).observe(max(0.0, (utcnow() - created_at).total_seconds()))


class MetricsMiddleware:
    """Times every HTTP request and labels it with the route template (``/tickets/{number}``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or "<unmatched>"
            HTTP_LATENCY.labels(scope["method"], route, str(status)).observe(
                time.perf_counter() - started
            )


class JobCollector(Collector):
    """Queue depth at scrape time: jobs by status in the database, messages in the broker."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield the gauges (nothing when the database is unreachable)."""
        from api.models import Job, JobStatus

        jobs = GaugeMetricFamily("minsheng_jobs", "Intake jobs by status", labels=["status"])
        depth = GaugeMetricFamily(
            "minsheng_queue_depth", "Jobs waiting or running (not yet finished)"
        )
        try:
            with Session(self._app.state.engine) as session:
                rows = session.exec(
                    select(Job.status, func.count()).group_by(col(Job.status))
                ).all()
        except Exception as exc:
            logger.warning("metrics: database unreachable: %s", exc)
            return
        counts = {str(status): 0 for status in JobStatus} | {str(s): n for s, n in rows}
        for status, n in sorted(counts.items()):
            jobs.add_metric([status], n)
        depth.add_metric([], counts["queued"] + counts["running"])
        yield jobs
        yield depth
        queue_length = getattr(self._app.state.runner, "queue_length", None)
        if queue_length is not None:
            length = queue_length()
            if length is not None:
                broker = GaugeMetricFamily(
                    "minsheng_broker_queue_messages", "Messages waiting in the broker's queue"
                )
                broker.add_metric([], length)
                yield broker


def _process_registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


router = APIRouter(tags=["public"])


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus metrics (text format)."""
    own = CollectorRegistry(auto_describe=False)
    own.register(JobCollector(request.app))
    body = generate_latest(_process_registry()) + generate_latest(own)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "数据库或消息队列不可用"}})
def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers (and the broker, with the Celery runner)."""
    checks: dict[str, str] = {}
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    ping = getattr(request.app.state.runner, "ping", None)
    if ping is not None:
        error = ping()
        checks["broker"] = "ok" if error is None else f"error: {error}"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        status_code=200 if ready else 503,
        content={"status": "ready" if ready else "unavailable", "checks": checks},
    )


def install_observability(app: FastAPI) -> None:
    """Add the metrics middleware, ``/metrics``, ``/healthz``, ``/readyz``; JSON logs if set."""
    app.add_middleware(MetricsMiddleware)
    app.include_router(router)
    settings = getattr(app.state, "settings", None)
    if settings is not None and settings.log_json:
        configure_logging(json_logs=True)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record`` as JSON."""
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(*, json_logs: bool, level: int | str = logging.INFO) -> None:
    """Send logs to stderr, as JSON lines or plain text (replaces the root handlers once)."""
    root = logging.getLogger()
    if any(getattr(h, "_minsheng", False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler._minsheng = True  # type: ignore[attr-defined]
    handler.setFormatter(
        JsonFormatter()
        if json_logs
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root.handlers = [handler]
    root.setLevel(level)
