"""A small stand-in for ``pipeline.service.Pipeline``: keyword rules over the real taxonomy.

It builds real ``TicketDraft`` objects, so the API code under test sees exactly the shapes the
real pipeline produces; only the understanding is simplistic (and deterministic).
"""

from __future__ import annotations

import re
from pathlib import Path

from api.taxonomy import ApiTaxonomy
from asr.errors import AudioError
from asr.types import Segment, Transcript
from classify.types import Alternative, Entities, Prediction
from pipeline.draft import TicketDraft

_PHONE_RE = re.compile(r"1[3-9]\d{9}")
_ADDRESS_RE = re.compile(r"[\u4e00-\u9fff]{2,4}区[\u4e00-\u9fff\d]+?号(?:楼)?")
_NAME_RE = re.compile(r"我叫([\u4e00-\u9fff]{2,3})")
_URGENT_WORDS = ("着火", "爆炸", "很大的煤气味", "有人受伤")


class FakePipeline:
    """Returns drafts built from text; recordings "say" ``audio_text``.

    Attributes:
        audio_text: What every recording is taken to contain ("" means silence).
        fail_next: How many following calls raise ``AudioError`` (to test failures).
        processed: Sources processed, in order.
    """

    MODEL_VERSION = "fake-keywords-1"

    def __init__(self, taxonomy_path: Path, audio_text: str = "") -> None:
        self.taxonomy = ApiTaxonomy.load(taxonomy_path)
        self.audio_text = audio_text
        self.fail_next = 0
        self.processed: list[str] = []

    def process_file(self, path: str | Path, source: str | None = None) -> TicketDraft:
        if not Path(path).is_file():
            raise AudioError(f"录音文件不存在：{path}")
        if self.fail_next:
            self.fail_next -= 1
            raise AudioError("录音无法解码（测试注入的故障）")
        return self._draft(self.audio_text, source or str(path), duration=12.5)

    def process_text(self, text: str, source: str = "text") -> TicketDraft:
        return self._draft(text, source, duration=0.0)

    def _draft(self, text: str, source: str, duration: float) -> TicketDraft:
        self.processed.append(source)
        segments = [Segment(0.0, duration, text, "caller")] if text else []
        transcript = Transcript(text=text, segments=segments, duration=duration)
        if not text.strip():
            return TicketDraft(source=source, transcript=transcript, prediction=None)
        urgent_reasons = [w for w in _URGENT_WORDS if w in text]
        return TicketDraft(
            source=source,
            transcript=transcript,
            prediction=self._classify(text),
            urgent=bool(urgent_reasons),
            urgency_reasons=urgent_reasons,
            entities=Entities(
                phones=_PHONE_RE.findall(text),
                addresses=_ADDRESS_RE.findall(text),
                names=_NAME_RE.findall(text),
            ),
            keywords=[],
        )

    def _classify(self, text: str) -> Prediction:
        scored = sorted(
            self.taxonomy.subcategories.values(),
            key=lambda s: -sum(1 for k in s.keywords if k in text),
        )
        best, runner_up = scored[0], scored[1]
        dept = self.taxonomy.departments[best.department]
        return Prediction(
            top=best.top,
            code=best.code,
            label=best.label,
            confidence=0.8,
            alternatives=[Alternative(runner_up.code, runner_up.label, 0.1)],
            department=dept.name,
            needs_review=False,
            model_version=self.MODEL_VERSION,
        )
