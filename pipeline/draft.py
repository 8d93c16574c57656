"""The draft work order (工单草稿) that the pipeline hands to the API."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from asr.types import Transcript
from classify.types import Entities, Prediction


@dataclass
class TicketDraft:
    """Everything the pipeline learned from one call or message.

    Attributes:
        source: The recording path or channel name as given by the user.
        transcript: The transcript (for text intake: one segment holding the message).
        prediction: Suggested category, department and confidence; ``None`` when there was
            no speech to classify.
        urgent: True when the caller describes immediate danger.
        urgency_reasons: The phrases that made the draft urgent.
        entities: Phones, addresses, names and ID numbers found in the caller's words.
        keywords: Salient words for operators and search.
    """

    source: str
    transcript: Transcript
    prediction: Prediction | None
    urgent: bool = False
    urgency_reasons: list[str] = field(default_factory=list)
    entities: Entities = field(default_factory=Entities)
    keywords: list[str] = field(default_factory=list)

    @property
    def has_speech(self) -> bool:
        """False when nothing was said (silence, noise): no ticket should be made."""
        return bool(self.transcript.text.strip())

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of ``minsheng process --json`` (one object per file)."""
        p = self.prediction
        category: dict[str, Any] | None = None
        if p is not None:
            category = {
                "top": p.top,
                "code": p.code,
                "label": p.label,
                "confidence": round(p.confidence, 4),
                "alternatives": [
                    {"code": a.code, "label": a.label, "score": round(a.score, 4)}
                    for a in p.alternatives
                ],
                "model_version": p.model_version,
            }
        return {
            "source": self.source,
            "duration": round(self.transcript.duration, 2),
            "transcript": {
                "text": self.transcript.text,
                "segments": [asdict(s) for s in self.transcript.segments],
            },
            "category": category,
            "department": p.department if p else None,
            "urgent": self.urgent,
            "urgency_reasons": self.urgency_reasons,
            "needs_review": p.needs_review if p else True,
            "entities": asdict(self.entities),
            "keywords": self.keywords,
            "no_speech": not self.has_speech,
        }
