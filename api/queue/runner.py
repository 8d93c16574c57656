"""``CeleryJobRunner``: the API side of the queue (``MINSHENG_JOB_RUNNER=celery``)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.engine import Engine

from api.config import ApiSettings
from api.jobs import JobHandler
from api.queue.config import TASK_NAME, make_celery
from api.queue.recovery import Sweeper

logger = logging.getLogger(__name__)


class CeleryJobRunner:
    """Sends job ids to Celery workers; the handler runs there, not in this process.

    A failed send (broker down) is logged and the job stays queued in the database: the
    periodic sweep (``recover``) sends it again once the lease has passed, so an accepted
    call is never lost with its message.
    """

    def __init__(
        self, handler: JobHandler | None = None, workers: int = 1, *, settings: ApiSettings
    ) -> None:
        # ``handler`` and ``workers`` fit the RunnerFactory signature; workers run the jobs.
        self._settings = settings
        self._app = make_celery(settings)
        self._sweeper: Sweeper | None = None

    def submit(self, job_id: int) -> None:
        """Queue the job on the broker (returns at once; never raises for a broker outage)."""
        try:
            self._app.send_task(TASK_NAME, args=[job_id], queue=self._settings.task_queue)
        except Exception as exc:
            logger.warning("job %s not sent (broker unreachable: %s); the sweep will", job_id, exc)

    def recover(self, engine: Engine) -> None:
        """Re-send jobs stuck past their lease now, then every ``job_sweep_seconds``."""
        lease = timedelta(seconds=self._settings.job_lease_seconds)
        self._sweeper = Sweeper(
            engine, self.submit, lease=lease, interval=self._settings.job_sweep_seconds
        )
        self._sweeper.sweep()
        if self._settings.job_sweep_seconds > 0:
            self._sweeper.start()

    def ping(self) -> str | None:
        """``None`` when the broker answers, else the reason (for ``/readyz``)."""
        try:
            with self._app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        except Exception as exc:
            return type(exc).__name__
        return None

    def queue_length(self) -> int | None:
        """Messages waiting in the job queue, or ``None`` when the broker does not answer."""
        try:
            with self._app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
                declared = conn.default_channel.queue_declare(
                    queue=self._settings.task_queue, passive=True
                )
                return int(declared.message_count)
        except Exception as exc:
            logger.debug("queue length unavailable: %s", exc)
            return None

    def shutdown(self) -> None:
        """Stop the sweep and close broker connections (queued jobs stay queued)."""
        if self._sweeper is not None:
            self._sweeper.stop()
        self._app.close()
