"""A small cluster on this machine for the fault tests: a private Redis, the API under uvicorn,
Celery worker processes, all on loopback, all started and always stopped by the test.

The Redis server is private (its own port and directory) so restarting it never disturbs
other tests using the shared one; queue names are unique per run all the same.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port on loopback nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until(predicate: Callable[[], bool], *, timeout: float, interval: float = 0.1) -> bool:
    """Poll ``predicate`` until it is true (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def _alive(proc: subprocess.Popen[bytes]) -> bool:
    return proc.poll() is None


def stop_process(proc: subprocess.Popen[bytes], *, group: bool, grace: float = 10.0) -> None:
    """SIGTERM (the process group if ``group``), then SIGKILL after ``grace`` seconds."""
    if not _alive(proc):
        return
    send = (lambda s: os.killpg(proc.pid, s)) if group else proc.send_signal
    try:
        send(signal.SIGTERM)
        proc.wait(timeout=grace)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        with contextlib.suppress(ProcessLookupError):
            send(signal.SIGKILL)
        proc.wait(timeout=grace)
    if group:  # children left behind by a killed parent
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


@dataclass
class RedisServer:
    """``redis-server`` without persistence, like the CI one, on a port of its own."""

    port: int
    directory: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it and wait until it answers PING."""
        self.directory.mkdir(parents=True, exist_ok=True)
        log = (self.directory / "redis.log").open("ab")
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        if not wait_until(self.ping, timeout=15):
            raise RuntimeError(f"redis-server did not start on port {self.port}")

    def ping(self) -> bool:
        """True when the server answers."""
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, timeout=5
        )
        return result.stdout.strip() == b"PONG"

    def shutdown_nosave(self) -> None:
        """``SHUTDOWN NOSAVE``: every queued message is lost, as in a broker crash."""
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], timeout=10)
        if self.proc is not None:
            self.proc.wait(timeout=15)

    def stop(self) -> None:
        """Stop it if it runs."""
        if self.proc is not None:
            stop_process(self.proc, group=False)


@dataclass
class Cluster:
    """The processes of one fault test and what they share."""

    root: Path
    env: dict[str, str]
    redis: RedisServer
    api_port: int
    marker_dir: Path
    api: subprocess.Popen[bytes] | None = None
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def _spawn(self, name: str, argv: list[str], *, new_group: bool) -> subprocess.Popen[bytes]:
        log = (self.root / f"{name}.log").open("ab")
        return subprocess.Popen(
            argv,
            cwd=REPO_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=new_group,
        )

    def start_api(self) -> None:
        """uvicorn with the app factory; waits for ``/healthz``."""
        self.api = self._spawn(
            "api",
            [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(self.api_port), "--log-level", "warning"],
            new_group=False,
        )  # fmt: skip

        def up() -> bool:
            try:
                return httpx.get(f"{self.api_url}/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        if not wait_until(up, timeout=60, interval=0.3):
            raise RuntimeError("the API did not start:\n" + self.log("api")[-3000:])

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        """A Celery worker with one pool process, in its own process group; waits until ready."""
        proc = self._spawn(
            name,
            [sys.executable, "-m", "api.queue", "--concurrency", "1",
             "--hostname", f"{name}@fault-test", "--loglevel", "INFO"],
            new_group=True,
        )  # fmt: skip
        self.workers[name] = proc
        if not wait_until(lambda: "ready" in self.log(name), timeout=60, interval=0.3):
            raise RuntimeError(f"worker {name} did not start:\n" + self.log(name)[-3000:])
        return proc

    def log(self, name: str) -> str:
        """What a process wrote so far."""
        path = self.root / f"{name}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def busy(self, worker: str) -> tuple[int, str] | None:
        """(pid, "call:<id>") of a process of ``worker`` that is in the middle of a job."""
        group = self.workers[worker].pid
        for marker in self.marker_dir.glob("*.busy"):
            pid = int(marker.stem)
            try:
                if os.getpgid(pid) != group:
                    continue
                source = marker.read_text(encoding="utf-8")
            except (ProcessLookupError, FileNotFoundError):
                continue
            if source:
                return pid, source
        return None

    def stop(self) -> None:
        """Stop every process this cluster started."""
        for proc in self.workers.values():
            stop_process(proc, group=True)
        if self.api is not None:
            stop_process(self.api, group=False)
        self.redis.stop()


def make_cluster(root: Path, database_url: str, *, lease_s: float, delay_s: float) -> Cluster:
    """Describe (not start) a cluster whose processes share ``root`` and ``database_url``."""
    marker_dir = root / "busy"
    marker_dir.mkdir(parents=True)
    redis = RedisServer(port=free_port(), directory=root / "redis")
    env = dict(os.environ)
    env.update(
        {
            "MINSHENG_DATABASE_URL": database_url,
            "MINSHENG_UPLOAD_DIR": str(root / "uploads"),
            "MINSHENG_JOB_RUNNER": "celery",
            "MINSHENG_BROKER_URL": redis.url,
            "MINSHENG_TASK_QUEUE": f"minsheng.test.{uuid.uuid4().hex[:10]}",
            "MINSHENG_JOB_LEASE_SECONDS": str(lease_s),
            "MINSHENG_JOB_SWEEP_SECONDS": "2",
            "MINSHENG_PIPELINE_FACTORY": "tests.queue.fakes:make_slow_fake_pipeline",
            "MINSHENG_FAKE_DELAY_S": str(delay_s),
            "MINSHENG_FAKE_MARKER_DIR": str(marker_dir),
            "MINSHENG_PRELOAD_MODELS": "false",
            "MINSHENG_AUTO_MIGRATE": "false",
            "MINSHENG_DB_POOL_SIZE": "4",
            "MINSHENG_DB_MAX_OVERFLOW": "4",
            "PYTHONPATH": str(REPO_ROOT),
        }
    )
    return Cluster(root=root, env=env, redis=redis, api_port=free_port(), marker_dir=marker_dir)


def have_redis_server() -> bool:
    """True when ``redis-server`` and ``redis-cli`` are installed."""
    return bool(shutil.which("redis-server") and shutil.which("redis-cli"))
