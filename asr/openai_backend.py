"""The openai-whisper (PyTorch) backend, running the embedded weights converted by
:mod:`asr.convert`.

Decoding follows ``whisper.transcribe`` with the same options as the faster-whisper path. What
differs, and how it is mapped:

* precision: float32 on CPU whatever ``compute_type`` says (PyTorch has no int8 path for
  Whisper here); float16 on CUDA when ``compute_type`` contains ``float16``;
* VAD: openai-whisper has none, so the same Silero VAD (faster-whisper's implementation and
  settings) drops non-speech first and timestamps are mapped back afterwards;
* ``beam_size`` 1 means greedy decoding (as in CTranslate2), above 1 beam search; sampling
  fallbacks use ``best_of=5`` like faster-whisper;
* ``hotwords`` (faster-whisper puts them before every window's prompt) become an initial
  prompt carried to every window (``carry_initial_prompt``), followed by ``initial_prompt``;
* ``repetition_penalty`` is not supported by openai-whisper and is ignored (logged).
"""

from __future__ import annotations

import logging
import pickle
import zipfile
from typing import Any

import numpy as np
import torch
import whisper
from faster_whisper.vad import SpeechTimestampsMap, get_speech_timestamps

from asr.audio import SAMPLE_RATE
from asr.backend import OPENAI_WHISPER, RawSegment, prompt_text, vad_options
from asr.convert import alignment_heads_dump
from asr.errors import ModelError
from asr.model_store import resolve_model_dir
from asr.openai_checkpoint import ensure_openai_checkpoint
from asr.options import TranscribeOptions

logger = logging.getLogger(__name__)

BEST_OF = 5
"""Candidates sampled at temperatures above zero (faster-whisper's default)."""

_LOAD_ERRORS = (RuntimeError, OSError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile)


def _device(options: TranscribeOptions) -> str:
    if options.device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return options.device


def load_openai_model(options: TranscribeOptions) -> whisper.Whisper:
    """Convert (once) and load the model of ``options`` as an openai-whisper model.

    A converted checkpoint that fails to load (damaged on disk) is converted again once.

    Raises:
        ModelError: The model cannot be found, converted or loaded.
    """
    model_dir = resolve_model_dir(options.model, options.cache_dir)
    device = _device(options)
    for attempt in range(2):
        checkpoint = ensure_openai_checkpoint(model_dir, rebuild=attempt > 0)
        try:
            model = whisper.load_model(str(checkpoint), device=device)
            heads = torch.load(checkpoint, map_location="cpu", weights_only=True, mmap=True).get(
                "alignment_heads"
            )
            break
        except _LOAD_ERRORS as exc:
            if attempt:
                raise ModelError(
                    f"无法加载转换后的模型 {checkpoint}：{exc}；请删除该文件后重试 "
                    "(cannot load the converted openai-whisper checkpoint)"
                ) from exc
            logger.warning("cannot load %s (%s); converting again", checkpoint, exc)
    if heads:
        dims = model.dims
        model.set_alignment_heads(alignment_heads_dump(heads, dims.n_text_layer, dims.n_text_head))
    logger.info("loaded openai-whisper model from %s on %s", checkpoint, device)
    return model.eval()


class OpenAIWhisperBackend:
    """Whisper through openai-whisper; loads (and if needed converts) the model once."""

    name = OPENAI_WHISPER

    def __init__(self, options: TranscribeOptions) -> None:
        """Load the model of ``options``.

        Raises:
            ModelError: The model cannot be found, converted or loaded.
        """
        self.options = options
        if options.cpu_threads > 0:
            torch.set_num_threads(options.cpu_threads)  # process-wide in PyTorch
        if options.repetition_penalty != 1.0:
            logger.warning("openai-whisper has no repetition_penalty; ignoring it")
        self._model = load_openai_model(options)
        self._fp16 = self._model.device.type == "cuda" and "float16" in options.compute_type

    def transcribe(
        self, samples: np.ndarray, context: str | None = None
    ) -> tuple[list[RawSegment], str]:
        """Recognise one channel of 16 kHz float32 samples (``context``: see Backend)."""
        samples = np.ascontiguousarray(samples, dtype=np.float32)
        chunks = None
        if self.options.vad_filter:
            chunks = get_speech_timestamps(samples, vad_options(self.options))
            if not chunks:
                return [], self.options.language or ""
            samples = np.concatenate([samples[c["start"] : c["end"]] for c in chunks])
        with torch.inference_mode():
            result = whisper.transcribe(self._model, samples, **self._decode_kwargs(context))
        segments = [RawSegment(s["start"], s["end"], s["text"]) for s in result["segments"]]
        if chunks:
            segments = _restore_times(segments, chunks)
        return segments, str(result.get("language") or self.options.language or "")

    def _decode_kwargs(self, context: str | None = None) -> dict[str, Any]:
        opts = self.options
        prompt = prompt_text(opts, context, opts.hotwords)
        return {
            "language": opts.language,
            "task": "transcribe",
            "temperature": tuple(opts.temperature),
            "compression_ratio_threshold": opts.compression_ratio_threshold,
            "logprob_threshold": opts.log_prob_threshold,
            "no_speech_threshold": opts.no_speech_threshold,
            "condition_on_previous_text": opts.condition_on_previous_text,
            "initial_prompt": prompt,
            "carry_initial_prompt": bool(opts.hotwords),
            "beam_size": opts.beam_size if opts.beam_size > 1 else None,
            "best_of": BEST_OF,
            "fp16": self._fp16,
            "verbose": None,
        }


def _restore_times(segments: list[RawSegment], chunks: list[dict[str, int]]) -> list[RawSegment]:
    """Map times in the VAD-filtered audio back to the original (as faster-whisper does)."""
    ts_map = SpeechTimestampsMap(chunks, SAMPLE_RATE)
    return [
        RawSegment(
            ts_map.get_original_time(s.start),
            ts_map.get_original_time(s.end, is_end=True),
            s.text,
        )
        for s in segments
    ]
