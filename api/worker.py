"""The intake job: run the pipeline on a call or message and store a draft work order."""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.crud.audit import SYSTEM
from api.crud.calls import save_transcript
from api.crud.tickets import Suggestion, create_ticket
from api.models import Call, Job, JobOutcome, JobStatus, TicketCreate, utcnow
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


def _start(engine: Engine, job_id: int) -> Call | None:
    with Session(engine, expire_on_commit=False) as session:
        job = session.get(Job, job_id)
        if job is None or job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
            logger.warning("job %s is not queued; skipped", job_id)
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = utcnow()
        session.add(job)
        session.commit()
        return session.get(Call, job.call_id)


def _fail(engine: Engine, job_id: int, exc: BaseException) -> None:
    message = f"{type(exc).__name__}: {exc}"[:_MAX_ERROR_CHARS]
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None
        job.status = JobStatus.FAILED
        job.error = message
        job.finished_at = utcnow()
        session.add(job)
        session.commit()


def run_job(
    job_id: int, *, engine: Engine, pipeline: PipelineLike, taxonomy: ApiTaxonomy, tz: ZoneInfo
) -> None:
    """Process one job: transcribe/understand, store transcript and draft ticket, mark done.

    Any error marks the job failed with its message (the call and file stay, so the job can
    be retried); no speech marks it done with outcome ``no_speech`` and makes no ticket.
    """
    call = _start(engine, job_id)
    if call is None:
        return
    try:
        if call.recording_path:
            draft = pipeline.process_file(call.recording_path, source=f"call:{call.id}")
        else:
            draft = pipeline.process_text(call.message_text or "", source=call.channel)
        _finish(engine, job_id, call, draft, taxonomy, tz)
    except Exception as exc:
        logger.exception("job %s (call %s) failed", job_id, call.id)
        _fail(engine, job_id, exc)


def _finish(
    engine: Engine,
    job_id: int,
    call: Call,
    draft: TicketDraft,
    taxonomy: ApiTaxonomy,
    tz: ZoneInfo,
) -> None:
    """Store the results and mark the job done, all in one transaction."""
    now = utcnow()
    with Session(engine) as session:
        job = session.get(Job, job_id)
        db_call = session.get(Call, call.id)
        assert job is not None and db_call is not None
        save_transcript(session=session, call=db_call, transcript=draft.transcript, now=now)
        if db_call.recording_path:
            db_call.duration = draft.transcript.duration
            session.add(db_call)
        if draft.has_speech:
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
    logger.info("job %s done: %s", job_id, outcome)
