"""The worker process: ``celery -A api.queue.celery_app worker`` or ``run_worker(concurrency)``.

The app is configured from the environment (``MINSHENG_*``, the same variables as the API):
``MINSHENG_BROKER_URL``, ``MINSHENG_TASK_QUEUE``, ``MINSHENG_DATABASE_URL``,
``MINSHENG_UPLOAD_DIR`` (shared with the API nodes), ``MINSHENG_JOB_LEASE_SECONDS``.
"""

from __future__ import annotations

import logging
import os
import tempfile
from typing import Any

from celery.signals import setup_logging, worker_init

from api.config import get_api_settings
from api.queue.config import make_celery

logger = logging.getLogger(__name__)

settings = get_api_settings()
app = make_celery(settings)

_metrics_port: int | None = None


@setup_logging.connect
def _setup_logging(loglevel: Any = None, **_: Any) -> None:
    # Connected, so Celery leaves logging to us: JSON lines with MINSHENG_LOG_JSON=true.
    # Imported here: prometheus_client must not load before PROMETHEUS_MULTIPROC_DIR is set.
    from api.observability import configure_logging

    configure_logging(json_logs=settings.log_json, level=loglevel or logging.INFO)


@worker_init.connect
def _start_metrics_server(**_: Any) -> None:
    if _metrics_port is None:
        return
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    start_http_server(_metrics_port, registry=registry)
    logger.info("worker metrics on port %d", _metrics_port)


def run_worker(
    concurrency: int = 1,
    *,
    hostname: str | None = None,
    pool: str = "prefork",
    loglevel: str = "INFO",
    metrics_port: int | None = None,
) -> None:
    """Run a Celery worker in this process until it is stopped (SIGTERM: warm shutdown).

    Args:
        concurrency: Worker processes (each loads the models once; one per core is typical).
        hostname: Node name (default ``minsheng@<host>``), unique per worker.
        pool: ``prefork`` (default) or ``solo`` (one process, for debugging).
        loglevel: Celery log level.
        metrics_port: Serve Prometheus metrics of all worker processes on this port.
    """
    global _metrics_port
    if metrics_port is not None:
        # Must be set before prometheus_client is imported by the tasks module.
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="minsheng-prom-"))
        _metrics_port = metrics_port
    argv = [
        "worker",
        f"--concurrency={max(1, concurrency)}",
        f"--pool={pool}",
        f"--loglevel={loglevel}",
        f"--queues={settings.task_queue}",
        f"--hostname={hostname or 'minsheng@%h'}",
        "--without-gossip",
        "--without-mingle",
    ]
    app.worker_main(argv=argv)
