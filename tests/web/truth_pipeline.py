"""A fast pipeline for the browser tests: real sample recordings, their scripted transcripts.

The recording a test uploads is a real call from ``data/calls`` (so the page plays real
audio); instead of running Whisper, the transcript is read from the call's ground truth
(``<id>.truth.json``: agent/caller turns with their real start and end times), and the
category comes from the keyword fake of ``tests/api/fakes.py``. Files that are not sample
calls fall back to the plain fake.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from asr.types import Segment, Transcript
from classify.types import Entities
from pipeline.draft import TicketDraft
from pipeline.settings import DATA_DIR
from tests.api.fakes import FakePipeline

CALLS_DIR = DATA_DIR / "calls"
TAXONOMY = DATA_DIR / "taxonomy.yaml"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sample_truths() -> dict[str, dict[str, Any]]:
    """Ground truth of each sample call by its recording's id (``manhole_01``)."""
    truths = {}
    for path in sorted(CALLS_DIR.glob("*.truth.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        truths[truth["id"]] = truth
    return truths


class TruthPipeline(FakePipeline):
    """``FakePipeline`` whose recordings "say" their scripted turns."""

    def __init__(self) -> None:
        super().__init__(TAXONOMY)
        self.truths = sample_truths()
        self._by_sha = {
            _sha256(CALLS_DIR / t["file"]): t
            for t in self.truths.values()
            if (CALLS_DIR / t["file"]).is_file()
        }

    def process_file(self, path: str | Path, source: str | None = None) -> TicketDraft:
        truth = self._by_sha.get(_sha256(Path(path))) if Path(path).is_file() else None
        if truth is None:
            return super().process_file(path, source)
        self.processed.append(source or str(path))
        segments = [
            Segment(float(t["start"]), float(t["end"]), t["text"], t["speaker"])
            for t in truth["turns"]
        ]
        text = "".join(t["text"] for t in truth["turns"])
        transcript = Transcript(text=text, segments=segments, duration=float(truth["duration_s"]))
        surname = truth.get("surname")
        return TicketDraft(
            source=source or str(path),
            transcript=transcript,
            prediction=self._classify(text),
            urgent=False,  # the keyword fake cannot tell; operators correct it
            urgency_reasons=[],
            entities=Entities(
                phones=[truth["phone"]],
                addresses=[truth["address"]],
                names=[surname] if surname else [],
            ),
            keywords=[],
        )
