"""Reading recordings in bounded windows that end in pauses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, decode_audio
from asr.errors import AudioError
from asr.stream import find_cut, iter_blocks, iter_windows
from tests.asr.audio_factory import tone, write_encoded, write_wav


def joined(blocks) -> np.ndarray:
    return np.concatenate(list(blocks), axis=1)


@pytest.mark.parametrize(
    ("name", "codec", "container", "rate"),
    [("call.wav", "pcm_mulaw", "wav", 8000), ("call.mp3", "libmp3lame", "mp3", 44100)],
)
def test_blocks_equal_whole_decoding(
    tmp_path: Path, name: str, codec: str, container: str, rate: int
) -> None:
    signal = np.stack([tone(3.3, 440, rate), tone(3.3, 1000, rate)])
    path = write_encoded(tmp_path / name, signal, rate, codec, container)
    blocks = list(iter_blocks(path, stereo=True, block_s=1.0))
    assert all(b.shape[1] == SAMPLE_RATE for b in blocks[:-1])
    left, right = decode_audio(path, split_stereo=True)
    np.testing.assert_array_equal(joined(blocks), np.stack([left, right]))
    mono = joined(iter_blocks(path, stereo=False, block_s=0.7))
    np.testing.assert_array_equal(mono[0], decode_audio(path))


def test_blocks_reject_bad_files(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="找不到音频文件"):
        list(iter_blocks(tmp_path / "missing.wav", stereo=False))
    text = tmp_path / "notes.wav"
    text.write_text("不是录音" * 100, encoding="utf-8")
    with pytest.raises(AudioError, match="无法解码"):
        list(iter_blocks(text, stereo=False))
    empty = write_wav(tmp_path / "empty.wav", np.zeros(0, np.float32))
    with pytest.raises(AudioError, match="没有任何声音数据"):
        list(iter_blocks(empty, stereo=False))


def test_windows_cover_every_sample_once() -> None:
    rng = np.random.default_rng(0)
    signal = rng.standard_normal((2, SAMPLE_RATE * 47)).astype(np.float32) * 0.01
    blocks = [
        signal[:, i : i + SAMPLE_RATE * 3] for i in range(0, signal.shape[1], SAMPLE_RATE * 3)
    ]
    windows = list(iter_windows(blocks, window_s=10.0, search_s=4.0))
    assert [w.last for w in windows] == [False] * (len(windows) - 1) + [True]
    assert all(w.samples.shape[1] <= 10 * SAMPLE_RATE for w in windows)
    assert all(w.samples.shape[1] >= 6 * SAMPLE_RATE for w in windows[:-1])
    offsets = [w.offset for w in windows]
    assert offsets == sorted(offsets) and offsets[0] == 0
    np.testing.assert_array_equal(np.concatenate([w.samples for w in windows], axis=1), signal)


def test_short_recording_is_one_window() -> None:
    signal = np.zeros((1, SAMPLE_RATE * 5), np.float32)
    windows = list(iter_windows([signal], window_s=600.0, search_s=60.0))
    assert len(windows) == 1 and windows[0].last and windows[0].samples.shape == signal.shape


def test_cut_without_speech_falls_back_to_quietest_spot() -> None:
    loud = tone(4.0, level=0.5)
    loud[int(2.5 * SAMPLE_RATE) : int(2.6 * SAMPLE_RATE)] = 0.0
    cut = find_cut(loud[None, :], _vad())
    # a pure tone is no speech: the longest non-speech stretch is all of it, so it is cut in
    # the middle; that is still a valid cut point
    assert 0 < cut < loud.size


def _vad():
    from faster_whisper.vad import VadOptions

    return VadOptions(threshold=0.35, min_silence_duration_ms=2000, speech_pad_ms=600)


@pytest.mark.shared
def test_windows_end_in_pauses(shared_asr_dir: Path) -> None:
    """Speech with 1.5 s gaps, cut into 12 s windows: no cut falls inside a word."""
    speech = decode_audio(shared_asr_dir / "kimiaudio_asr_example.wav")[: 5 * SAMPLE_RATE]
    gap = np.zeros(int(1.5 * SAMPLE_RATE), np.float32)
    signal = np.concatenate([speech, gap] * 8)[None, :]
    blocks = [signal[:, i : i + SAMPLE_RATE] for i in range(0, signal.shape[1], SAMPLE_RATE)]
    windows = list(iter_windows(blocks, window_s=12.0, search_s=6.0, vad=_vad()))
    assert len(windows) >= 4
    loudness = float(np.sqrt(np.mean(np.square(speech))))
    around = SAMPLE_RATE // 10
    for window in windows[1:]:
        near_cut = signal[0, window.offset - around : window.offset + around]
        assert float(np.sqrt(np.mean(np.square(near_cut)))) < 0.05 * loudness, window.offset
