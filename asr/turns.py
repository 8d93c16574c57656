"""Cutting the channels of a two-channel call into speaker turns, each decoded on its own.

Whisper's own VAD filter joins all speech of a channel before decoding, so one Whisper segment
can run over several turns of that speaker, and its time is mapped back only to where the
first of them starts. Merged by start time with the other channel, agent and caller segments
then come out of order. Decoding each turn separately bounds every segment by its turn.

A turn of one channel ends where that channel is silent for at least
``TranscribeOptions.turn_min_silence_ms``, or, after any pause, where the *other* channel
speaks in between (in a two-party call the other party speaking is what makes a turn).
Turns shorter than ``TranscribeOptions.turn_min_s`` (a lone "喂", "嗯") are joined to the
neighbouring turn of the same channel when the other party says nothing in between: Whisper
recognises such scraps poorly on their own and often invents text for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps

from asr.audio import SAMPLE_RATE
from asr.options import TranscribeOptions

SPEECH_MIN_SILENCE_MS = 200
"""Pauses the VAD still reports, so short gaps that the other party fills are seen."""
OTHER_SPEECH_MIN_MS = 200
"""Other-channel speech shorter than this (clicks, echo) does not end a turn."""
SHORT_TURN_MAX_GAP_S = 3.0
"""A short turn is joined only to a neighbour at most this far away."""
MIN_PAD_S = 0.1
"""Audio always kept around a turn, even where the other party's speech starts at once."""

Span = tuple[int, int]
"""``(start, end)`` in samples; ``end`` is exclusive."""


@dataclass(frozen=True)
class Turn:
    """One speaker turn on one channel.

    Attributes:
        start: First sample of the audio to decode (speech plus padding).
        end: Sample after the last one to decode.
    """

    start: int
    end: int

    @property
    def start_s(self) -> float:
        """Start in seconds."""
        return self.start / SAMPLE_RATE

    @property
    def end_s(self) -> float:
        """End in seconds."""
        return self.end / SAMPLE_RATE


def speech_spans(samples: np.ndarray, options: TranscribeOptions) -> list[Span]:
    """Stretches of speech in one channel, unpadded, split at pauses of 200 ms or more."""
    vad = VadOptions(
        threshold=options.vad_threshold,
        min_silence_duration_ms=SPEECH_MIN_SILENCE_MS,
        speech_pad_ms=0,
    )
    chunks = get_speech_timestamps(np.ascontiguousarray(samples, dtype=np.float32), vad)
    return [(int(c["start"]), int(c["end"])) for c in chunks]


def _other_speaks(other: list[Span], start: int, end: int) -> bool:
    """Whether the other channel has at least OTHER_SPEECH_MIN_MS of speech in [start, end)."""
    overlap = sum(max(0, min(e, end) - max(s, start)) for s, e in other)
    return overlap >= OTHER_SPEECH_MIN_MS * SAMPLE_RATE // 1000


def group_turns(own: list[Span], other: list[Span], options: TranscribeOptions) -> list[Span]:
    """Join one channel's speech spans into turns (unpadded).

    Args:
        own: Speech spans of the channel, in order.
        other: Speech spans of the other channel.
        options: ``turn_min_silence_ms`` and ``turn_min_s`` are used.

    Returns:
        Turns as ``(first speech sample, last speech sample + 1)``, in order.
    """
    min_gap = options.turn_min_silence_ms * SAMPLE_RATE // 1000
    turns: list[Span] = []
    for start, end in own:
        if turns:
            last_start, last_end = turns[-1]
            if start - last_end < min_gap and not _other_speaks(other, last_end, start):
                turns[-1] = (last_start, end)
                continue
        turns.append((start, end))
    return _join_short_turns(turns, other, options)


def _join_short_turns(
    turns: list[Span], other: list[Span], options: TranscribeOptions
) -> list[Span]:
    short = int(options.turn_min_s * SAMPLE_RATE)
    max_gap = int(SHORT_TURN_MAX_GAP_S * SAMPLE_RATE)

    def joinable(left: Span, right: Span) -> bool:
        gap = right[0] - left[1]
        return gap <= max_gap and not _other_speaks(other, left[1], right[0])

    joined: list[Span] = []
    for turn in turns:
        if joined and joinable(joined[-1], turn):
            previous = joined[-1]
            if previous[1] - previous[0] < short or turn[1] - turn[0] < short:
                joined[-1] = (previous[0], turn[1])
                continue
        joined.append(turn)
    return joined


def _pad(turns: list[Span], other: list[Span], n: int, pad: int) -> list[Turn]:
    """Widen turns by up to ``pad`` samples without reaching the other party's speech.

    Padding stops halfway to the neighbouring turn of the same channel and at the other
    channel's speech (but always keeps MIN_PAD_S), so decoded times cannot spread into a turn
    of the other speaker.
    """
    floor = min(pad, int(MIN_PAD_S * SAMPLE_RATE))
    padded: list[Turn] = []
    for i, (start, end) in enumerate(turns):
        low = (turns[i - 1][1] + start) // 2 if i else 0
        high = (end + turns[i + 1][0]) // 2 if i + 1 < len(turns) else n
        before = max((e for s, e in other if e <= start), default=0)
        after = min((s for s, e in other if s >= end), default=n)
        first = max(low, min(start - floor, max(start - pad, before)))
        last = min(high, max(end + floor, min(end + pad, after)))
        padded.append(Turn(max(0, first), min(n, last)))
    return padded


def stereo_turns(samples: np.ndarray, options: TranscribeOptions) -> tuple[list[Turn], list[Turn]]:
    """The turns of both channels of a two-channel stretch of audio.

    Args:
        samples: ``(2, n)`` float32 array at 16 kHz (agent left, caller right).
        options: VAD threshold, padding and the ``turn_*`` settings.

    Returns:
        Turns of channel 0 and of channel 1, in order, padded with up to
        ``options.vad_speech_pad_ms``.
    """
    spans = [speech_spans(channel, options) for channel in samples[:2]]
    pad = options.vad_speech_pad_ms * SAMPLE_RATE // 1000
    n = samples.shape[1]
    left = _pad(group_turns(spans[0], spans[1], options), spans[1], n, pad)
    right = _pad(group_turns(spans[1], spans[0], options), spans[0], n, pad)
    return left, right
