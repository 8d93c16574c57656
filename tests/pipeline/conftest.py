"""Fixtures for pipeline tests: a private model registry and the real CLI run once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from asr.redecode import Variant
from asr.types import Segment, Transcript

REPO = Path(__file__).resolve().parents[2]
CALLS = REPO / "data" / "calls"


def transcript_of(*segments: Segment) -> Transcript:
    """A transcript made of ``segments``, its text their texts joined."""
    return Transcript(text="".join(s.text for s in segments), segments=list(segments))


class FakeRedecoder:
    """Stands in for ``Transcriber.redecode``: gives a fixed text per variant name, lazily,
    and records the variants asked for (``calls``) and their prompts."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.calls: list[str] = []
        self.prompts: list[str | None] = []

    def __call__(
        self, path: Path, segment: Segment, variants: Sequence[Variant]
    ) -> Iterator[tuple[str, str]]:
        for v in variants:
            self.calls.append(v.name)
            self.prompts.append(v.prompt)
            yield v.name, self.texts.get(v.name, "")


def cli_env(tmp: Path) -> dict[str, str]:
    """Environment for running ``minsheng`` with its own registry (never the user's)."""
    env = dict(os.environ)
    env["MINSHENG_REGISTRY_DIR"] = str(tmp / "registry")
    return env


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the installed console script's code path as a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "api.commands", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=1800,
    )


@pytest.fixture(scope="session")
def cli_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="session")
def processed_calls(cli_tmp: Path) -> dict[str, dict[str, Any]]:
    """``minsheng process --json`` over every committed sample recording, by file name."""
    files = sorted(
        str(p.relative_to(REPO)) for p in CALLS.iterdir() if p.suffix in {".wav", ".flac", ".mp3"}
    )
    assert files, "no committed sample calls in data/calls"
    result = run_cli(["process", *files, "--json"], cli_env(cli_tmp))
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {Path(r["source"]).name: r for r in rows}
