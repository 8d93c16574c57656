"""Make test recordings in any format PyAV can encode (no files from outside the tests)."""

from __future__ import annotations

import wave
from pathlib import Path

import av
import numpy as np


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] to 16-bit integers."""
    return (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)


def write_wav(path: Path, samples: np.ndarray, rate: int = 16_000) -> Path:
    """Write PCM 16-bit WAV with the ``wave`` module; ``samples`` is (n,) or (channels, n)."""
    data = np.atleast_2d(samples)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(data.shape[0])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(to_int16(data.T).tobytes())  # interleaved frames
    return path


def write_encoded(
    path: Path, samples: np.ndarray, rate: int, codec: str, container: str | None = None
) -> Path:
    """Encode ``samples`` ((n,) or (channels, n), float) with PyAV, e.g. codec ``pcm_mulaw``."""
    data = np.atleast_2d(samples)
    layout = "mono" if data.shape[0] == 1 else "stereo"
    interleaved = to_int16(data.T).reshape(1, -1)
    with av.open(str(path), mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        assert isinstance(stream, av.audio.stream.AudioStream)
        frame = av.AudioFrame.from_ndarray(interleaved, format="s16", layout=layout)
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def tone(seconds: float, freq: float = 440.0, rate: int = 16_000, level: float = 0.3) -> np.ndarray:
    """A sine tone, float32."""
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * freq * t)).astype(np.float32)
