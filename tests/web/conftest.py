"""Fixtures of the web tests: the service on a real port, Chromium driven by Selenium,
users of every role, and screenshots.

Browser tests are marked ``browser``. They need Debian's ``chromium`` and ``chromium-driver``
(``scripts/install_browser.sh``) and the ``selenium`` package; without them they are skipped
with the reason, or fail when ``MINSHENG_REQUIRE_BROWSER=1`` (CI). Selenium is always given
the driver and browser paths, so selenium-manager never downloads anything.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from api.jobs import ThreadJobRunner
from api.main import create_app
from api.security import hash_password
from tests.api.conftest import (  # noqa: F401  (fixtures reused by the non-browser tests)
    PASSWORD,
    api,
    db_url,
    fake_pipeline,
    make_settings,
    password_hash,
    pg_url,
    sqlite_api,
    sqlite_template,
    sqlite_url,
)
from tests.api.factories import add_users
from tests.web.truth_pipeline import TruthPipeline

CHROMIUM = Path(os.environ.get("MINSHENG_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("MINSHENG_CHROMEDRIVER", "/usr/bin/chromedriver"))
DEFAULT_SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--autoplay-policy=no-user-gesture-required",
    "--window-size=1440,1000",
    "--lang=zh-CN",
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives headless Chromium (scripts/install_browser.sh)"
    )


def _browser_missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (.venv/bin/pip install selenium==4.51.0)"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} not found: run scripts/install_browser.sh"
    return None


@pytest.fixture(scope="session")
def browser_available() -> None:
    """Skip (or fail in CI) when Chromium, ChromeDriver or Selenium is missing."""
    reason = _browser_missing()
    if reason is None:
        return
    if os.environ.get("MINSHENG_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class LiveServer:
    """The service on ``base_url`` with a token per test user."""

    base_url: str
    tokens: dict[str, str]
    app: Any
    upload_dir: Path
    pipeline: Any

    def call(
        self,
        method: str,
        path: str,
        who: str | None = None,
        json_body: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """One HTTP request (stdlib only, as a script would send it); JSON answer or None."""
        hdrs = dict(headers or {})
        if who:
            hdrs["Authorization"] = f"Bearer {self.tokens[who]}"
        if json_body is not None:
            data = json.dumps(json_body).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base_url + path, data=data, headers=hdrs, method=method)
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def upload(self, wav: Path, who: str = "operator", phone: str | None = None) -> Any:
        """POST /calls with a multipart body; returns the job."""
        boundary = "----minsheng-test-boundary"
        parts = [(b'name="file"; filename="%s"' % wav.name.encode(), wav.read_bytes(), True)]
        if phone:
            parts.append((b'name="caller_phone"', phone.encode(), False))
        body = b""
        for disposition, content, is_file in parts:
            body += b"--" + boundary.encode() + b"\r\nContent-Disposition: form-data; "
            body += disposition + b"\r\n"
            if is_file:
                body += b"Content-Type: audio/wav\r\n"
            body += b"\r\n" + content + b"\r\n"
        body += b"--" + boundary.encode() + b"--\r\n"
        return self.call(
            "POST",
            "/calls",
            who,
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    def wait_job(self, job_id: int, who: str = "operator", timeout: float = 30) -> Any:
        """Poll a job until it is done or failed."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.call("GET", f"/jobs/{job_id}", who)
            if job["status"] in ("done", "failed") or time.monotonic() > deadline:
                return job
            time.sleep(0.2)


def _start_uvicorn(app: Any) -> tuple[Any, threading.Thread, str]:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 300  # the real pipeline loads its models first
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start (see the log above)")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def serve(tmp: Path, pipeline: Any | None) -> Iterator[LiveServer]:
    """Run the app on a free local port with real background jobs and SQLite in ``tmp``.

    ``pipeline=None`` means the real one (Whisper and the classifier, loaded at start).
    """
    settings = make_settings(
        f"sqlite:///{tmp / 'web.db'}",
        tmp,
        auto_migrate=True,
        upload_max_bytes=50 * 1024 * 1024,
        preload_models=pipeline is None,
    )
    app = create_app(settings, pipeline=pipeline, runner_factory=ThreadJobRunner)
    server, thread, base_url = _start_uvicorn(app)
    try:
        tokens = add_users(app.state.engine, hash_password(PASSWORD))
        yield LiveServer(base_url, tokens, app, settings.upload_dir, app.state.pipeline)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with the truth pipeline (real recordings, scripted transcripts)."""
    yield from serve(tmp_path_factory.mktemp("live"), TruthPipeline())


@dataclass
class Browser:
    """A Chromium session with helpers for the pages."""

    driver: Any
    base_url: str
    screenshot_dir: Path
    download_dir: Path
    shots: list[Path] = field(default_factory=list)

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def wait(self, condition: Any, timeout: float = 15) -> Any:
        """Wait for ``condition``; the pages re-render, so vanished elements are retried."""
        from selenium.common.exceptions import (
            NoSuchElementException,
            StaleElementReferenceException,
        )
        from selenium.webdriver.support.ui import WebDriverWait

        retry = (NoSuchElementException, StaleElementReferenceException)
        return WebDriverWait(
            self.driver, timeout, poll_frequency=0.1, ignored_exceptions=retry
        ).until(condition)

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return list(self.driver.find_elements(By.CSS_SELECTOR, css))

    def visible(self, css: str, timeout: float = 15) -> Any:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        return self.wait(ec.visibility_of_element_located((By.CSS_SELECTOR, css)), timeout)

    def click(self, css: str, timeout: float = 15) -> None:
        """Click an element once it is visible and enabled (actions disable their buttons)."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        self.wait(ec.element_to_be_clickable((By.CSS_SELECTOR, css)), timeout).click()

    def text(self, css: str) -> str:
        return str(self.find(css).text)

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def page_text(self) -> str:
        return str(self.js("return document.body.innerText"))

    def shot(self, name: str) -> Path:
        """Save a screenshot of the whole page (beyond the window) as ``<dir>/<name>.png``."""
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
        )
        path = self.screenshot_dir / f"{name}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        self.shots.append(path)
        return path

    def errors(self) -> list[str]:
        """Severe console messages since the last call (script errors, CSP violations)."""
        logs = self.driver.get_log("browser")
        return [str(e["message"]) for e in logs if e.get("level") == "SEVERE"]

    def login(self, username: str, password: str = PASSWORD) -> None:
        self.logout()
        self.open("/ui/login")
        self.visible("#username").send_keys(username)
        self.find("#password").send_keys(password)
        self.find("#login-submit").click()
        self.wait(lambda d: "/ui/login" not in d.current_url)
        self.visible("#userbox")

    def logout(self) -> None:
        if self.driver.current_url.startswith(self.base_url):
            self.js("sessionStorage.clear()")


def _screenshot_dir() -> Path:
    path = Path(os.environ.get("MINSHENG_SCREENSHOT_DIR") or DEFAULT_SCREENSHOTS)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser(browser_available: None, live_server: LiveServer) -> Iterator[Browser]:
    """Headless Chromium with a fresh profile, pointed at the live server."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = Path(tempfile.mkdtemp(prefix="minsheng-chromium-"))
    downloads = profile / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile / 'profile'}"):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        yield Browser(driver, live_server.base_url, _screenshot_dir(), downloads)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
