"""Speaker turns of two-channel calls: grouping, padding, and segment times against the truth."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, decode_audio
from asr.options import TranscribeOptions
from asr.turns import Turn, group_turns, stereo_turns

CALLS = Path(__file__).resolve().parents[2] / "data" / "calls"
GAS_LEAK = CALLS / "gas_leak_01.stereo.flac"
TOLERANCE_S = 1.5
OPTIONS = TranscribeOptions(turn_min_silence_ms=900, turn_min_s=1.0)


def _s(start: float, end: float) -> tuple[int, int]:
    return int(start * SAMPLE_RATE), int(end * SAMPLE_RATE)


def test_short_pauses_stay_in_one_turn_long_ones_split() -> None:
    own = [_s(0, 2), _s(2.5, 4), _s(5.5, 7)]  # 0.5 s pause, then a 1.5 s pause
    assert group_turns(own, [], OPTIONS) == [_s(0, 4), _s(5.5, 7)]


def test_other_party_speaking_ends_a_turn_even_in_a_short_pause() -> None:
    own = [_s(0, 2), _s(2.6, 4)]
    assert group_turns(own, [_s(2.1, 2.5)], OPTIONS) == [_s(0, 2), _s(2.6, 4)]
    # a click on the other channel (under 200 ms) does not
    assert group_turns(own, [_s(2.2, 2.3)], OPTIONS) == [_s(0, 4)]


def test_short_turn_joins_its_neighbour_unless_the_other_party_speaks() -> None:
    own = [_s(0, 0.5), _s(2, 5)]  # a lone "喂", 1.5 s of silence, then the request
    assert group_turns(own, [], OPTIONS) == [_s(0, 5)]
    assert group_turns(own, [_s(0.8, 1.8)], OPTIONS) == own
    far = [_s(0, 0.5), _s(4, 7)]
    assert group_turns(far, [], OPTIONS) == far


def test_silent_channels_have_no_turns() -> None:
    silence = np.zeros((2, SAMPLE_RATE * 3), dtype=np.float32)
    assert stereo_turns(silence, OPTIONS) == ([], [])


def _truth(call: str) -> list[dict]:
    return json.loads((CALLS / f"{call}.truth.json").read_text(encoding="utf-8"))["turns"]


def _within_truth(speaker: str, start: float, end: float, turns: list[dict]) -> bool:
    return any(
        t["speaker"] == speaker
        and t["start"] - TOLERANCE_S <= start
        and end <= t["end"] + TOLERANCE_S
        for t in turns
    )


def _runs(speakers: list[str]) -> list[str]:
    return [speaker for speaker, _ in itertools.groupby(speakers)]


def test_turns_of_a_real_call_follow_the_conversation() -> None:
    """VAD only (no Whisper): every turn lies inside a truth turn of its speaker."""
    truth = _truth("gas_leak_01")
    left, right = decode_audio(GAS_LEAK, split_stereo=True)
    agent, caller = stereo_turns(np.stack([left, right]), TranscribeOptions())
    turns: list[tuple[Turn, str]] = [(t, "agent") for t in agent] + [(t, "caller") for t in caller]
    turns.sort(key=lambda item: item[0].start)
    for turn, speaker in turns:
        assert _within_truth(speaker, turn.start_s, turn.end_s, truth), (speaker, turn)
    assert _runs([s for _, s in turns]) == _runs([t["speaker"] for t in truth])


@pytest.mark.slow
def test_stereo_segments_lie_in_turns_of_their_speaker(transcriber) -> None:
    """Whisper segments never span the other party's turn and come out in conversation order."""
    truth = _truth("gas_leak_01")
    transcript = transcriber.transcribe(GAS_LEAK)
    assert transcript.segments
    for segment in transcript.segments:
        assert _within_truth(segment.speaker, segment.start, segment.end, truth), segment
    speakers = [s.speaker for s in transcript.segments]
    assert _runs(speakers) == _runs([t["speaker"] for t in truth])
    assert [s.start for s in transcript.segments] == sorted(s.start for s in transcript.segments)
