"""Speech recognition: recordings in, simplified-Chinese transcripts out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from asr.errors import AsrError, AudioError, ModelError
from asr.options import TranscribeOptions
from asr.types import Segment, Transcript

if TYPE_CHECKING:
    from asr.transcribe import Transcriber

__all__ = [
    "AsrError",
    "AudioError",
    "ModelError",
    "Segment",
    "TranscribeOptions",
    "Transcriber",
    "Transcript",
]


def __getattr__(name: str) -> Any:
    # Imported lazily: faster-whisper pulls in CTranslate2, PyAV and onnxruntime, which users
    # of the plain data types (Segment, Transcript) should not pay for.
    if name == "Transcriber":
        from asr.transcribe import Transcriber

        return Transcriber
    raise AttributeError(f"module 'asr' has no attribute {name!r}")
