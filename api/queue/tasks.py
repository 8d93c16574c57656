"""The worker side: one task that runs an intake job, with retries; models load once per
worker process (``worker_process_init``), never per task.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_process_init
from sqlalchemy.engine import Engine

from api.config import ApiSettings, get_api_settings
from api.db import make_engine
from api.queue.config import TASK_NAME
from api.taxonomy import ApiTaxonomy
from api.worker import TRANSIENT_ERRORS, JobBusy, RunResult, build_pipeline, run_job

logger = logging.getLogger(__name__)

_BACKOFF_BASE_S = 2.0
_BACKOFF_MAX_S = 120.0


@dataclass
class WorkerContext:
    """What a worker process builds once: settings, database engine, pipeline, taxonomy."""

    settings: ApiSettings
    engine: Engine
    run: partial[RunResult]


_context: WorkerContext | None = None


def worker_context() -> WorkerContext:
    """This process's context, built on first use (engine and models are per process)."""
    global _context
    if _context is None:
        settings = get_api_settings()
        engine = make_engine(settings.database_url, **settings.engine_options())
        taxonomy = ApiTaxonomy.load(settings.taxonomy_path)
        pipeline = build_pipeline(settings)
        run = partial(
            run_job,
            engine=engine,
            pipeline=pipeline,
            taxonomy=taxonomy,
            tz=settings.tz,
            lease=timedelta(seconds=settings.job_lease_seconds),
        )
        _context = WorkerContext(settings=settings, engine=engine, run=run)
        logger.info("worker process ready (database, taxonomy, pipeline loaded)")
    return _context


@worker_process_init.connect
def _init_worker_process(**_: Any) -> None:
    # Each prefork child loads the models before its first task, not during it.
    worker_context()


def backoff_seconds(retries: int) -> float:
    """Exponential backoff with jitter: ~2, 4, 8 … seconds, at most two minutes."""
    delay = min(_BACKOFF_MAX_S, _BACKOFF_BASE_S * 2**retries)
    return delay * random.uniform(0.5, 1.0)


@shared_task(bind=True, name=TASK_NAME, max_retries=None, acks_late=True, ignore_result=True)
def process_job(self: Task, job_id: int) -> str:
    """Run intake job ``job_id``; retried while the database is unreachable or the job is
    held by another worker whose lease has not run out."""
    ctx = worker_context()
    try:
        return str(ctx.run(job_id))
    except JobBusy as busy:
        # Not counted against max retries: the lease guarantees the job comes free.
        logger.info("%s; trying again then", busy)
        raise self.retry(countdown=busy.retry_in + 1.0) from None
    except TRANSIENT_ERRORS as exc:
        delay = backoff_seconds(self.request.retries)
        logger.warning("job %s: database unavailable (%s); retry in %.0fs", job_id, exc, delay)
        raise self.retry(
            exc=exc, countdown=delay, max_retries=ctx.settings.job_max_retries
        ) from None
