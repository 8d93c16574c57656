"""The intake job: run the pipeline on a call or message and store a draft work order.

A job may be delivered more than once (task queues redeliver after a worker dies): it is
claimed with one atomic UPDATE, finished under a row lock, and a call can have only one ticket
(unique index), so running it twice never makes two tickets.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Protocol, cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlmodel import Session, col, select

from api.config import ApiSettings
from api.crud.audit import SYSTEM
from api.crud.calls import save_transcript
from api.crud.tickets import Suggestion, create_ticket
from api.models import Call, Job, JobOutcome, JobStatus, Ticket, TicketCreate, utcnow
from api.observability import observe_job, observe_pipeline
from api.taxonomy import ApiTaxonomy
from pipeline.draft import TicketDraft

logger = logging.getLogger(__name__)

_MAX_ERROR_CHARS = 2000


class PipelineLike(Protocol):
    """What the API needs from ``pipeline.service.Pipeline`` (tests pass a fake)."""

    def process_file(self, path: str | Path, source: str | None = None) -> TicketDraft:
        """Recording -> draft."""
        ...

    def process_text(self, text: str, source: str = "text") -> TicketDraft:
        """Message -> draft."""
        ...


def draft_to_ticket(
    draft: TicketDraft, call: Call, taxonomy: ApiTaxonomy
) -> tuple[TicketCreate, Suggestion]:
    """Map the pipeline's draft onto ticket fields and the suggestion kept beside them."""
    p = draft.prediction
    sub = taxonomy.subcategory(p.code) if p else None
    dept = sub.department if sub else (taxonomy.department_key(p.department) if p else None)
    ents = draft.entities
    ticket_in = TicketCreate(
        channel=call.channel,
        category_code=sub.code if sub else None,
        department_key=dept,
        urgent=draft.urgent,
        address=ents.addresses[0][:256] if ents.addresses else None,
        caller_phone=call.caller_phone or (ents.phones[0] if ents.phones else None),
        caller_name=call.caller_name or (ents.names[0] if ents.names else None),
        summary=draft.transcript.text.strip() or "（无内容）",
    )
    suggestion = Suggestion(
        code=p.code if p else None,
        department=dept,
        confidence=p.confidence if p else None,
        urgent=draft.urgent,
        alternatives=[asdict(a) for a in p.alternatives] if p else [],
        model_version=(p.model_version or None) if p else None,
        needs_review=p.needs_review if p else True,
        urgency_reasons=list(draft.urgency_reasons),
        keywords=list(draft.keywords),
        entities=asdict(ents),
    )
    return ticket_in, suggestion


class RunResult(StrEnum):
    """What one run of ``run_job`` did."""

    DONE = "done"  # results stored (a ticket, or no speech)
    FAILED = "failed"  # the pipeline or the data failed; the job can be retried by a user
    SKIPPED = "skipped"  # nothing to do: the job is finished already, or does not exist


class JobBusy(RuntimeError):
    """Another worker is running this job and its lease has not run out: try again later.

    Attributes:
        retry_in: Seconds until the other worker's lease expires.
    """

    def __init__(self, job_id: int, retry_in: float) -> None:
        super().__init__(f"job {job_id} is running elsewhere; lease ends in {retry_in:.0f}s")
        self.retry_in = retry_in


# The database is unreachable or dropped the connection: retry later, never mark failed.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)


def _claim(engine: Engine, job_id: int, lease: timedelta | None) -> tuple[Job, Call] | None:
    """Mark the job running (one atomic UPDATE); ``None`` if there is nothing to do.

    With a ``lease``, a job already running is taken over only once its lease has expired
    (its worker is presumed dead); before that ``JobBusy`` is raised. Without one (the
    in-process runners) a running job is simply run again, as after a restart.
    """
    now = utcnow()
    claimable: ColumnElement[bool] = col(Job.status) == JobStatus.QUEUED
    if lease is None:
        claimable = col(Job.status).in_([JobStatus.QUEUED, JobStatus.RUNNING])
    else:
        expired = or_(col(Job.started_at).is_(None), col(Job.started_at) < now - lease)
        claimable = or_(claimable, and_(col(Job.status) == JobStatus.RUNNING, expired))
    claim = (
        update(Job)
        .where(col(Job.id) == job_id, claimable)
        .values(status=JobStatus.RUNNING, attempts=col(Job.attempts) + 1, started_at=now)
    )
    with Session(engine, expire_on_commit=False) as session:
        claimed = session.execute(claim).rowcount == 1  # type: ignore[attr-defined]
        session.commit()
        job = session.get(Job, job_id)
        if claimed and job is not None:
            call = session.get(Call, job.call_id)
            assert call is not None
            return job, call
    if job is not None and job.status == JobStatus.RUNNING and lease is not None:
        started = job.started_at or now
        raise JobBusy(job_id, max(1.0, (started + lease - now).total_seconds()))
    logger.info("job %s is %s; nothing to do", job_id, job.status if job else "missing")
    return None


def _fail(engine: Engine, job_id: int, exc: BaseException) -> None:
    message = f"{type(exc).__name__}: {exc}"[:_MAX_ERROR_CHARS]
    with Session(engine) as session:
        # Never overwrite a result another run of the same job has stored meanwhile.
        session.execute(
            update(Job)
            .where(col(Job.id) == job_id, col(Job.status) != JobStatus.DONE)
            .values(status=JobStatus.FAILED, error=message, finished_at=utcnow())
        )
        session.commit()


def run_job(
    job_id: int,
    *,
    engine: Engine,
    pipeline: PipelineLike,
    taxonomy: ApiTaxonomy,
    tz: ZoneInfo,
    lease: timedelta | None = None,
) -> RunResult:
    """Process one job: transcribe/understand, store transcript and draft ticket, mark done.

    Any error of the pipeline or the data marks the job failed with its message (the call
    and file stay, so the job can be retried); no speech marks it done with outcome
    ``no_speech`` and makes no ticket. Running a job twice is harmless: a finished job is
    skipped, and a second result for the same call is discarded (one ticket per call).

    Raises:
        JobBusy: Another worker holds the job (only with ``lease``).
        OperationalError, InterfaceError: The database is unreachable (``TRANSIENT_ERRORS``):
            the job is left running so a queue can retry it.
    """
    claimed = _claim(engine, job_id, lease)
    if claimed is None:
        return RunResult.SKIPPED
    job, call = claimed
    kind = "call" if call.recording_path else "message"
    try:
        started = time.perf_counter()
        if call.recording_path:
            draft = pipeline.process_file(call.recording_path, source=f"call:{call.id}")
        else:
            draft = pipeline.process_text(call.message_text or "", source=call.channel)
        observe_pipeline(kind, draft, time.perf_counter() - started)
        outcome = _finish(engine, job_id, call, draft, taxonomy, tz)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        logger.exception("job %s (call %s) failed", job_id, call.id)
        _fail(engine, job_id, exc)
        observe_job(kind, "failed", job.created_at)
        return RunResult.FAILED
    if outcome is not None:
        observe_job(kind, outcome, job.created_at)
    return RunResult.DONE


def _finish(
    engine: Engine,
    job_id: int,
    call: Call,
    draft: TicketDraft,
    taxonomy: ApiTaxonomy,
    tz: ZoneInfo,
) -> JobOutcome | None:
    """Store the results and mark the job done, all in one transaction.

    Returns the outcome, or ``None`` when another run of this job finished first (its
    results are kept and these are dropped).
    """
    try:
        outcome = _store_results(engine, job_id, call, draft, taxonomy, tz)
    except IntegrityError:
        # The unique index on ticket.call_id: another run made this call's ticket meanwhile.
        logger.warning("job %s: call %s already has its ticket; result dropped", job_id, call.id)
        _link_existing_ticket(engine, job_id, call)
        return None
    if outcome is not None:
        logger.info("job %s done: %s", job_id, outcome)
    return outcome


def _store_results(
    engine: Engine,
    job_id: int,
    call: Call,
    draft: TicketDraft,
    taxonomy: ApiTaxonomy,
    tz: ZoneInfo,
) -> JobOutcome | None:
    now = utcnow()
    with Session(engine) as session:
        # Row lock (PostgreSQL): two runs of one job finish one after the other.
        job = session.exec(select(Job).where(col(Job.id) == job_id).with_for_update()).one()
        db_call = session.get(Call, call.id)
        assert db_call is not None
        if job.status == JobStatus.DONE:
            logger.info("job %s was finished by another run; result dropped", job_id)
            return None
        existing = _ticket_of_call(session, db_call.id)
        save_transcript(session=session, call=db_call, transcript=draft.transcript, now=now)
        if db_call.recording_path:
            db_call.duration = draft.transcript.duration
            session.add(db_call)
        if existing is not None:
            job.ticket_id, job.outcome = existing.id, JobOutcome.TICKET
        elif draft.has_speech:
            ticket_in, suggestion = draft_to_ticket(draft, db_call, taxonomy)
            ticket = create_ticket(
                session=session,
                ticket_in=ticket_in,
                taxonomy=taxonomy,
                tz=tz,
                actor=SYSTEM,
                call_id=db_call.id,
                suggestion=suggestion,
                now=now,
            )
            job.ticket_id = ticket.id
            job.outcome = JobOutcome.TICKET
        else:
            job.outcome = JobOutcome.NO_SPEECH
        outcome = job.outcome
        job.status = JobStatus.DONE
        job.error = None
        job.finished_at = now
        session.add(job)
        session.commit()
    return outcome


def _ticket_of_call(session: Session, call_id: int | None) -> Ticket | None:
    return session.exec(select(Ticket).where(col(Ticket.call_id) == call_id)).first()


def _link_existing_ticket(engine: Engine, job_id: int, call: Call) -> None:
    """Point the job at the ticket its call already has, and mark it done."""
    with Session(engine) as session:
        job = session.exec(select(Job).where(col(Job.id) == job_id).with_for_update()).one()
        ticket = _ticket_of_call(session, call.id)
        if job.status != JobStatus.DONE and ticket is not None:
            job.ticket_id, job.outcome = ticket.id, JobOutcome.TICKET
            job.status, job.error, job.finished_at = JobStatus.DONE, None, utcnow()
            session.add(job)
            session.commit()


def build_pipeline(settings: ApiSettings) -> PipelineLike:
    """The pipeline: ``settings.pipeline_factory`` if set, else the real one.

    The real pipeline's models load now when ``preload_models`` is set, else on first use.
    """
    if settings.pipeline_factory:
        return _load_factory(settings.pipeline_factory)(settings)
    from pipeline.service import Pipeline  # imported here: heavy, and only needed at startup

    pipeline = Pipeline.from_settings(settings)
    if settings.preload_models:
        logger.info("loading the category and speech models")
        _ = pipeline.classifier
        _ = pipeline.transcriber
    return pipeline


def _load_factory(spec: str) -> Callable[[ApiSettings], PipelineLike]:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ValueError(f"MINSHENG_PIPELINE_FACTORY 应为 模块:函数（module:callable）：{spec!r}")
    factory = getattr(importlib.import_module(module_name), attr, None)
    if not callable(factory):
        raise ValueError(f"MINSHENG_PIPELINE_FACTORY 指向的 {spec!r} 不是可调用对象")
    logger.info("pipeline from factory %s", spec)
    return cast(Callable[[ApiSettings], PipelineLike], factory)
