"""Fixtures of the speech-recognition tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

SHARED_ASR = Path(__file__).resolve().parents[3] / "shared" / "data" / "asr"


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
def transcriber(tmp_path_factory: pytest.TempPathFactory):
    """One real Transcriber (embedded base model, assembled into a temporary cache)."""
    from asr.options import TranscribeOptions
    from asr.transcribe import Transcriber

    cache = tmp_path_factory.mktemp("whisper-cache")
    return Transcriber(TranscribeOptions(cpu_threads=2), cache_dir=cache)
