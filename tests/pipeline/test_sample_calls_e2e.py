"""End to end with the real embedded Whisper model on the committed sample calls.

Every committed recording (mono 8 kHz mu-law WAV and the stereo FLAC/MP3 variants) goes
through ``minsheng process --json`` once (see ``conftest.processed_calls``) and is scored
against its ``<id>.truth.json``.

What Whisper base cannot hear is not asserted per call: compound (小区) names are free text
with no gazetteer, so the address check compares district, road and house number exactly and
reports the full-string match rate. The first phone number (the one a ticket gets, after the
phone check of ``pipeline.phones``) must be right for every recording: the transcript of
business_licence_01 merges its repeated 幺 into a single 要, and the re-decodings outvote it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from classify.entities.address import parse_addresses
from tests.pipeline.conftest import CALLS

pytestmark = pytest.mark.slow

TRUTHS = {
    p.name.removesuffix(".truth.json"): json.loads(p.read_text("utf-8"))
    for p in sorted(CALLS.glob("*.truth.json"))
}


def _call_id(name: str) -> str:
    return name.split(".")[0]


def _address_core(text: str) -> tuple[str, str, str]:
    parsed = parse_addresses(text)
    assert parsed, f"no address in {text!r}"
    district, road, number, _, _ = parsed[0].parts()
    return district, road, number


def test_every_recording_was_processed(processed_calls: dict[str, dict[str, Any]]) -> None:
    recordings = {p.name for p in CALLS.iterdir() if p.suffix in {".wav", ".flac", ".mp3"}}
    assert set(processed_calls) == recordings
    assert all("error" not in r for r in processed_calls.values())


def test_top_category_and_department_right_for_every_call(
    processed_calls: dict[str, dict[str, Any]],
) -> None:
    for name, row in processed_calls.items():
        truth = TRUTHS[_call_id(name)]
        assert row["category"]["top"] == truth["top"], name
        assert row["department"] == truth["department"], name


def test_phone_numbers(processed_calls: dict[str, dict[str, Any]]) -> None:
    wrong = [
        n
        for n, r in processed_calls.items()
        if r["entities"]["phones"][:1] != [TRUTHS[_call_id(n)]["phone"]]
    ]
    assert wrong == [], wrong


def test_addresses_district_road_and_number(processed_calls: dict[str, dict[str, Any]]) -> None:
    for name, row in processed_calls.items():
        want = _address_core(TRUTHS[_call_id(name)]["address"])
        got = [_address_core(a) for a in row["entities"]["addresses"]]
        assert want in got, (name, row["entities"]["addresses"])


def test_shape_of_process_json(processed_calls: dict[str, dict[str, Any]]) -> None:
    for name, row in processed_calls.items():
        assert {
            "source",
            "duration",
            "transcript",
            "category",
            "department",
            "urgent",
            "needs_review",
            "entities",
            "keywords",
        } <= set(row)
        assert set(row["entities"]) == {"phones", "addresses", "names", "id_numbers"}
        assert row["category"]["top"] in {"safety", "environment", "administrative"}
        assert row["duration"] > 10
        speakers = {s["speaker"] for s in row["transcript"]["segments"]}
        assert speakers == ({"agent", "caller"} if ".stereo." in name else {""}), name
        for seg in row["transcript"]["segments"]:
            assert {"start", "end", "speaker", "text"} == set(seg)
            assert seg["end"] >= seg["start"]
        assert all(p.isdigit() for p in row["entities"]["phones"])


def test_urgent_calls_flagged_and_routine_calls_not(
    processed_calls: dict[str, dict[str, Any]],
) -> None:
    flagged = {n for n, r in processed_calls.items() if r["urgent"]}
    truly = {n for n in processed_calls if TRUTHS[_call_id(n)]["urgent"]}
    assert truly <= flagged
    assert len(flagged - truly) <= 1
