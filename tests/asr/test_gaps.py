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


def test_words_before_a_loop_that_ends_a_segment() -> None:
    from asr.postprocess import words_before_loop

    assert words_before_loop("福星圆小区，二号楼楼楼楼楼楼楼楼楼") == 8
    assert words_before_loop("我们这儿，好的好的好的好的好的。") == 6
    # no loop, a loop in the middle, said repetition, a number's repeated digits
    assert words_before_loop("福星圆小区，二号楼") is None
    assert words_before_loop("楼楼楼楼楼楼楼，福星圆小区二号楼") is None
    assert words_before_loop("对对对") is None
    assert words_before_loop("电话是13333333333") is None


def test_the_rest_of_a_segment_caught_in_a_loop_is_decoded_again() -> None:
    from asr.backend import RawSegment
    from asr.transcribe import SPEECH_CHARS_PER_S, Transcriber

    class Backend:
        def __init__(self) -> None:
            self.calls: list[tuple[float, str | None]] = []

        def transcribe(self, samples: np.ndarray, prompt: str | None) -> tuple[list, str]:
            self.calls.append((samples.size / SAMPLE_RATE, prompt))
            return [RawSegment(0.5, 7.0, "我姓高，零三幺幺，八七二三，四零六五")], "zh"

    transcriber = Transcriber.__new__(Transcriber)  # no model: the backend is a stand-in
    backend = Backend()
    transcriber._backend = backend  # type: ignore[assignment]
    samples = np.zeros(12 * SAMPLE_RATE, dtype=np.float32)
    looped = RawSegment(1.0, 11.0, "福星圆小区，二号楼" + "楼" * 12)
    out = transcriber._with_loop_tails(samples, [looped], "新华区和平西路421号")
    tail_start = 1.0 + 8 / SPEECH_CHARS_PER_S
    assert [s.text for s in out] == [looped.text, "我姓高，零三幺幺，八七二三，四零六五"]
    assert out[0].end == tail_start and (out[1].start, out[1].end) == (3.5, 10.0)
    assert backend.calls[0][0] == 11.0 - tail_start
    assert backend.calls[0][1] is not None and "二号楼" in backend.calls[0][1]
    # no loop, or too little left after the words: nothing decoded again
    plain = RawSegment(1.0, 11.0, "福星圆小区，二号楼")
    short = RawSegment(1.0, 3.5, "福星圆小区，二号楼" + "楼" * 12)
    assert transcriber._with_loop_tails(samples, [plain, short], None) == [plain, short]
    assert len(backend.calls) == 1
