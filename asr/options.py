"""Options of the speech-recognition stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

BACKENDS: tuple[str, ...] = ("faster-whisper", "openai-whisper")
"""Accepted values of :attr:`TranscribeOptions.backend` (cheap to import, e.g. for CLI choices)."""


@dataclass
class TranscribeOptions:
    """How to load the model and decode recordings.

    Attributes:
        backend: Whisper implementation: ``"faster-whisper"`` (CTranslate2, default, fastest)
            or ``"openai-whisper"`` (PyTorch reference, same weights converted; float32 on CPU,
            ignores ``compute_type`` there). See :mod:`asr.backend`.
        model: A CTranslate2 Whisper model directory, or ``"base"``/``None`` for the embedded
            Whisper base model.
        cache_dir: Where the embedded model is assembled; ``None`` for
            ``~/.cache/minsheng/whisper-base-ct2``.
        device: ``"cpu"``, ``"cuda"`` or ``"auto"``.
        compute_type: CTranslate2 compute type (``"int8"``, ``"int8_float32"``, ``"float32"``...).
        cpu_threads: Threads for CPU inference; 0 lets CTranslate2 choose.
        beam_size: Beam width of beam search.
        language: Language code passed to Whisper; ``None`` detects it.
        vad_filter: Drop non-speech with the Silero VAD before decoding.
        vad_threshold: Silero speech probability above which a frame counts as speech.
        vad_min_silence_ms: Silence length (ms) that splits speech for the VAD.
        vad_speech_pad_ms: Audio (ms) kept on each side of detected speech.
        temperature: Decoding temperatures tried in turn when a result looks like a failure.
        compression_ratio_threshold: Gzip ratio above which a decoding counts as a failure
            (repetition loop).
        log_prob_threshold: Average token log-probability below which a decoding counts as a
            failure.
        no_speech_threshold: A window whose no-speech probability is above this *and* whose
            log-probability is below ``log_prob_threshold`` is treated as silence.
        condition_on_previous_text: Feed the previous window's text as a prompt.
        initial_prompt: Text shown to the model before the first window, e.g.
            ``"以下是普通话的句子。"`` to steer it to simplified Chinese with punctuation.
        hotwords: Words to favour (names of streets, departments).
        repetition_penalty: Penalty (> 1) for tokens already produced (faster-whisper only).
        window_s: Longest stretch of a recording decoded and transcribed at once; longer
            recordings are cut in pauses (see :mod:`asr.stream`). Bounds memory for long calls.
        turn_min_silence_ms: In two-channel calls, silence (ms) on one channel that ends a
            turn; each turn is decoded on its own (see :mod:`asr.turns`). Any pause in which
            the other party speaks ends a turn too. Only used with ``vad_filter``.
        turn_min_s: Turns shorter than this (seconds) are joined to a neighbouring turn of
            the same speaker when the other party says nothing in between.
    """

    backend: str = "faster-whisper"

    model: str | Path | None = None
    cache_dir: Path | None = None
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 0
    beam_size: int = 5
    language: str | None = "zh"
    vad_filter: bool = True
    # Looser than faster-whisper's VAD defaults (0.5, 400 ms): those cut quiet, spontaneous
    # speech (dev-set CER 0.127 vs 0.110); silence and noise still give empty transcripts.
    vad_threshold: float = 0.35
    vad_min_silence_ms: int = 2000
    vad_speech_pad_ms: int = 600
    temperature: tuple[float, ...] = field(default=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0))
    compression_ratio_threshold: float | None = 2.4
    log_prob_threshold: float | None = -1.0
    no_speech_threshold: float | None = 0.6
    condition_on_previous_text: bool = True
    initial_prompt: str | None = None
    hotwords: str | None = None
    repetition_penalty: float = 1.0
    window_s: float = 300.0
    turn_min_silence_ms: int = 900
    turn_min_s: float = 1.0
