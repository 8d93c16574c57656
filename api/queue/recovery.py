"""Re-send jobs whose queue message was lost (broker restarted without persistence, a worker
died and its message expired); the job table is the source of truth, the broker is not.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.models import Job, JobStatus, utcnow

logger = logging.getLogger(__name__)


def _stale(cutoff: datetime) -> ColumnElement[bool]:
    """Queued or running for longer than the lease, and not re-sent within it."""
    not_resent = or_(col(Job.resent_at).is_(None), col(Job.resent_at) < cutoff)
    queued_long = or_(
        col(Job.resent_at) < cutoff,
        and_(col(Job.resent_at).is_(None), col(Job.created_at) < cutoff),
    )
    waiting = and_(col(Job.status) == JobStatus.QUEUED, queued_long)
    abandoned = and_(col(Job.status) == JobStatus.RUNNING, col(Job.started_at) < cutoff, not_resent)
    return or_(waiting, abandoned)


def resend_stale_jobs(
    engine: Engine,
    submit: Callable[[int], None],
    *,
    lease: timedelta,
    limit: int = 500,
    now: datetime | None = None,
) -> list[int]:
    """Send again every job stuck longer than ``lease``; return their ids.

    Each job is stamped (``resent_at``) with a conditional UPDATE before it is sent, so API
    nodes sweeping at the same time do not both send it. A job whose message was only slow
    is then delivered twice, which is harmless: the second delivery finds it claimed or done.
    """
    cutoff = (now or utcnow()) - lease
    with Session(engine) as session:
        ids = session.exec(
            select(Job.id).where(_stale(cutoff)).order_by(col(Job.id)).limit(limit)
        ).all()
    sent: list[int] = []
    for job_id in ids:
        with Session(engine) as session:
            stamped = session.execute(
                update(Job).where(col(Job.id) == job_id, _stale(cutoff)).values(resent_at=utcnow())
            )
            session.commit()
        if stamped.rowcount == 1 and job_id is not None:  # type: ignore[attr-defined]
            logger.warning("job %s was stuck for over %s; sending it again", job_id, lease)
            submit(job_id)
            sent.append(job_id)
    return sent


class Sweeper:
    """A daemon thread calling ``resend_stale_jobs`` every ``interval`` seconds."""

    def __init__(
        self, engine: Engine, submit: Callable[[int], None], *, lease: timedelta, interval: float
    ) -> None:
        self._engine, self._submit, self._lease, self._interval = engine, submit, lease, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="job-sweeper", daemon=True)

    def start(self) -> None:
        """Start sweeping."""
        self._thread.start()

    def sweep(self) -> list[int]:
        """One sweep now; errors (database down) are logged, not raised."""
        try:
            return resend_stale_jobs(self._engine, self._submit, lease=self._lease)
        except Exception as exc:
            logger.warning("job sweep failed (will try again): %s", exc)
            return []

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self.sweep()

    def stop(self) -> None:
        """Stop the thread (waits for a sweep in progress)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
