"""Phones, addresses and urgency read from real Whisper base transcripts of synthetic calls.

The transcripts (``data/transcripts/whisper_base_calls.jsonl``, see its README) keep
Whisper's errors in digits, place names and danger words. Some calls cannot be read right
(two digits wrong, a road name garbled beyond recognition), so the checks are totals, set a
little below what the extractors achieve (phones 717/1016 from the text alone with 135
wrong, addresses 211/1016 exactly, 462/1016 up to a compound-name character and 811/1016 up to
the house number or village, 270 of the 271 urgent calls and one false alarm, in the
thirteenth session; the urgent call the rules miss, dev40's
signal pole knocked askew, 眼看就要倒了 heard 眼看就要到了, is the urgency model's to
flag; the false alarm is below). Corrections (不对，最后是…) are the pipeline's phone
check's to read, so a number taken back still counts as wrong here.
Urgency is read as the pipeline's rules read it: on a mono call the agent's triage counts
too. The urgency model is trained on these very transcripts, so it is judged held out, in
``test_urgency_model.py``, not here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from classify.entities import extract_entities
from classify.phonetic import char_sounds
from classify.urgency import detect_urgency

pytest.importorskip("pypinyin", reason="reading misheard digits and names needs pypinyin")

CALLS = Path(__file__).resolve().parents[2] / "data" / "transcripts" / "whisper_base_calls.jsonl"


def _calls() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CALLS.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def results() -> list[tuple[dict[str, Any], list[str], list[str], bool]]:
    rows = []
    for call in _calls():
        entities = extract_entities(call["text"])
        # As the pipeline does: a mono transcript is the whole call, so the agent's triage
        # counts; a stereo call's text is the caller's channel alone.
        whole = call["text"] if call["file"].endswith(".wav") else None
        urgent = detect_urgency(call["text"], whole_call=whole).urgent
        rows.append((call, entities.phones, entities.addresses, urgent))
    return rows


def _compound_sounds_alike(said: str, truth: str) -> bool:
    """The addresses differ at most in one compound-name character that sounds different."""
    if len(said) != len(truth):
        return False
    wrong = [(a, b) for a, b in zip(said, truth, strict=True) if a != b]
    return sum(not (char_sounds(a) & char_sounds(b)) for a, b in wrong) <= 1 and all(
        not a.isdigit() and not b.isdigit() for a, b in wrong
    )


def test_the_corpus_covers_the_kinds_of_call() -> None:
    calls = _calls()
    assert len(calls) == 1016
    sets = {"sample", *(f"dev{n}" for n in range(1, 64))}
    assert {c["set"] for c in calls} == sets
    assert sum(c["urgent"] for c in calls) >= 20


def test_phone_numbers(results: list) -> None:
    right = sum(bool(phones) and phones[0] == call["phone"] for call, phones, _, _ in results)
    assert right >= 710


def test_wrong_phone_numbers_are_rare(results: list) -> None:
    """A wrong number in a ticket is worse than none: repairs must not guess freely."""
    wrong = [
        call["file"] for call, phones, _, _ in results if phones and phones[0] != call["phone"]
    ]
    assert len(wrong) <= 138, wrong


def test_addresses(results: list) -> None:
    exact = sum(bool(a) and a[0] == call["address"] for call, _, a, _ in results)
    loose = sum(
        bool(a) and _compound_sounds_alike(a[0], call["address"]) for call, _, a, _ in results
    )
    assert exact >= 206
    assert loose >= 455


def test_address_cores(results: list) -> None:
    """District, road and house number (up to 村 for a village) right, as the benchmark's
    ``address core`` counts them."""
    core = 0
    for call, _, addresses, _ in results:
        truth = call["address"]
        m = re.match(r"^(.*?\d+号)(?!楼)", truth) or re.match(r"^(.*?村)", truth)
        core += bool(addresses) and addresses[0].startswith(m.group(1) if m else truth)
    assert core >= 804


def test_every_urgent_call_is_flagged_and_no_routine_one(results: list) -> None:
    missed = [call["file"] for call, _, _, urgent in results if call["urgent"] and not urgent]
    false_alarms = [call["file"] for call, _, _, urgent in results if urgent and not call["urgent"]]
    assert len(missed) <= 1, missed
    # dev46's dead poplar, which dropped an arm-thick branch two days ago that nearly hit a
    # cyclist and leans over the road: its writer called it routine; the rules read the near
    # miss as a hazard still there, as they do for an open manhole (a disagreement, kept).
    assert false_alarms == ["dev46_b_greenery_01.stereo.mp3"]
