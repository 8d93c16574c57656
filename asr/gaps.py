"""Speech Whisper skipped: stretches no segment covers that the VAD says hold speech.

Decoding a whole mono call at once, Whisper base now and then jumps ahead: its timestamps
leave out half a minute of the caller giving an address (a segment ending at 37.5 s, the
next starting at 63.2 s) or stop before the call ends (the last segment ending at 55 s of
75 s, the phone number unheard). :func:`fill_gaps` finds such stretches and decodes each on
its own, so what was said there reaches the transcript.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from asr.audio import SAMPLE_RATE
from asr.types import Segment

GAP_MIN_S = 4.0
"""An uncovered stretch at least this long is looked at."""
GAP_SPEECH_MIN_S = 1.5
"""... and decoded when the VAD finds at least this much speech in it."""

Span = tuple[int, int]
Decode = Callable[[np.ndarray, str], list[Segment]]


def uncovered(segments: Sequence[Segment], total_s: float) -> list[tuple[float, float]]:
    """Stretches of ``[0, total_s)`` of at least :data:`GAP_MIN_S` that no segment covers."""
    gaps: list[tuple[float, float]] = []
    reached = 0.0
    for segment in sorted(segments, key=lambda s: s.start):
        if segment.start - reached >= GAP_MIN_S:
            gaps.append((reached, segment.start))
        reached = max(reached, segment.end)
    if total_s - reached >= GAP_MIN_S:
        gaps.append((reached, total_s))
    return gaps


def _speech_in(spans: Sequence[Span], start_s: float, end_s: float) -> float:
    start, end = int(start_s * SAMPLE_RATE), int(end_s * SAMPLE_RATE)
    return sum(max(0, min(e, end) - max(s, start)) for s, e in spans) / SAMPLE_RATE


def fill_gaps(
    samples: np.ndarray,
    segments: list[Segment],
    decode: Decode,
    speech: Sequence[Span],
    context: Callable[[list[Segment]], str] | None = None,
) -> list[Segment]:
    """``segments`` with what is said in the stretches they skip, decoded on its own.

    Args:
        samples: The channel the segments were decoded from (16 kHz).
        segments: Its segments, times relative to ``samples``.
        decode: Decodes a piece of ``samples`` with a prompt (the text said before it);
            returns segments with times relative to the piece.
        speech: Stretches of speech in ``samples`` (sample indices), e.g. from the VAD.
        context: The prompt for a gap from the segments before it; none when None.

    Returns:
        All segments in time order; the input ones unchanged.
    """
    total_s = samples.size / SAMPLE_RATE
    added: list[Segment] = []
    for start_s, end_s in uncovered(segments, total_s):
        if _speech_in(speech, start_s, end_s) < GAP_SPEECH_MIN_S:
            continue
        before = [s for s in segments if s.end <= start_s]
        prompt = context(before) if context is not None else ""
        piece = samples[int(start_s * SAMPLE_RATE) : int(end_s * SAMPLE_RATE)]
        for segment in decode(piece, prompt):
            segment.start = round(min(start_s + segment.start, end_s), 2)
            segment.end = round(min(start_s + segment.end, end_s), 2)
            added.append(segment)
    return sorted([*segments, *added], key=lambda s: s.start)
