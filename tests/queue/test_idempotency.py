"""A job may run more than once (redelivery, lost worker, two sweeps): it still makes exactly
one ticket, a finished job is never redone, and a failure never overwrites a success."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

import api.worker
from api.config import ApiSettings
from api.db import make_engine, sync_departments
from api.models import Call, Channel, Job, JobOutcome, JobStatus, Ticket, utcnow
from api.queue.recovery import resend_stale_jobs
from api.queue.runner import CeleryJobRunner
from api.taxonomy import ApiTaxonomy
from api.worker import JobBusy, RunResult, run_job
from pipeline.draft import TicketDraft
from pipeline.settings import DATA_DIR
from tests.api.fakes import FakePipeline

TAXONOMY = DATA_DIR / "taxonomy.yaml"
TEXT = "裕华区槐安东路88号楼道里有煤气味，燃气管道好像漏气了"


@pytest.fixture
def engine(db_url: str) -> Engine:
    eng = make_engine(db_url)
    with Session(eng) as session:
        sync_departments(session, ApiTaxonomy.load(TAXONOMY))
    return eng


def _new_job(engine: Engine, **job_fields: object) -> int:
    with Session(engine) as session:
        call = Call(channel=Channel.WECHAT, message_text=TEXT, size_bytes=len(TEXT))
        session.add(call)
        session.flush()
        job = Job(call_id=call.id or 0, **job_fields)
        session.add(job)
        session.commit()
        assert job.id is not None
        return job.id


def _run(
    engine: Engine, job_id: int, pipeline: object, lease: timedelta | None = None
) -> RunResult:
    taxonomy = ApiTaxonomy.load(TAXONOMY)
    return run_job(
        job_id,
        engine=engine,
        pipeline=pipeline,  # type: ignore[arg-type]
        taxonomy=taxonomy,
        tz=ApiSettings().tz,
        lease=lease,
    )


def _job(engine: Engine, job_id: int) -> Job:
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


def _tickets_of_job_call(engine: Engine, job_id: int) -> int:
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return session.exec(
            select(func.count()).select_from(Ticket).where(col(Ticket.call_id) == job.call_id)
        ).one()


def test_a_finished_job_is_not_done_twice(engine: Engine) -> None:
    pipeline = FakePipeline(TAXONOMY)
    job_id = _new_job(engine)
    assert _run(engine, job_id, pipeline) == RunResult.DONE
    assert _run(engine, job_id, pipeline) == RunResult.SKIPPED  # redelivered message
    job = _job(engine, job_id)
    assert (job.status, job.outcome, job.attempts) == (JobStatus.DONE, JobOutcome.TICKET, 1)
    assert _tickets_of_job_call(engine, job_id) == 1
    assert len(pipeline.processed) == 1


def test_a_job_held_by_a_live_worker_is_busy_until_its_lease_expires(engine: Engine) -> None:
    job_id = _new_job(engine, status=JobStatus.RUNNING, started_at=utcnow(), attempts=1)
    with pytest.raises(JobBusy) as busy:
        _run(engine, job_id, FakePipeline(TAXONOMY), lease=timedelta(minutes=10))
    assert 0 < busy.value.retry_in <= 600
    assert _job(engine, job_id).attempts == 1


def test_a_job_of_a_dead_worker_is_taken_over_after_its_lease(engine: Engine) -> None:
    long_ago = utcnow() - timedelta(hours=1)
    job_id = _new_job(engine, status=JobStatus.RUNNING, started_at=long_ago, attempts=1)
    assert _run(engine, job_id, FakePipeline(TAXONOMY), lease=timedelta(minutes=10)) == "done"
    job = _job(engine, job_id)
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert _tickets_of_job_call(engine, job_id) == 1


class _GatedPipeline(FakePipeline):
    """Every run waits at a barrier, so two runs of one job are in the pipeline together."""

    def __init__(self, parties: int, fail_first: bool = False) -> None:
        super().__init__(TAXONOMY)
        self.barrier = threading.Barrier(parties, timeout=20)
        self.first_done = threading.Event()
        self.fail_first = fail_first
        self._lock = threading.Lock()
        self._calls = 0

    def process_text(self, text: str, source: str = "text") -> TicketDraft:
        with self._lock:
            self._calls += 1
            me = self._calls
        self.barrier.wait()
        if self.fail_first and me == 1:
            assert self.first_done.wait(20)  # fail only after the other run has finished
            raise ValueError("注入的故障")
        return super().process_text(text, source)


def _race(engine: Engine, job_id: int, pipeline: _GatedPipeline, n: int) -> list[object]:
    results: list[object] = [None] * n

    def one(i: int) -> None:
        try:
            results[i] = _run(engine, job_id, pipeline)
        except Exception as exc:  # reported through the results
            results[i] = exc
        finally:
            if results[i] == RunResult.DONE:
                pipeline.first_done.set()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_runs_of_one_job_at_once_make_one_ticket(engine: Engine) -> None:
    job_id = _new_job(engine)
    results = _race(engine, job_id, _GatedPipeline(3), 3)
    assert all(r == RunResult.DONE for r in results), results
    assert _tickets_of_job_call(engine, job_id) == 1
    job = _job(engine, job_id)
    assert job.status == JobStatus.DONE and job.ticket_id is not None


def test_a_late_failure_does_not_overwrite_a_success(engine: Engine) -> None:
    job_id = _new_job(engine)
    results = _race(engine, job_id, _GatedPipeline(2, fail_first=True), 2)
    assert sorted(map(str, results)) == ["done", "failed"], results
    job = _job(engine, job_id)
    assert job.status == JobStatus.DONE and job.error is None
    assert _tickets_of_job_call(engine, job_id) == 1


def test_the_database_refuses_a_second_ticket_for_a_call(engine: Engine) -> None:
    job_id = _new_job(engine)
    _run(engine, job_id, FakePipeline(TAXONOMY))
    with Session(engine) as session:
        ticket = session.exec(select(Ticket)).one()
        session.add(Ticket(number="19990101-0001", call_id=ticket.call_id, summary="重复"))
        with pytest.raises(IntegrityError):
            session.commit()


def test_a_database_outage_leaves_the_job_running_for_a_retry(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(**_: object) -> None:
        raise OperationalError("INSERT", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(api.worker, "create_ticket", unreachable)
    job_id = _new_job(engine)
    with pytest.raises(OperationalError):
        _run(engine, job_id, FakePipeline(TAXONOMY), lease=timedelta(minutes=10))
    job = _job(engine, job_id)
    assert job.status == JobStatus.RUNNING and job.error is None  # not failed: retried later
    monkeypatch.undo()
    # The queue's retry comes after the lease; the job then completes once.
    with Session(engine) as session:
        session.execute(
            update(Job)
            .where(col(Job.id) == job_id)
            .values(started_at=utcnow() - timedelta(hours=1))
        )
        session.commit()
    assert _run(engine, job_id, FakePipeline(TAXONOMY), lease=timedelta(minutes=10)) == "done"
    assert _tickets_of_job_call(engine, job_id) == 1


def test_stale_jobs_are_sent_again_once_per_lease(engine: Engine) -> None:
    hour_ago = utcnow() - timedelta(hours=1)
    lost_queued = _new_job(engine, created_at=hour_ago)
    fresh_queued = _new_job(engine)
    abandoned = _new_job(engine, status=JobStatus.RUNNING, started_at=hour_ago, created_at=hour_ago)
    live = _new_job(engine, status=JobStatus.RUNNING, started_at=utcnow(), created_at=hour_ago)
    finished = _new_job(engine, status=JobStatus.DONE, created_at=hour_ago)
    sent: list[int] = []
    lease = timedelta(minutes=10)
    assert resend_stale_jobs(engine, sent.append, lease=lease) == [lost_queued, abandoned]
    assert sent == [lost_queued, abandoned]
    # A second sweep (another API node, or the next interval) does not send them again...
    assert resend_stale_jobs(engine, sent.append, lease=lease) == []
    # ...until another lease has passed without progress.
    later = utcnow() + timedelta(minutes=11)
    again = resend_stale_jobs(engine, sent.append, lease=lease, now=later)
    assert set(again) == {lost_queued, abandoned, fresh_queued, live}
    assert finished not in sent


def test_the_api_accepts_jobs_while_the_broker_is_down(tmp_path: Path) -> None:
    # Port 9 (discard) on loopback: nothing listens, connections are refused at once.
    settings = ApiSettings(
        database_url=f"sqlite:///{tmp_path / 'x.db'}",
        job_runner="celery",
        broker_url="redis://127.0.0.1:9/0",
    )
    runner = CeleryJobRunner(settings=settings)
    try:
        runner.submit(1)  # logged, not raised: the job stays queued for the sweep
        assert runner.ping() is not None
        assert runner.queue_length() is None
    finally:
        runner.shutdown()
