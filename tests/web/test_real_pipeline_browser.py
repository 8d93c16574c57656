"""The one browser test on the real pipeline: a two-channel sample call goes through Whisper
and the classifier, and the ticket page shows what they made of it, beside the recording."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.web.conftest import Browser, LiveServer, serve
from tests.web.truth_pipeline import CALLS_DIR

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SAMPLE = CALLS_DIR / "gas_leak_01.stereo.flac"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """This module's server runs the real pipeline (models loaded at start)."""
    if not SAMPLE.is_file():
        pytest.skip(f"sample call {SAMPLE.name} not in data/calls")
    yield from serve(tmp_path_factory.mktemp("real"), None)


def test_real_transcript_beside_the_recording(browser: Browser) -> None:
    truth = json.loads((CALLS_DIR / "gas_leak_01.truth.json").read_text(encoding="utf-8"))
    b = browser
    b.login("operator")
    b.find("#upload-file").send_keys(str(SAMPLE))
    b.click("#upload-submit")
    number = b.visible("#upload-ticket-link", timeout=240).text
    b.open(f"/ui/tickets/{number}")
    b.visible("#transcript .seg")
    speakers = {s.text for s in b.find_all("#transcript .seg .speaker-tag")}
    assert speakers == {"话务员", "市民"}  # two channels: agent left, caller right
    assert b.find_all("#transcript mark.ent")  # a phone number or an address was marked
    b.wait(lambda d: b.js("return document.getElementById('player').readyState") >= 2, 20)
    duration = b.js("return document.getElementById('player').duration")
    assert abs(duration - truth["duration_s"]) < 0.5
    assert b.js("return document.getElementById('player').error") is None
    caller = [s for s in b.find_all("#transcript .seg") if "市民" in s.text]
    caller[0].click()
    start = float(caller[0].get_attribute("data-start"))
    b.wait(lambda d: b.js("return document.getElementById('player').currentTime") > start + 0.3)
    suggested = b.text("#suggested")
    alternatives = b.text("#suggestion")
    assert truth["label"] in suggested or truth["label"] in alternatives
    b.shot("10_ticket_real_pipeline")
    assert b.errors() == []
