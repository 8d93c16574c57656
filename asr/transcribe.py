"""Transcribing recordings with faster-whisper.

Speaker convention for two-channel call recordings: **channel 0 (left) is the agent (接线员),
channel 1 (right) is the caller (来电人)**. Each channel is transcribed on its own and the
segments are merged in time order with ``Segment.speaker`` set to ``"agent"`` or ``"caller"``.
Mono recordings, and stereo files whose two channels carry the same signal, give segments with
``speaker == ""``.

Silence and noise must give an empty transcript rather than invented text: the Silero VAD
drops non-speech before decoding, windows that Whisper itself judges silent are skipped, and
known phantom phrases and repetition loops are removed afterwards (see :mod:`asr.postprocess`).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from faster_whisper import WhisperModel

from asr.audio import SAMPLE_RATE, load_recording
from asr.errors import ModelError
from asr.model_store import resolve_model_dir
from asr.options import TranscribeOptions
from asr.postprocess import clean_segment_text, drop_repeated_runs, join_texts
from asr.types import Segment, Transcript

logger = logging.getLogger(__name__)

AGENT = "agent"
CALLER = "caller"
CHANNEL_SPEAKERS: tuple[str, str] = (AGENT, CALLER)
"""Speaker of channel 0 (left) and channel 1 (right) of a two-channel recording."""


def _load_model(options: TranscribeOptions) -> WhisperModel:
    model_dir = resolve_model_dir(options.model, options.cache_dir)
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


class Transcriber:
    """Loads a Whisper model once and transcribes recordings with it.

    Example:
        >>> transcriber = Transcriber(TranscribeOptions(beam_size=5))
        >>> transcriber.transcribe("call.wav").text
    """

    def __init__(
        self, options: TranscribeOptions | None = None, *, cache_dir: Path | None = None
    ) -> None:
        """Load the model.

        Args:
            options: Model and decoding options; defaults when ``None``.
            cache_dir: Overrides ``options.cache_dir`` (where the embedded model is assembled).

        Raises:
            ModelError: The model cannot be found, assembled or loaded.
        """
        self.options = options or TranscribeOptions()
        if cache_dir is not None:
            self.options = replace(self.options, cache_dir=Path(cache_dir))
        self._model = _load_model(self.options)

    def transcribe(self, path: str | Path) -> Transcript:
        """Transcribe one recording.

        Args:
            path: Any audio file FFmpeg can decode.

        Returns:
            Simplified-Chinese transcript; two-channel calls have speakers set.

        Raises:
            AudioError: The file is missing, empty, corrupt or not audio.
        """
        recording = load_recording(path)
        languages: list[str] = []
        if len(recording.channels) == 1:
            segments = self._transcribe_channel(recording.channels[0], "", languages)
        else:
            segments = []
            for samples, speaker in zip(recording.channels, CHANNEL_SPEAKERS, strict=False):
                segments.extend(self._transcribe_channel(samples, speaker, languages))
            speaker_order = {name: i for i, name in enumerate(CHANNEL_SPEAKERS)}
            segments.sort(key=lambda s: (s.start, speaker_order[s.speaker]))
        logger.info(
            "%s: %.1f s, %d channel(s), %d segment(s)",
            recording.path.name,
            recording.duration,
            len(recording.channels),
            len(segments),
        )
        return Transcript(
            text=join_texts(s.text for s in segments),
            segments=segments,
            language=self.options.language or (languages[0] if languages else ""),
            duration=round(recording.duration, 3),
        )

    def transcribe_samples(self, samples: np.ndarray, speaker: str = "") -> list[Segment]:
        """Transcribe one channel of 16 kHz float32 samples.

        Args:
            samples: Mono signal in [-1, 1] at 16 kHz.
            speaker: Value for ``Segment.speaker``.

        Returns:
            Cleaned, non-empty segments in time order.
        """
        return self._transcribe_channel(samples, speaker, [])

    def _transcribe_channel(
        self, samples: np.ndarray, speaker: str, languages: list[str]
    ) -> list[Segment]:
        """Like :meth:`transcribe_samples`; appends the detected language to ``languages``."""
        if samples.size < SAMPLE_RATE // 10:  # under 0.1 s: nothing to recognise
            return []
        raw_segments, info = self._model.transcribe(samples, **self._decode_kwargs())
        raw = list(raw_segments)
        languages.append(info.language)
        texts = [clean_segment_text(s.text) for s in raw]
        keep = drop_repeated_runs(texts)
        return [
            Segment(start=round(s.start, 2), end=round(s.end, 2), text=text, speaker=speaker)
            for s, text, kept in zip(raw, texts, keep, strict=True)
            if kept and text
        ]

    def _decode_kwargs(self) -> dict[str, Any]:
        opts = self.options
        return {
            "language": opts.language,
            "beam_size": opts.beam_size,
            "temperature": list(opts.temperature),
            "compression_ratio_threshold": opts.compression_ratio_threshold,
            "log_prob_threshold": opts.log_prob_threshold,
            "no_speech_threshold": opts.no_speech_threshold,
            "condition_on_previous_text": opts.condition_on_previous_text,
            "initial_prompt": opts.initial_prompt,
            "hotwords": opts.hotwords,
            "repetition_penalty": opts.repetition_penalty,
            "vad_filter": opts.vad_filter,
            "vad_parameters": {
                "threshold": opts.vad_threshold,
                "min_silence_duration_ms": opts.vad_min_silence_ms,
                "speech_pad_ms": opts.vad_speech_pad_ms,
            },
        }
