"""Load benchmark of the work-order service: HTTP throughput and latency on PostgreSQL, and
the real pipeline's capacity in calls per hour per CPU core.

1. A fresh PostgreSQL database ``minsheng_bench_<random>`` is created, migrated and seeded
   (departments, one user per role); uvicorn serves the app on a loopback port. Intake jobs
   run the fast fake pipeline there (the HTTP path is measured, not Whisper).
2. ``--threads`` clients send a bounded mix of requests (``--requests`` in total, at most
   ``--seconds``): ticket list/search/detail reads, ticket corrections, text messages and
   call uploads (distinct small WAVs). Latency is per request, client side.
3. One real call (``data/calls/gas_leak_01.wav``) goes through the real pipeline in this
   process: model load, then one timed run; CPU seconds of the process (all threads) give
   calls per hour per core.

Results: ``bench/results/load_<UTC time>.json`` and a markdown table on stdout::

    .venv/bin/python bench/load_bench.py                       # ~2-3 minutes on 2 cores
    .venv/bin/python bench/load_bench.py --threads 16 --requests 5000 --seconds 120
    .venv/bin/python bench/load_bench.py --skip-pipeline       # HTTP part only

Traffic goes to 127.0.0.1 only; the database is dropped and the server stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import create_engine, text
from sqlmodel import Session

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from api.db import make_engine, migrate, sync_departments  # noqa: E402
from api.security import hash_password  # noqa: E402
from api.taxonomy import ApiTaxonomy  # noqa: E402
from tests.api.factories import add_users, make_wav  # noqa: E402
from tests.queue.cluster import free_port, wait_until  # noqa: E402

RESULTS = REPO / "bench" / "results"
TAXONOMY = REPO / "data" / "taxonomy.yaml"
SAMPLE = REPO / "data" / "calls" / "gas_leak_01.wav"
PG_ADMIN = os.environ.get(
    "MINSHENG_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MESSAGES = [
    "裕华区槐安东路88号楼道里有煤气味，燃气管道好像漏气了",
    "长安区建设大街工地夜里施工噪音很大，影响休息",
    "新华区友谊大街小区门口的垃圾好几天没人清运",
    "桥西区中华大街路灯坏了一排，晚上很黑",
    "正定县常山路自来水停水两天了，一直没有通知",
]
# Relative weight of each operation in the mix.
MIX = {"list": 30, "search": 15, "detail": 25, "patch": 10, "message": 12, "upload": 8}


@dataclass
class Stats:
    """Latencies (seconds) and failures of one kind of request."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    def add(self, seconds: float, status: int, ok: bool) -> None:
        self.latencies.append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if not ok:
            self.errors += 1


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in 0..100) of ``values``; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = int(pos), min(int(pos) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@contextmanager
def bench_database() -> Iterator[str]:
    """A migrated PostgreSQL database, dropped afterwards."""
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"minsheng_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def server(url: str, workdir: Path, api_workers: int) -> Iterator[str]:
    """uvicorn on a loopback port with the fake pipeline; yields its base URL."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "MINSHENG_DATABASE_URL": url,
            "MINSHENG_UPLOAD_DIR": str(workdir / "uploads"),
            "MINSHENG_AUTO_MIGRATE": "false",
            "MINSHENG_PRELOAD_MODELS": "false",
            "MINSHENG_PIPELINE_FACTORY": "tests.queue.fakes:make_slow_fake_pipeline",
            "MINSHENG_FAKE_DELAY_S": "0",
            "MINSHENG_JOB_WORKERS": "2",
            "PYTHONPATH": str(REPO),
        }
    )
    log = (workdir / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(api_workers),
         "--log-level", "warning"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:

        def up() -> bool:
            try:
                return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        if not wait_until(up, timeout=60, interval=0.3):
            raise RuntimeError("server did not start; see " + str(workdir / "server.log"))
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


class Workload:
    """The request mix; thread-safe (each call picks an operation and times it)."""

    def __init__(self, base: str, token: str, numbers: list[str]) -> None:
        self.base = base
        self.headers = {"Authorization": f"Bearer {token}"}
        self.numbers = numbers
        self.stats = {name: Stats() for name in MIX}
        self._lock = threading.Lock()
        self._upload_seq = 0
        self._local = threading.local()

    def _client(self) -> httpx.Client:
        client = getattr(self._local, "client", None)
        if client is None:
            client = httpx.Client(base_url=self.base, headers=self.headers, timeout=60)
            self._local.client = client
        return client

    def _next_upload(self) -> int:
        with self._lock:
            self._upload_seq += 1
            return self._upload_seq

    def one(self, rng: random.Random) -> None:
        """Send one request of a randomly chosen kind and record it."""
        kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        send: Callable[[httpx.Client], httpx.Response] = getattr(self, f"_{kind}")(rng)
        started = time.perf_counter()
        try:
            resp = send(self._client())
            status, ok = resp.status_code, resp.status_code < 400
        except httpx.HTTPError:
            status, ok = 0, False
        elapsed = time.perf_counter() - started
        with self._lock:
            self.stats[kind].add(elapsed, status, ok)

    def _list(self, rng: random.Random) -> Callable[[httpx.Client], httpx.Response]:
        params = rng.choice(
            [{}, {"status": "draft"}, {"department": "gas"}, {"urgent": "true"}, {"limit": 20}]
        )
        return lambda c: c.get("/tickets", params=params)

    def _search(self, rng: random.Random) -> Callable[[httpx.Client], httpx.Response]:
        q = rng.choice(["煤气", "噪音", "垃圾", "路灯", "停水", "裕华区"])
        return lambda c: c.get("/tickets", params={"q": q})

    def _detail(self, rng: random.Random) -> Callable[[httpx.Client], httpx.Response]:
        number = rng.choice(self.numbers)
        return lambda c: c.get(f"/tickets/{number}")

    def _patch(self, rng: random.Random) -> Callable[[httpx.Client], httpx.Response]:
        number = rng.choice(self.numbers)
        body = {"address": f"裕华区槐安东路{rng.randint(1, 999)}号"}
        return lambda c: c.patch(f"/tickets/{number}", json=body)

    def _message(self, rng: random.Random) -> Callable[[httpx.Client], httpx.Response]:
        body = {"channel": "web", "text": rng.choice(MESSAGES)}
        return lambda c: c.post("/messages", json=body)

    def _upload(self, rng: random.Random) -> Callable[[httpx.Client], httpx.Response]:
        n = self._next_upload()
        wav = make_wav(seconds=0.2, freq=100.0 + n * 0.37)  # distinct content per upload
        return lambda c: c.post("/calls", files={"file": (f"load-{n}.wav", wav, "audio/wav")})


def seed(base: str, token: str, count: int) -> list[str]:
    """``count`` tickets from messages (processed by the server's job runner)."""
    numbers: list[str] = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as c:
        for i in range(count):
            job = c.post(
                "/messages", json={"channel": "web", "text": MESSAGES[i % len(MESSAGES)]}
            ).json()
            deadline = time.monotonic() + 30
            while not job.get("ticket_no") and time.monotonic() < deadline:
                time.sleep(0.05)
                job = c.get(f"/jobs/{job['id']}").json()
            if job.get("ticket_no"):
                numbers.append(job["ticket_no"])
    if not numbers:
        raise RuntimeError("seeding made no tickets")
    return numbers


def run_http(args: argparse.Namespace) -> dict[str, Any]:
    """Phase 1 and 2: the server, the seed tickets, the timed mix."""
    workdir = Path(tempfile.mkdtemp(prefix="minsheng-load-"))
    try:
        return _run_http(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run_http(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    with bench_database() as url:
        engine = make_engine(url)
        with Session(engine) as session:
            sync_departments(session, ApiTaxonomy.load(TAXONOMY))
        token = add_users(engine, hash_password("bench password 1"))["operator"]
        engine.dispose()
        with server(url, workdir, args.api_workers) as base:
            numbers = seed(base, token, 40)
            load = Workload(base, token, numbers)
            started = time.perf_counter()
            deadline = started + args.seconds
            sent = 0
            sent_lock = threading.Lock()

            def worker(i: int) -> None:
                nonlocal sent
                rng = random.Random(1000 + i)
                while time.perf_counter() < deadline:
                    with sent_lock:
                        if sent >= args.requests:
                            return
                        sent += 1
                    load.one(rng)

            with ThreadPoolExecutor(max_workers=args.threads) as pool:
                list(pool.map(worker, range(args.threads)))
            wall = time.perf_counter() - started
    return summarise(load.stats, wall, args)


def summarise(stats: dict[str, Stats], wall: float, args: argparse.Namespace) -> dict[str, Any]:
    """Per-kind and overall throughput and latency percentiles (milliseconds)."""

    def row(s: Stats) -> dict[str, Any]:
        lat = s.latencies
        return {
            "requests": len(lat),
            "errors": s.errors,
            "statuses": {str(k): v for k, v in sorted(s.statuses.items())},
            "throughput_rps": round(len(lat) / wall, 1) if wall else 0.0,
            "p50_ms": round(percentile(lat, 50) * 1000, 1),
            "p95_ms": round(percentile(lat, 95) * 1000, 1),
            "p99_ms": round(percentile(lat, 99) * 1000, 1),
        }

    merged = Stats()
    for s in stats.values():
        merged.latencies += s.latencies
        merged.errors += s.errors
        for k, v in s.statuses.items():
            merged.statuses[k] = merged.statuses.get(k, 0) + v
    return {
        "threads": args.threads,
        "api_workers": args.api_workers,
        "wall_s": round(wall, 1),
        "by_kind": {name: row(s) for name, s in stats.items()},
        "all": row(merged),
    }


def run_pipeline() -> dict[str, Any]:
    """Phase 3: one real call through the real pipeline, timed (model load apart)."""
    from pipeline.service import Pipeline
    from pipeline.settings import Settings

    if not SAMPLE.is_file():
        return {"skipped": f"{SAMPLE} not found"}
    settings = Settings()
    t0 = time.perf_counter()
    pipeline = Pipeline.from_settings(settings)
    _ = pipeline.classifier
    _ = pipeline.transcriber
    load_s = time.perf_counter() - t0
    cpu0, t1 = time.process_time(), time.perf_counter()
    draft = pipeline.process_file(SAMPLE)
    wall = time.perf_counter() - t1
    cpu = time.process_time() - cpu0
    audio = draft.transcript.duration
    return {
        "sample": SAMPLE.name,
        "audio_s": round(audio, 2),
        "model_load_s": round(load_s, 2),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "rtf_wall": round(wall / audio, 3) if audio else None,
        "cores_busy": round(cpu / wall, 2) if wall else None,
        "calls_per_hour_per_core": round(3600 / cpu, 1) if cpu else None,
        "category": draft.prediction.code if draft.prediction else None,
        "whisper_cpu_threads": settings.whisper_cpu_threads,
    }


def print_table(result: dict[str, Any]) -> None:
    """The markdown table of the run."""
    http = result.get("http")
    if http:
        print(
            f"\nHTTP mix: {http['threads']} client threads, {http['api_workers']} API "
            f"worker(s), {http['wall_s']} s, PostgreSQL\n"
        )
        print("| kind | requests | errors | req/s | p50 ms | p95 ms | p99 ms |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for name, r in [*http["by_kind"].items(), ("**all**", http["all"])]:
            print(
                f"| {name} | {r['requests']} | {r['errors']} | {r['throughput_rps']} | "
                f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} |"
            )
    pipe = result.get("pipeline")
    if pipe and "skipped" not in pipe:
        print(
            f"\nReal pipeline, {pipe['sample']} ({pipe['audio_s']} s audio): "
            f"load {pipe['model_load_s']} s, run {pipe['wall_s']} s wall / {pipe['cpu_s']} s CPU, "
            f"RTF {pipe['rtf_wall']}, {pipe['cores_busy']} cores busy -> "
            f"**{pipe['calls_per_hour_per_core']} calls/hour/core** (this call's length)"
        )


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and write its results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8, help="concurrent clients")
    parser.add_argument("--requests", type=int, default=4000, help="at most this many")
    parser.add_argument("--seconds", type=float, default=60, help="at most this long")
    parser.add_argument("--api-workers", type=int, default=1, help="uvicorn processes")
    parser.add_argument("--skip-pipeline", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
    }
    if not args.skip_http:
        result["http"] = run_http(args)
    if not args.skip_pipeline:
        result["pipeline"] = run_pipeline()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"load_{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print_table(result)
    print(f"\nwritten: {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
