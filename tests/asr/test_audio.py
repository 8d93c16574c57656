"""Decoding recordings of many formats, and clear errors for bad files."""

from __future__ import annotations

import os
import wave
from pathlib import Path

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, channels_identical, decode_audio, load_recording
from asr.errors import AudioError
from tests.asr.audio_factory import tone, write_encoded, write_wav


def dominant_frequency(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


def stereo(seconds: float, rate: int) -> np.ndarray:
    """440 Hz on the left, 1000 Hz on the right."""
    return np.stack([tone(seconds, 440, rate), tone(seconds, 1000, rate)])


@pytest.mark.parametrize(
    ("name", "codec", "container", "rate"),
    [
        ("mulaw.wav", "pcm_mulaw", "wav", 8000),
        ("alaw.wav", "pcm_alaw", "wav", 8000),
        ("call.mp3", "libmp3lame", "mp3", 44100),
        ("call.flac", "flac", "flac", 16000),
        ("call.ogg", "libopus", "ogg", 48000),
        ("call.m4a", "aac", "ipod", 22050),
    ],
)
def test_stereo_formats_decode_with_channels_apart(
    tmp_path: Path, name: str, codec: str, container: str, rate: int
) -> None:
    path = write_encoded(tmp_path / name, stereo(2.0, rate), rate, codec, container)
    left, right = decode_audio(path, split_stereo=True)
    assert left.dtype == np.float32
    assert abs(len(left) / SAMPLE_RATE - 2.0) < 0.15  # codec padding/priming only
    middle = slice(SAMPLE_RATE // 2, SAMPLE_RATE * 3 // 2)
    assert abs(dominant_frequency(left[middle]) - 440) < 5
    assert abs(dominant_frequency(right[middle]) - 1000) < 5
    recording = load_recording(path)
    assert recording.source_channels == 2
    assert len(recording.channels) == 2


def test_amr_narrowband_decodes(tmp_path: Path) -> None:
    path = write_encoded(
        tmp_path / "call.amr", tone(2.0, 440, 8000), 8000, "libopencore_amrnb", "amr"
    )
    samples = decode_audio(path)
    assert abs(len(samples) / SAMPLE_RATE - 2.0) < 0.1
    assert abs(dominant_frequency(samples[SAMPLE_RATE // 2 : SAMPLE_RATE * 3 // 2]) - 440) < 10


def test_resamples_to_16k(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "hi.wav", tone(1.5, 440, 44100), rate=44100)
    samples = decode_audio(path)
    assert abs(len(samples) - int(1.5 * SAMPLE_RATE)) <= 2
    assert 0.25 < float(np.max(np.abs(samples))) < 0.35


def test_mono_stored_as_stereo_is_treated_as_mono(tmp_path: Path) -> None:
    signal = tone(1.0, 300)
    path = write_wav(tmp_path / "dual.wav", np.stack([signal, signal]))
    recording = load_recording(path)
    assert recording.source_channels == 2
    assert len(recording.channels) == 1
    assert recording.duration == pytest.approx(1.0)


def test_channels_identical() -> None:
    signal = tone(1.0, 300)
    assert channels_identical(signal, signal + np.float32(1e-5))
    assert channels_identical(np.zeros(100, np.float32), np.zeros(100, np.float32))
    assert not channels_identical(signal, np.zeros_like(signal))
    assert not channels_identical(signal, tone(1.0, 310))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="找不到音频文件"):
        load_recording(tmp_path / "nope.wav")


def test_zero_length_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.touch()
    with pytest.raises(AudioError, match="空文件"):
        decode_audio(path)


def test_directory_is_not_audio(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="不是文件"):
        decode_audio(tmp_path)


def test_text_file_is_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("这是一个文本文件，不是录音。\n" * 20, encoding="utf-8")
    with pytest.raises(AudioError, match=r"无法解码音频文件 notes\.txt：不是音频"):
        load_recording(path)


def test_corrupt_header(tmp_path: Path) -> None:
    good = write_wav(tmp_path / "good.wav", tone(1.0)).read_bytes()
    path = tmp_path / "broken.wav"
    path.write_bytes(good[:20] + os.urandom(30) + good[50:])
    with pytest.raises(AudioError, match="无法解码"):
        load_recording(path)


def test_random_bytes_with_audio_extension(tmp_path: Path) -> None:
    path = tmp_path / "random.mp3"
    path.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + os.urandom(4000))
    with pytest.raises(AudioError, match="无法解码"):
        load_recording(path)


def test_header_without_samples(tmp_path: Path) -> None:
    path = tmp_path / "header_only.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(b"")
    with pytest.raises(AudioError, match="没有任何声音数据"):
        load_recording(path)


def test_audio_error_is_a_value_error() -> None:
    assert issubclass(AudioError, ValueError)
