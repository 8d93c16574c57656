"""End-to-end transcription with the real embedded Whisper base model (marked slow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, decode_audio
from asr.errors import ModelError
from asr.options import TranscribeOptions
from asr.postprocess import to_simplified
from asr.textnorm import character_error_rate
from tests.asr.audio_factory import write_encoded, write_wav

CLIP_A = "paddlespeech_zh.wav"  # 5.0 s read speech
CLIP_B = "firered_BAC009S0764W0121.wav"  # 4.2 s read speech
MAX_CER = 0.25  # base model measures 0.00 and 0.08 on these clips


def test_unknown_model_is_rejected_before_loading() -> None:
    from asr.transcribe import Transcriber

    with pytest.raises(ModelError, match="'base'"):
        Transcriber(TranscribeOptions(model="whisper-huge"))


@pytest.mark.slow
def test_silence_gives_empty_transcript(transcriber, tmp_path: Path) -> None:
    path = write_wav(tmp_path / "silence.wav", np.zeros(SAMPLE_RATE * 8, dtype=np.float32))
    transcript = transcriber.transcribe(path)
    assert transcript.text == ""
    assert transcript.segments == []
    assert transcript.duration == pytest.approx(8.0)


@pytest.mark.slow
def test_noise_gives_empty_transcript(transcriber, tmp_path: Path) -> None:
    rng = np.random.default_rng(12345)
    hiss = rng.standard_normal(SAMPLE_RATE * 8) * 0.1
    hum = 0.05 * np.sin(2 * np.pi * 50 * np.arange(SAMPLE_RATE * 8) / SAMPLE_RATE)
    path = write_wav(tmp_path / "noise.wav", (hiss + hum).astype(np.float32))
    assert transcriber.transcribe(path).text == ""


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize("clip", [CLIP_A, CLIP_B])
def test_real_clip(transcriber, shared_asr_dir: Path, shared_references, clip: str) -> None:
    transcript = transcriber.transcribe(shared_asr_dir / clip)
    assert transcript.segments
    assert all(s.speaker == "" for s in transcript.segments)
    assert to_simplified(transcript.text) == transcript.text
    assert character_error_rate(shared_references[clip], transcript.text) <= MAX_CER


@pytest.mark.slow
@pytest.mark.shared
def test_telephone_quality_mulaw(
    transcriber, shared_asr_dir: Path, shared_references, tmp_path: Path
) -> None:
    samples = decode_audio(shared_asr_dir / CLIP_A, sampling_rate=8000)
    path = write_encoded(tmp_path / "phone.wav", samples, 8000, "pcm_mulaw", "wav")
    text = transcriber.transcribe(path).text
    assert character_error_rate(shared_references[CLIP_A], text) <= MAX_CER


def _two_party_call(directory: Path, path: Path, gap_s: float = 1.0) -> Path:
    """Agent (left) speaks CLIP_A, then the caller (right) speaks CLIP_B after a gap."""
    agent, caller = decode_audio(directory / CLIP_A), decode_audio(directory / CLIP_B)
    caller_start = len(agent) + int(gap_s * SAMPLE_RATE)
    total = caller_start + len(caller)
    left, right = np.zeros(total, np.float32), np.zeros(total, np.float32)
    left[: len(agent)] = agent
    right[caller_start:] = caller
    return write_wav(path, np.stack([left, right]))


@pytest.mark.slow
@pytest.mark.shared
def test_stereo_call_sets_speakers(
    transcriber, shared_asr_dir: Path, shared_references, tmp_path: Path
) -> None:
    path = _two_party_call(shared_asr_dir, tmp_path / "call.wav")
    transcript = transcriber.transcribe(path)
    speakers = [s.speaker for s in transcript.segments]
    assert set(speakers) == {"agent", "caller"}
    # the agent speaks first, the caller after: time order means agent segments come first
    assert speakers == sorted(speakers)
    assert [s.start for s in transcript.segments] == sorted(s.start for s in transcript.segments)
    first_caller = next(s for s in transcript.segments if s.speaker == "caller")
    assert first_caller.start >= 5.0  # the caller channel is silent for the first 6 s
    agent_text = "".join(s.text for s in transcript.segments if s.speaker == "agent")
    assert character_error_rate(shared_references[CLIP_A], agent_text) <= MAX_CER
    assert character_error_rate(shared_references[CLIP_B], transcript.caller_text) <= MAX_CER
    assert (
        character_error_rate(shared_references[CLIP_A] + shared_references[CLIP_B], transcript.text)
        <= MAX_CER
    )


@pytest.mark.slow
@pytest.mark.shared
def test_one_sided_stereo_call(transcriber, shared_asr_dir: Path, tmp_path: Path) -> None:
    """A real clip on the caller channel, silence on the agent channel."""
    speech = decode_audio(shared_asr_dir / CLIP_B)
    path = write_wav(tmp_path / "one_sided.wav", np.stack([np.zeros_like(speech), speech]))
    transcript = transcriber.transcribe(path)
    assert transcript.segments
    assert {s.speaker for s in transcript.segments} == {"caller"}


@pytest.mark.slow
@pytest.mark.shared
def test_mono_stored_as_stereo_has_no_speakers(
    transcriber, shared_asr_dir: Path, tmp_path: Path
) -> None:
    speech = decode_audio(shared_asr_dir / CLIP_B)
    path = write_wav(tmp_path / "dual_mono.wav", np.stack([speech, speech]))
    transcript = transcriber.transcribe(path)
    assert transcript.segments
    assert {s.speaker for s in transcript.segments} == {""}
