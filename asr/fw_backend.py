"""The faster-whisper (CTranslate2) backend."""

from __future__ import annotations

import logging
from typing import Any

import ctranslate2
import numpy as np
from faster_whisper import WhisperModel

from asr.backend import FASTER_WHISPER, RawSegment, prompt_text, vad_options
from asr.errors import ModelError
from asr.model_store import resolve_model_dir
from asr.options import TranscribeOptions

logger = logging.getLogger(__name__)


# Seed of CTranslate2's sampler. The temperature fallback samples (a decoding that looks
# like a failure is retried at 0.2, 0.4, …) and CTranslate2 seeds each worker thread's
# generator from the device's entropy unless a seed is set, so the same batch of calls could
# come out differently from run to run. With a seed it comes out the same (a call's
# samples still depend on what its threads sampled before it in the same process).
SAMPLING_SEED = 0


def _load_model(options: TranscribeOptions) -> WhisperModel:
    model_dir = resolve_model_dir(options.model, options.cache_dir)
    ctranslate2.set_random_seed(SAMPLING_SEED)  # before the model's threads first sample
    logger.info("loading Whisper model from %s (%s)", model_dir, options.compute_type)
    try:
        return WhisperModel(
            str(model_dir),
            device=options.device,
            compute_type=options.compute_type,
            cpu_threads=options.cpu_threads,
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"无法加载语音模型 {model_dir}：{exc}；请检查模型目录和 compute_type 设置 "
            "(cannot load the Whisper model)"
        ) from exc


class FasterWhisperBackend:
    """Whisper through faster-whisper; loads the model once."""

    name = FASTER_WHISPER

    def __init__(self, options: TranscribeOptions) -> None:
        """Load the CTranslate2 model of ``options``.

        Raises:
            ModelError: The model cannot be found, assembled or loaded.
        """
        self.options = options
        self._model = _load_model(options)

    def transcribe(
        self, samples: np.ndarray, context: str | None = None
    ) -> tuple[list[RawSegment], str]:
        """Recognise one channel of 16 kHz float32 samples (``context``: see Backend)."""
        segments, info = self._model.transcribe(samples, **self._decode_kwargs(context))
        raw = [RawSegment(s.start, s.end, s.text) for s in segments]  # runs the decoding
        return raw, info.language

    def _decode_kwargs(self, context: str | None = None) -> dict[str, Any]:
        opts = self.options
        vad = vad_options(opts)
        return {
            "language": opts.language,
            "beam_size": opts.beam_size,
            "temperature": list(opts.temperature),
            "compression_ratio_threshold": opts.compression_ratio_threshold,
            "log_prob_threshold": opts.log_prob_threshold,
            "no_speech_threshold": opts.no_speech_threshold,
            "condition_on_previous_text": opts.condition_on_previous_text,
            "initial_prompt": prompt_text(opts, context),
            "hotwords": opts.hotwords,
            "repetition_penalty": opts.repetition_penalty,
            "vad_filter": opts.vad_filter,
            "vad_parameters": {
                "threshold": vad.threshold,
                "min_silence_duration_ms": vad.min_silence_duration_ms,
                "speech_pad_ms": vad.speech_pad_ms,
            },
        }
