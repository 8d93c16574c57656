"""Intake: recordings and text messages go in, a job id comes back at once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile, status

from api.crud.calls import get_job, job_public, register_message, register_recording
from api.deps import Operator, RunnerDep, SessionDep, SettingsDep
from api.intake import check_filename, discard_upload, store_upload
from api.models import Channel, JobPublic, MessageCreate

router = APIRouter(tags=["intake"])


@router.post("/calls", status_code=status.HTTP_202_ACCEPTED)
def upload_call(
    session: SessionDep,
    settings: SettingsDep,
    runner: RunnerDep,
    user: Operator,
    file: Annotated[UploadFile, File(description="录音文件（WAV、MP3、AMR、M4A、OGG、FLAC）")],
    channel: Annotated[Channel, Form()] = Channel.PHONE,
    caller_phone: Annotated[str | None, Form(max_length=32)] = None,
    caller_name: Annotated[str | None, Form(max_length=64)] = None,
) -> JobPublic:
    """Upload a call recording; it is transcribed in the background (poll the job)."""
    filename = check_filename(file.filename)
    stored = store_upload(
        file.file, upload_dir=settings.upload_dir, max_bytes=settings.upload_max_bytes
    )
    try:
        job = register_recording(
            session=session,
            stored=stored,
            original_filename=filename,
            channel=channel,
            caller_phone=caller_phone,
            caller_name=caller_name,
            user=user,
        )
    except Exception:  # refused, or the database rejected a field: keep no orphan file
        discard_upload(stored)
        raise
    return _submit(session, runner, job.id)


@router.post("/messages", status_code=status.HTTP_202_ACCEPTED)
def post_message(
    session: SessionDep, runner: RunnerDep, user: Operator, message: MessageCreate
) -> JobPublic:
    """Submit a text request (WeChat, app, web form); it is understood in the background."""
    job = register_message(session=session, message=message, user=user)
    return _submit(session, runner, job.id)


def _submit(session: SessionDep, runner: RunnerDep, job_id: int | None) -> JobPublic:
    assert job_id is not None
    # Committed already; end this session's transaction so the job may write (SQLite locks).
    session.close()
    runner.submit(job_id)
    return job_public(session=session, job=get_job(session=session, job_id=job_id))
