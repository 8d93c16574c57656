"""Reading recordings: any container/codec PyAV (FFmpeg) knows, out as 16 kHz float32.

Supported in practice: WAV (PCM, mu-law, A-law), MP3, FLAC, OGG/Vorbis/Opus, M4A/AAC, AMR
and anything else the bundled FFmpeg decodes. Channels are kept apart on request so that
two-channel call recordings (agent left, caller right) can be transcribed per speaker.

Memory: :func:`decode_audio` and :func:`load_recording` hold the whole recording in memory
(about 64 kB per second per channel as float32, plus a 16-bit staging copy), i.e. roughly
460 MB for a one-hour stereo call. :class:`asr.transcribe.Transcriber` does not use them for
files: it reads recordings in bounded windows (:mod:`asr.stream`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, overload

import av
import numpy as np
from faster_whisper.audio import decode_audio as _fw_decode_audio

from asr.errors import AudioError

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
_S16_STEP = 1.0 / 32768.0


@dataclass
class Recording:
    """A decoded recording.

    Attributes:
        path: Where it came from.
        channels: One 16 kHz float32 array per channel that is worth transcribing: one for mono
            recordings (and for stereo files whose channels are identical), two (left, right)
            for genuine two-channel recordings.
        source_channels: Channel count stored in the file.
    """

    path: Path
    channels: list[np.ndarray]
    source_channels: int

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.channels[0]) / SAMPLE_RATE if self.channels else 0.0


def _check_file(path: Path) -> None:
    if not path.exists():
        raise AudioError(f"找不到音频文件 {path} (file not found)")
    if not path.is_file():
        raise AudioError(f"{path} 不是文件，请给出一个音频文件 (not a regular file)")
    if path.stat().st_size == 0:
        raise AudioError(f"音频文件 {path.name} 是空文件（0 字节） (file is empty)")


def count_channels(path: str | Path) -> int:
    """Number of channels of the first audio stream of ``path``.

    Raises:
        AudioError: The file is missing, empty, unreadable or has no audio stream.
    """
    path = Path(path)
    _check_file(path)
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioError(f"无法解码音频文件 {path.name}：文件中没有音轨 (no audio stream)")
            return int(container.streams.audio[0].codec_context.channels or 1)
    except AudioError:
        raise
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise decode_error(path, exc) from exc


def decode_error(path: Path, exc: BaseException) -> AudioError:
    """The user-facing error for a file FFmpeg cannot decode."""
    if isinstance(exc, av.error.InvalidDataError):
        reason = "不是音频或文件已损坏"
    else:
        reason = "文件已损坏或格式不受支持"
    return AudioError(f"无法解码音频文件 {path.name}：{reason} (cannot decode: {exc})")


@overload
def decode_audio(
    path: str | Path, *, split_stereo: Literal[False] = False, sampling_rate: int = ...
) -> np.ndarray: ...


@overload
def decode_audio(
    path: str | Path, *, split_stereo: Literal[True], sampling_rate: int = ...
) -> tuple[np.ndarray, np.ndarray]: ...


def decode_audio(
    path: str | Path, *, split_stereo: bool = False, sampling_rate: int = SAMPLE_RATE
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Decode a recording to float32 samples in [-1, 1] at ``sampling_rate``.

    Args:
        path: The recording.
        split_stereo: Return ``(left, right)`` instead of a mono mix. A mono file gives two
            identical channels; more than two channels are down-mixed to stereo first.
        sampling_rate: Output rate in Hz.

    Returns:
        The mono signal, or the left and right channels.

    Raises:
        AudioError: The file is missing, empty, corrupt, not audio, or holds no samples.
    """
    path = Path(path)
    count_channels(path)  # validates the file with clear messages before decoding
    try:
        decoded = _fw_decode_audio(str(path), sampling_rate, split_stereo)
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise decode_error(path, exc) from exc
    first = decoded[0] if split_stereo else decoded
    if len(first) == 0:
        raise AudioError(f"音频文件 {path.name} 中没有任何声音数据 (no audio samples decoded)")
    return decoded


def channels_identical(left: np.ndarray, right: np.ndarray) -> bool:
    """True when two channels carry the same signal (a mono call stored as stereo).

    Allows tiny differences from 16-bit rounding and lossy joint-stereo coding: the difference
    must be below 1% of the signal's RMS level (or below one 16-bit step for silence).
    """
    if left.shape != right.shape:
        return False
    diff_rms = float(np.sqrt(np.mean(np.square(left - right, dtype=np.float64))))
    level = float(np.sqrt(np.mean(np.square(left + right, dtype=np.float64)))) / 2
    return diff_rms <= max(0.01 * level, _S16_STEP)


def load_recording(path: str | Path) -> Recording:
    """Decode a recording, keeping two channels apart only when they differ.

    Raises:
        AudioError: See :func:`decode_audio`.
    """
    path = Path(path)
    source_channels = count_channels(path)
    if source_channels < 2:
        return Recording(path, [decode_audio(path)], source_channels)
    left, right = decode_audio(path, split_stereo=True)
    if channels_identical(left, right):
        logger.info("%s: channels are identical, treating as mono", path.name)
        return Recording(path, [left], source_channels)
    return Recording(path, [left, right], source_channels)
