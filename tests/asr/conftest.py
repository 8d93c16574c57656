"""Fixtures of the speech-recognition tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_ASR = REPO.parent / "shared" / "data" / "asr"
SAMPLE_CALLS = REPO / "data" / "calls"


@pytest.fixture(scope="session")
def shared_asr_dir() -> Path:
    """The development clips in ../shared/data/asr; skips when they are absent."""
    if not (SHARED_ASR / "manifest.tsv").is_file():
        pytest.skip(f"needs the shared ASR clips at {SHARED_ASR} (../shared/data/asr)")
    return SHARED_ASR


@pytest.fixture(scope="session")
def shared_references(shared_asr_dir: Path) -> dict[str, str]:
    """filename -> reference transcript from the shared manifest."""
    with (shared_asr_dir / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
        return {
            r["filename"]: r["reference_transcript"] for r in csv.DictReader(handle, delimiter="\t")
        }


@pytest.fixture(scope="session")
def sample_calls() -> list[Path]:
    """The committed synthetic hotline calls (data/calls/*.wav); skips when there are none."""
    calls = sorted(SAMPLE_CALLS.glob("*.wav"))
    if len(calls) < 2:
        pytest.skip(f"needs at least two sample calls in {SAMPLE_CALLS}")
    return calls


@pytest.fixture(scope="session")
def whisper_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary cache the embedded model is assembled into (never the user's cache)."""
    return tmp_path_factory.mktemp("whisper-cache")


@pytest.fixture(scope="session")
def embedded_model_dir(whisper_cache: Path) -> Path:
    """The embedded CTranslate2 model, assembled into the temporary cache."""
    from asr.model_store import ensure_embedded_model

    return ensure_embedded_model(whisper_cache)


@pytest.fixture(scope="session")
def transcriber(whisper_cache: Path):
    """One real Transcriber (embedded base model, faster-whisper, default options)."""
    from asr.options import TranscribeOptions
    from asr.transcribe import Transcriber

    return Transcriber(TranscribeOptions(cpu_threads=2), cache_dir=whisper_cache)
