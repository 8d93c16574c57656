"""Stretches Whisper skipped are found and decoded on their own (asr.gaps)."""

from __future__ import annotations

import numpy as np

from asr.audio import SAMPLE_RATE
from asr.gaps import GAP_MIN_S, fill_gaps, uncovered
from asr.types import Segment


def _seconds(start: float, end: float) -> tuple[int, int]:
    return int(start * SAMPLE_RATE), int(end * SAMPLE_RATE)


def test_uncovered_finds_long_holes_and_a_missing_end() -> None:
    segments = [
        Segment(0.2, 7.2, "您好"),
        Segment(7.2, 37.5, "请问地址"),
        Segment(63.2, 70.0, "好的"),
    ]
    assert uncovered(segments, 90.0) == [(37.5, 63.2), (70.0, 90.0)]
    # short pauses are no holes
    assert (
        uncovered([Segment(0.0, 5.0, "a"), Segment(5.0 + GAP_MIN_S - 0.5, 12.0, "b")], 12.0) == []
    )


def test_fill_gaps_decodes_only_holes_with_speech() -> None:
    samples = np.zeros(80 * SAMPLE_RATE, dtype=np.float32)
    segments = [
        Segment(0.0, 30.0, "请问您住的地址是哪里？"),
        Segment(50.0, 60.0, "好的，请问您贵姓"),
    ]
    speech = [_seconds(31.0, 40.0), _seconds(62.0, 62.5)]  # the address said; a cough later
    calls: list[tuple[int, str]] = []

    def decode(piece: np.ndarray, prompt: str) -> list[Segment]:
        calls.append((piece.size, prompt))
        return [Segment(1.0, 9.0, "裕华区槐安东路二百一十二号")]

    filled = fill_gaps(samples, segments, decode, speech, context=lambda before: before[-1].text)
    assert [s.text for s in filled] == [
        "请问您住的地址是哪里？",
        "裕华区槐安东路二百一十二号",
        "好的，请问您贵姓",
    ]
    assert (filled[1].start, filled[1].end) == (31.0, 39.0)  # moved to the gap's place
    assert calls == [(20 * SAMPLE_RATE, "请问您住的地址是哪里？")]  # 60-80 s holds too little
    assert segments[0].start == 0.0 and len(segments) == 2  # the input is left as it was


def test_fill_gaps_with_nothing_skipped_decodes_nothing() -> None:
    samples = np.zeros(20 * SAMPLE_RATE, dtype=np.float32)
    segments = [Segment(0.0, 10.0, "a"), Segment(10.5, 19.0, "b")]

    def decode(piece: np.ndarray, prompt: str) -> list[Segment]:
        raise AssertionError("nothing to decode")

    assert fill_gaps(samples, segments, decode, [_seconds(0.0, 19.0)]) == segments
