"""Calls and messages, their transcripts, and the jobs that run the pipeline on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from api.errors import Conflict, NotFound
from api.intake import StoredUpload
from api.models import (
    Call,
    Channel,
    Job,
    JobPublic,
    JobStatus,
    MessageCreate,
    SegmentPublic,
    Ticket,
    Transcript,
    TranscriptPublic,
    TranscriptSegment,
    User,
    utcnow,
)
from asr.types import Transcript as AsrTranscript


def find_call_by_sha(*, session: Session, sha256: str) -> Call | None:
    """The call whose recording has this content hash, or ``None``."""
    return session.exec(select(Call).where(Call.content_sha256 == sha256)).first()


def _duplicate(session: Session, call: Call) -> Conflict:
    job = session.exec(
        select(Job).where(Job.call_id == call.id).order_by(col(Job.id).desc())
    ).first()
    ticket = session.get(Ticket, job.ticket_id) if job and job.ticket_id else None
    return Conflict(
        "该录音已上传过，不会重复建单",
        call_id=call.id,
        job_id=job.id if job else None,
        job_status=job.status if job else None,
        ticket_no=ticket.number if ticket else None,
    )


def register_recording(
    *,
    session: Session,
    stored: StoredUpload,
    original_filename: str | None,
    channel: Channel,
    caller_phone: str | None,
    caller_name: str | None,
    user: User,
) -> Job:
    """Record an uploaded call and queue its job (committed); ``Conflict`` if a duplicate."""
    existing = find_call_by_sha(session=session, sha256=stored.sha256)
    if existing is not None:
        raise _duplicate(session, existing)
    call = Call(
        channel=channel,
        caller_phone=caller_phone,
        caller_name=caller_name,
        recording_path=str(stored.path),
        original_filename=(original_filename or "")[:256] or None,
        content_type=stored.kind.content_type,
        content_sha256=stored.sha256,
        size_bytes=stored.size,
    )
    session.add(call)
    try:
        session.flush()
    except IntegrityError:
        # The same file uploaded concurrently: the other request won the unique index.
        session.rollback()
        existing = find_call_by_sha(session=session, sha256=stored.sha256)
        if existing is None:
            raise
        raise _duplicate(session, existing) from None
    job = Job(call_id=call.id or 0, created_by_id=user.id)
    session.add(job)
    session.commit()
    return job


def register_message(*, session: Session, message: MessageCreate, user: User) -> Job:
    """Record a text message and queue its job (committed)."""
    call = Call(
        channel=message.channel,
        caller_phone=message.caller_phone,
        caller_name=message.caller_name,
        message_text=message.text,
        size_bytes=len(message.text.encode("utf-8")),
    )
    session.add(call)
    session.flush()
    job = Job(call_id=call.id or 0, created_by_id=user.id)
    session.add(job)
    session.commit()
    return job


def get_job(*, session: Session, job_id: int) -> Job:
    """The job with this id; ``NotFound`` otherwise."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"任务 {job_id} 不存在")
    return job


def job_public(*, session: Session, job: Job) -> JobPublic:
    """The uploader's view of a job, with the ticket number once there is one."""
    ticket = session.get(Ticket, job.ticket_id) if job.ticket_id else None
    return JobPublic.model_validate(job, update={"ticket_no": ticket.number if ticket else None})


def requeue_job(*, session: Session, job: Job) -> Job:
    """Put a failed job back in the queue (committed); ``Conflict`` unless it failed."""
    if job.status != JobStatus.FAILED:
        raise Conflict(f"只有失败的任务可以重试（当前状态：{job.status}）")
    job.status = JobStatus.QUEUED
    job.error = None
    job.finished_at = None
    session.add(job)
    session.commit()
    return job


def unfinished_job_ids(*, session: Session) -> list[int]:
    """Jobs left queued or running (e.g. by a crash), reset to queued, oldest first."""
    jobs = session.exec(
        select(Job)
        .where(col(Job.status).in_([JobStatus.QUEUED, JobStatus.RUNNING]))
        .order_by(col(Job.id))
    ).all()
    for job in jobs:
        job.status = JobStatus.QUEUED
        session.add(job)
    session.commit()
    return [job.id for job in jobs if job.id is not None]


def save_transcript(
    *, session: Session, call: Call, transcript: AsrTranscript, now: datetime | None = None
) -> Transcript:
    """Store (or replace, on retry) a call's transcript and its segments (not committed)."""
    old = session.exec(select(Transcript).where(Transcript.call_id == call.id)).first()
    if old is not None:
        session.exec(
            delete(TranscriptSegment).where(col(TranscriptSegment.transcript_id) == old.id)
        )
        session.delete(old)
        session.flush()
    row = Transcript(
        call_id=call.id or 0,
        text=transcript.text,
        language=transcript.language,
        duration=transcript.duration,
        created_at=now or utcnow(),
    )
    session.add(row)
    session.flush()
    for i, seg in enumerate(transcript.segments):
        session.add(
            TranscriptSegment(
                transcript_id=row.id or 0,
                position=i,
                start=seg.start,
                end=seg.end,
                text=seg.text,
                speaker=seg.speaker,
            )
        )
    return row


def get_transcript(*, session: Session, call_id: int) -> TranscriptPublic | None:
    """A call's transcript with its segments in order, or ``None``."""
    row = session.exec(select(Transcript).where(Transcript.call_id == call_id)).first()
    if row is None:
        return None
    segments = session.exec(
        select(TranscriptSegment)
        .where(TranscriptSegment.transcript_id == row.id)
        .order_by(col(TranscriptSegment.position))
    ).all()
    return TranscriptPublic(
        text=row.text,
        language=row.language,
        duration=row.duration,
        segments=[SegmentPublic.model_validate(s, from_attributes=True) for s in segments],
    )
