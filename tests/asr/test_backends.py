"""The openai-whisper backend runs the same model as faster-whisper and gives the same text.

The equivalence tests decode greedily (beam 1, temperature 0 only, no VAD, float32 on both
sides), where both implementations follow the same algorithm; any difference then comes from
the weights or from numerics.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, decode_audio
from asr.errors import ModelError
from asr.options import TranscribeOptions
from asr.textnorm import character_error_rate
from tests.asr.audio_factory import write_wav

MAX_BACKEND_CER = 0.05
GREEDY = {
    "beam_size": 1,
    "temperature": (0.0,),
    "vad_filter": False,
    "compute_type": "float32",
    "cpu_threads": 2,
}


def test_unknown_backend_is_rejected() -> None:
    from asr.transcribe import Transcriber

    with pytest.raises(ModelError, match="'openai-whisper'"):
        Transcriber(TranscribeOptions(backend="whisper.cpp"))


@pytest.fixture(scope="module")
def greedy_pair(whisper_cache: Path):
    from asr.transcribe import Transcriber

    return {
        name: Transcriber(TranscribeOptions(backend=name, **GREEDY), cache_dir=whisper_cache)
        for name in ("faster-whisper", "openai-whisper")
    }


@pytest.mark.slow
def test_encoder_and_logits_match_ctranslate2(embedded_model_dir: Path, sample_calls) -> None:
    import ctranslate2
    import torch
    import whisper
    from whisper.tokenizer import get_tokenizer

    from asr.openai_checkpoint import ensure_openai_checkpoint

    model = whisper.load_model(str(ensure_openai_checkpoint(embedded_model_dir)), device="cpu")
    ct2 = ctranslate2.models.Whisper(str(embedded_model_dir), compute_type="float32")
    audio = decode_audio(sample_calls[0])[: 30 * SAMPLE_RATE]
    mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio))[None]
    with torch.inference_mode():
        ours = model.encoder(mel)
    theirs = np.array(ct2.encode(ctranslate2.StorageView.from_array(mel.numpy()), to_cpu=True))
    assert np.abs(ours.numpy() - theirs).max() < 1e-3 * np.abs(theirs).max()

    tokenizer = get_tokenizer(True, num_languages=99, language="zh", task="transcribe")
    prompt = [*tokenizer.sot_sequence, tokenizer.no_timestamps]  # no timestamp rules apply
    with torch.inference_mode():
        logits = model.decoder(torch.tensor([prompt]), ours)[0, -1].numpy()
    result = ct2.generate(
        ctranslate2.StorageView.from_array(theirs),
        [prompt],
        beam_size=1,
        max_length=len(prompt) + 1,
        return_logits_vocab=True,
        suppress_tokens=[],
        suppress_blank=False,
    )
    reference = np.asarray(result[0].logits[0]).reshape(-1, logits.size)[0]  # the first step
    assert int(np.argmax(logits)) == int(np.argmax(reference))
    assert np.abs(logits - reference).max() < 1e-2


@pytest.mark.slow
def test_greedy_transcripts_agree(greedy_pair, sample_calls, tmp_path: Path) -> None:
    """The first 30 s (one decoding window) of two sample calls; the bench compares all."""
    for call in sample_calls[:2]:
        opening = write_wav(tmp_path / call.name, decode_audio(call)[: 30 * SAMPLE_RATE])
        fast = greedy_pair["faster-whisper"].transcribe(opening).text
        reference = greedy_pair["openai-whisper"].transcribe(opening).text
        assert fast and reference
        assert character_error_rate(reference, fast) <= MAX_BACKEND_CER, (
            call.name,
            fast,
            reference,
        )


@pytest.fixture(scope="module")
def openai_transcriber(whisper_cache: Path):
    from asr.transcribe import Transcriber

    options = TranscribeOptions(backend="openai-whisper", cpu_threads=2)
    transcriber = Transcriber(options, cache_dir=whisper_cache)
    assert transcriber.backend == "openai-whisper"
    return transcriber


@pytest.mark.slow
def test_openai_backend_gives_silence_an_empty_transcript(openai_transcriber, tmp_path) -> None:
    path = write_wav(tmp_path / "silence.wav", np.zeros(SAMPLE_RATE * 6, dtype=np.float32))
    transcript = openai_transcriber.transcribe(path)
    assert (transcript.text, transcript.segments) == ("", [])


@pytest.mark.slow
@pytest.mark.shared
def test_openai_backend_stereo_call(
    openai_transcriber, shared_asr_dir: Path, shared_references, tmp_path: Path
) -> None:
    """Same stereo handling as faster-whisper: agent left, caller right, times restored."""
    clip = "firered_BAC009S0764W0121.wav"
    speech = decode_audio(shared_asr_dir / clip)
    silence = np.zeros(3 * SAMPLE_RATE, np.float32)
    left = np.concatenate([silence, silence, np.zeros_like(speech)])
    right = np.concatenate([silence, silence, speech])  # the caller speaks after 6 s
    transcript = openai_transcriber.transcribe(
        write_wav(tmp_path / "call.wav", np.stack([left, right]))
    )
    assert {s.speaker for s in transcript.segments} == {"caller"}
    assert transcript.segments[0].start >= 5.0  # VAD-cut time mapped back to the recording
    assert character_error_rate(shared_references[clip], transcript.caller_text) <= 0.25
