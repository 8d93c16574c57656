"""Decoding one stretch of a call again, in several ways, for what Whisper tends to garble.

Whisper base on telephone audio drops or merges digits of a phone number read out quickly
(三五五二 -> 352, 187-352-0916 for 187 3552 0916) and writes a trailing 七 as 区. A second
and third opinion on just that stretch helps: decoded alone (no earlier text steering it),
prompted with a number written the way callers say it (幺三八，二七幺五，...: Whisper then
writes one character per spoken digit, so repeated digits survive), and slowed down (each
digit lasts longer). :mod:`pipeline.phones` votes over the numbers the variants give.

Each variant costs one decoding of the stretch (a few seconds of audio).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.signal import resample

from asr.audio import SAMPLE_RATE
from asr.stream import iter_blocks

# A phone number read out in spoken digits, as a prompt: Whisper continues in that style.
SPOKEN_DIGITS_PROMPT = "请问您的联系电话？幺三八，二七幺五，零九四六。"
# Audio kept around a segment when it is cut out (Whisper's segment times are approximate).
SPAN_PAD_S = 0.3


@dataclass(frozen=True)
class Variant:
    """One way of decoding a stretch again.

    Attributes:
        name: Shown in logs and reports.
        prompt: Text shown to the model before the stretch; None for none.
        speed: Playback speed; below 1 slows the audio down (resampled, so the voice also
            gets lower).
    """

    name: str
    prompt: str | None = None
    speed: float = 1.0

    def __post_init__(self) -> None:
        if not 0.5 <= self.speed <= 2.0:
            raise ValueError(f"speed must be between 0.5 and 2, got {self.speed}")


DIGIT_VARIANTS = (
    Variant("alone"),
    Variant("spoken-digits", prompt=SPOKEN_DIGITS_PROMPT),
    Variant("spoken-digits-slow", prompt=SPOKEN_DIGITS_PROMPT, speed=0.8),
)


def read_span(path: str | Path, start_s: float, end_s: float, channel: int | None) -> np.ndarray:
    """16 kHz float32 samples of ``path`` from ``start_s`` to ``end_s``.

    Args:
        path: The recording.
        start_s, end_s: The stretch in seconds; clipped to the recording.
        channel: 0 (left) or 1 (right) of a two-channel file; None to mix down to mono.

    Raises:
        AudioError: The file is missing, empty, corrupt or not audio.
    """
    first, last = int(max(0.0, start_s) * SAMPLE_RATE), int(max(0.0, end_s) * SAMPLE_RATE)
    stereo = channel is not None
    pieces: list[np.ndarray] = []
    offset = 0
    for block in iter_blocks(path, stereo=stereo):
        n = block.shape[1]
        if offset + n > first and offset < last:
            row = block[channel if stereo else 0]
            pieces.append(row[max(0, first - offset) : max(0, last - offset)])
        offset += n
        if offset >= last:
            break
    if not pieces:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(pieces).astype(np.float32, copy=False)


def at_speed(samples: np.ndarray, speed: float) -> np.ndarray:
    """``samples`` played at ``speed`` (resampled; 0.8 is 25% longer)."""
    if speed == 1.0 or samples.size == 0:
        return samples
    return np.asarray(resample(samples, round(samples.size / speed)), dtype=np.float32)
