"""Intake jobs: poll and retry."""

from __future__ import annotations

from fastapi import APIRouter

from api.crud.calls import get_job, job_public, requeue_job
from api.deps import Operator, RunnerDep, SessionDep
from api.models import JobPublic

router = APIRouter(prefix="/jobs", tags=["intake"])


@router.get("/{job_id}")
def read_job(session: SessionDep, user: Operator, job_id: int) -> JobPublic:
    """Where a job stands, its error if it failed, its ticket number once made."""
    return job_public(session=session, job=get_job(session=session, job_id=job_id))


@router.post("/{job_id}/retry", status_code=202)
def retry_job(session: SessionDep, runner: RunnerDep, user: Operator, job_id: int) -> JobPublic:
    """Run a failed job again (the call and recording were kept)."""
    requeue_job(session=session, job=get_job(session=session, job_id=job_id))
    session.close()
    runner.submit(job_id)
    return job_public(session=session, job=get_job(session=session, job_id=job_id))
