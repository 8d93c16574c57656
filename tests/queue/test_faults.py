"""Fault tests of the Celery queue: real worker processes, Redis, PostgreSQL, the API over HTTP.

Workers are killed with SIGKILL in the middle of jobs and the broker is restarted without
persistence; afterwards every accepted call must have exactly one ticket, no job lost or
duplicated. ``MINSHENG_QUEUE_FAULT_N`` sets the number of calls (default 30; 200 for the full
run). ``MINSHENG_QUEUE_DB_RESTART=1`` adds a PostgreSQL restart test (never by default: other
tests share that server).
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from api.db import make_engine
from tests.api.conftest import _truncate_all
from tests.api.factories import add_users, make_wav
from tests.queue.cluster import Cluster, have_redis_server, make_cluster, wait_until

pytestmark = pytest.mark.queue

N_CALLS = int(os.environ.get("MINSHENG_QUEUE_FAULT_N", "30"))
LEASE_S = 8.0
DELAY_S = 0.5
DEADLINE_S = 120 + N_CALLS * DELAY_S


@pytest.fixture
def cluster(pg_url: str, tmp_path: Path, password_hash: str) -> Iterator[tuple[Cluster, str]]:
    """API and Redis started (workers are started by each test); the operator's token."""
    if not have_redis_server():
        reason = "redis-server/redis-cli not installed (apt-get install redis-server)"
        if os.environ.get("MINSHENG_REQUIRE_QUEUE") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    _truncate_all(pg_url)
    engine = make_engine(pg_url)
    from sqlmodel import Session

    from api.db import sync_departments
    from api.taxonomy import ApiTaxonomy
    from pipeline.settings import DATA_DIR

    with Session(engine) as session:
        sync_departments(session, ApiTaxonomy.load(DATA_DIR / "taxonomy.yaml"))
    tokens = add_users(engine, password_hash)
    engine.dispose()
    cl = make_cluster(tmp_path / "cluster", pg_url, lease_s=LEASE_S, delay_s=DELAY_S)
    try:
        cl.redis.start()
        cl.start_api()
        yield cl, tokens["operator"]
    finally:
        cl.stop()


def _upload(cl: Cluster, token: str, i: int) -> int:
    """Upload a distinct recording; the HTTP status."""
    wav = make_wav(seconds=0.2, freq=200.0 + 7 * i)
    resp = httpx.post(
        f"{cl.api_url}/calls",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": (f"call-{i}.wav", wav, "audio/wav")},
        timeout=30,
    )
    return resp.status_code


def _upload_all(cl: Cluster, token: str, ids: range, pool: ThreadPoolExecutor) -> list[Future[int]]:
    return [pool.submit(_upload, cl, token, i) for i in ids]


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM call), (SELECT count(*) FROM job),"
                " (SELECT count(*) FROM job WHERE status IN ('done', 'failed')),"
                " (SELECT count(*) FROM ticket)"
            )
        ).one()
    return dict(zip(("calls", "jobs", "finished", "tickets"), row, strict=True))


def _wait_all_finished(engine: Engine, accepted: int) -> None:
    def finished() -> bool:
        c = _counts(engine)
        return c["jobs"] == accepted and c["finished"] == accepted

    assert wait_until(finished, timeout=DEADLINE_S, interval=0.5), _counts(engine)


def _assert_one_ticket_per_call(engine: Engine, accepted: int) -> None:
    with engine.connect() as conn:
        per_call = conn.execute(
            text(
                "SELECT c.id, count(t.id) FROM call c LEFT JOIN ticket t ON t.call_id = c.id "
                "GROUP BY c.id"
            )
        ).all()
        jobs = conn.execute(
            text(
                "SELECT j.id, j.status, j.outcome, j.error, t.call_id = j.call_id "
                "FROM job j LEFT JOIN ticket t ON t.id = j.ticket_id"
            )
        ).all()
        tickets = conn.execute(text("SELECT count(*), count(DISTINCT number) FROM ticket")).one()
    assert len(per_call) == accepted
    assert {n for _, n in per_call} == {1}, [row for row in per_call if row[1] != 1]
    assert len(jobs) == accepted
    bad = [j for j in jobs if (j[1], j[2], j[4]) != ("done", "ticket", True)]
    assert not bad, bad
    assert tickets[0] == tickets[1] == accepted


def _attempts(engine: Engine, call_source: str) -> int:
    call_id = int(call_source.removeprefix("call:"))
    with engine.connect() as conn:
        return int(
            conn.execute(text("SELECT attempts FROM job WHERE call_id = :c"), {"c": call_id}).one()[
                0
            ]
        )


def _kill_mid_job(cl: Cluster, worker: str, *, whole_worker: bool) -> str | None:
    """SIGKILL ``worker`` (or only its busy pool process) while it runs a job.

    Returns the interrupted job's source (``call:<id>``), or ``None`` if the job happened to
    finish between noticing it and the kill.
    """
    busy: tuple[int, str] | None = None

    def found() -> bool:
        nonlocal busy
        busy = cl.busy(worker)
        return busy is not None

    assert wait_until(found, timeout=60, interval=0.02), f"{worker} never ran a job"
    assert busy is not None
    pid, source = busy
    if whole_worker:
        os.killpg(cl.workers[worker].pid, signal.SIGKILL)
        cl.workers[worker].wait(timeout=10)
    else:
        os.kill(pid, signal.SIGKILL)
    marker = cl.marker_dir / f"{pid}.busy"
    interrupted = marker.exists()  # a killed job never removes its marker
    marker.unlink(missing_ok=True)
    return source if interrupted else None


def test_killed_workers_lose_no_job_and_duplicate_none(
    cluster: tuple[Cluster, str], pg_url: str
) -> None:
    cl, token = cluster
    cl.start_worker("w1")
    cl.start_worker("w2")
    engine = make_engine(pg_url)
    victims: list[str | None] = []
    with ThreadPoolExecutor(max_workers=4) as pool:
        uploads = _upload_all(cl, token, range(N_CALLS), pool)
        # A whole worker dies (host lost, OOM of the parent)...
        victims.append(_kill_mid_job(cl, "w1", whole_worker=True))
        cl.start_worker("w3")  # ...and its supervisor starts a new one.
        # A pool process dies (OOM killer); Celery replaces it and gives the message back.
        victims.append(_kill_mid_job(cl, "w2", whole_worker=False))
        statuses = [f.result() for f in uploads]
    assert statuses == [202] * N_CALLS
    _wait_all_finished(engine, N_CALLS)
    _assert_one_ticket_per_call(engine, N_CALLS)
    interrupted = [v for v in victims if v is not None]
    assert interrupted, "no kill landed in the middle of a job"
    for source in interrupted:
        assert _attempts(engine, source) >= 2, f"{source} was not run again"
    engine.dispose()


def test_a_broker_restart_loses_no_accepted_call(cluster: tuple[Cluster, str], pg_url: str) -> None:
    cl, token = cluster
    cl.start_worker("w1")
    cl.start_worker("w2")
    engine = make_engine(pg_url)
    half, during = N_CALLS // 2, 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        first = [f.result() for f in _upload_all(cl, token, range(half), pool)]
        assert wait_until(lambda: _counts(engine)["tickets"] >= 3, timeout=60)
        cl.redis.shutdown_nosave()  # queued and unacknowledged messages are gone
        # Calls keep being accepted while the broker is down: they wait in the database.
        down = [f.result() for f in _upload_all(cl, token, range(half, half + during), pool)]
        cl.redis.start()
        rest = [f.result() for f in _upload_all(cl, token, range(half + during, N_CALLS), pool)]
    assert first + down + rest == [202] * N_CALLS
    _wait_all_finished(engine, N_CALLS)
    _assert_one_ticket_per_call(engine, N_CALLS)
    with engine.connect() as conn:
        resent = conn.execute(text("SELECT count(*) FROM job WHERE resent_at IS NOT NULL")).one()
    # At least the calls accepted during the outage came back through the sweep.
    assert resent[0] >= during
    engine.dispose()


@pytest.mark.skipif(
    os.environ.get("MINSHENG_QUEUE_DB_RESTART") != "1",
    reason="restarts the shared PostgreSQL server: opt in with MINSHENG_QUEUE_DB_RESTART=1",
)
def test_a_database_restart_loses_no_accepted_call(
    cluster: tuple[Cluster, str], pg_url: str
) -> None:
    cl, token = cluster
    cl.start_worker("w1")
    cl.start_worker("w2")
    engine = make_engine(pg_url)
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = [f.result() for f in _upload_all(cl, token, range(N_CALLS), pool)]
        assert wait_until(lambda: _counts(engine)["tickets"] >= 3, timeout=60)
        version = sorted(os.listdir("/etc/postgresql"))[0]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
            check=True,
            timeout=120,
        )
    accepted = statuses.count(202)
    assert accepted == N_CALLS  # all were accepted before the restart
    _wait_all_finished(engine, accepted)
    _assert_one_ticket_per_call(engine, accepted)
    engine.dispose()
