"""Where intake jobs run. A small interface, so a Celery queue can replace the thread pool.

A runner is given a handler (``job_id -> None``) and only decides *where and when* it runs;
the handler records success or failure in the database itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from functools import partial
from typing import Protocol

from api.config import ApiSettings

logger = logging.getLogger(__name__)

JobHandler = Callable[[int], object]


class JobRunner(Protocol):
    """Runs jobs by id somewhere other than the request."""

    def submit(self, job_id: int) -> None:
        """Schedule a job; returns at once (or after running it, for the inline runner)."""

    def shutdown(self) -> None:
        """Stop accepting jobs and wait for running ones."""


class ThreadJobRunner:
    """A thread pool in the API process (``workers=1`` serialises transcription)."""

    def __init__(self, handler: JobHandler, workers: int = 1) -> None:
        self._handler = handler
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="job")
        self._futures: set[Future[None]] = set()
        self._lock = threading.Lock()

    def submit(self, job_id: int) -> None:
        """Queue a job on the pool."""
        future = self._pool.submit(self._run, job_id)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._forget)

    def _run(self, job_id: int) -> None:
        try:
            self._handler(job_id)
        except Exception:
            # The handler records failures itself; this only catches a broken database.
            logger.exception("job %s crashed outside its own error handling", job_id)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._futures.discard(future)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every submitted job has finished; False on timeout."""
        with self._lock:
            pending = set(self._futures)
        _, not_done = wait(pending, timeout=timeout)
        return not not_done

    def shutdown(self) -> None:
        """Finish running jobs and stop."""
        self._pool.shutdown(wait=True, cancel_futures=False)


class InlineJobRunner:
    """Runs each job at once in the caller's thread (tests, command-line batch imports)."""

    def __init__(self, handler: JobHandler, workers: int = 1) -> None:
        self._handler = handler

    def submit(self, job_id: int) -> None:
        """Run the job now."""
        self._handler(job_id)

    def shutdown(self) -> None:
        """Nothing to stop."""


RunnerFactory = Callable[[JobHandler, int], JobRunner]


def runner_factory_for(settings: ApiSettings) -> RunnerFactory:
    """The runner ``settings.job_runner`` names: ``thread`` (default) or ``celery``."""
    if settings.job_runner == "celery":
        from api.queue.runner import CeleryJobRunner  # needs celery, only in this mode

        return partial(CeleryJobRunner, settings=settings)
    return ThreadJobRunner
