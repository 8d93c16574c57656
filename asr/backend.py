"""The two Whisper implementations behind :class:`asr.transcribe.Transcriber`.

A backend turns one channel of 16 kHz samples into raw timed text; everything around it
(reading files in windows, stereo speakers, OpenCC, phantom phrases, repetition loops) is
shared, so both backends give transcripts cleaned the same way:

* ``"faster-whisper"`` (default): CTranslate2, int8 on CPU, several times faster;
* ``"openai-whisper"``: the reference PyTorch implementation, running the *same* weights
  converted from the CTranslate2 model (see :mod:`asr.convert`); float32 on CPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from faster_whisper.vad import VadOptions

from asr.errors import ModelError
from asr.options import BACKENDS, TranscribeOptions

FASTER_WHISPER, OPENAI_WHISPER = BACKENDS


@dataclass
class RawSegment:
    """Whisper's output for one stretch of speech, before clean-up.

    Attributes:
        start: Seconds from the start of the samples given to the backend.
        end: End in seconds.
        text: Text as Whisper wrote it (may be traditional Chinese, may be a phantom phrase).
    """

    start: float
    end: float
    text: str


class Backend(Protocol):
    """What :class:`asr.transcribe.Transcriber` needs from a Whisper implementation."""

    name: str

    def transcribe(
        self, samples: np.ndarray, context: str | None = None
    ) -> tuple[list[RawSegment], str]:
        """Recognise one channel (16 kHz float32); returns segments and the language code.

        ``context`` is text said just before (e.g. the previous turns of a call), shown to the
        model after ``initial_prompt`` when ``condition_on_previous_text`` is set.
        """
        ...


def prompt_text(options: TranscribeOptions, context: str | None, *prefix: str | None) -> str | None:
    """The initial prompt for one decoding: ``prefix``, ``initial_prompt``, then ``context``."""
    if not options.condition_on_previous_text:
        context = None
    parts = (*prefix, options.initial_prompt, context)
    return " ".join(p.strip() for p in parts if p and p.strip()) or None


def vad_options(options: TranscribeOptions) -> VadOptions:
    """The Silero VAD settings of ``options``."""
    return VadOptions(
        threshold=options.vad_threshold,
        min_silence_duration_ms=options.vad_min_silence_ms,
        speech_pad_ms=options.vad_speech_pad_ms,
    )


def check_backend_name(name: str) -> str:
    """Return ``name`` if it is a known backend.

    Raises:
        ModelError: Unknown name; the message lists the accepted ones.
    """
    if name not in BACKENDS:
        accepted = ", ".join(repr(b) for b in BACKENDS)
        raise ModelError(
            f"未知的语音识别后端 {name!r}：可用 {accepted} "
            f"(unknown ASR backend; accepted: {accepted})"
        )
    return name


def load_backend(options: TranscribeOptions) -> Backend:
    """Load the model of the backend ``options.backend`` names.

    Raises:
        ModelError: Unknown backend, or the model cannot be found, converted or loaded.
    """
    if check_backend_name(options.backend) == OPENAI_WHISPER:
        from asr.openai_backend import OpenAIWhisperBackend

        return OpenAIWhisperBackend(options)
    from asr.fw_backend import FasterWhisperBackend

    return FasterWhisperBackend(options)
