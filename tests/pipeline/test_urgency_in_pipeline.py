"""How the pipeline combines the urgency rules with the urgency model."""

from __future__ import annotations

import pydantic
import pytest

from asr.types import Segment
from classify.types import Prediction
from pipeline.service import Pipeline
from pipeline.settings import Settings
from tests.pipeline.conftest import transcript_of

# A gas leak whose danger words Whisper garbled past every rule; the caller's alarm remains.
GARBLED = "喂喂，你们快来人啊，我们楼道里真了真了，一股一股往外冒，我家老人还在楼上下不来"


class _Fixed:
    """A classifier that always says safety.fire_hazard (the real one is tested end to end)."""

    def predict(self, text: str) -> Prediction:
        return Prediction(
            top="safety", code="safety.fire_hazard", label="火灾隐患", confidence=0.9,
            alternatives=[], department="fire",
        )  # fmt: skip


class _Scores:
    """An urgency model with a fixed score that records what it was asked."""

    def __init__(self, score: float) -> None:
        self.score = score
        self.asked: list[str] = []

    def probability(self, text: str) -> float:
        self.asked.append(text)
        return self.score


def _pipeline(**settings: object) -> Pipeline:
    return Pipeline(Settings(**settings), classifier=_Fixed())  # type: ignore[arg-type]


def test_the_real_model_flags_a_call_the_rules_pass_for_review() -> None:
    pipeline = _pipeline()
    draft = pipeline.understand(transcript_of(Segment(0.0, 9.0, GARBLED)), "call.wav")
    assert draft.urgent
    assert draft.urgency_reasons[0].startswith("模型判断：紧急可能性")
    assert draft.prediction is not None and draft.prediction.needs_review
    # the same words typed into WeChat are left to the rules
    assert not pipeline.process_text(GARBLED, source="微信").urgent
    # and the model can be switched off
    off = _pipeline(urgency_model=False)
    assert not off.understand(transcript_of(Segment(0.0, 9.0, GARBLED)), "call.wav").urgent


def test_the_model_is_asked_only_when_the_rules_find_nothing() -> None:
    pipeline = _pipeline()
    scores = _Scores(0.99)
    pipeline._urgency_model = scores  # type: ignore[assignment]
    draft = pipeline.understand(transcript_of(Segment(0.0, 5.0, "楼道里煤气味很大")), "a.wav")
    assert draft.urgent and draft.urgency_reasons[0].startswith("燃气泄漏")
    assert draft.prediction is not None and not draft.prediction.needs_review
    assert scores.asked == []
    routine = transcript_of(Segment(0.0, 5.0, "小区门口的垃圾三天没人收了"))
    assert pipeline.understand(routine, "b.wav").urgent  # 0.99: flagged
    assert scores.asked == ["小区门口的垃圾三天没人收了"]
    scores.score = 0.69
    assert not pipeline.understand(routine, "c.wav").urgent  # below the 0.7 default


def test_the_threshold_is_checked() -> None:
    with pytest.raises(pydantic.ValidationError):
        Settings(urgency_threshold=0.0)
    with pytest.raises(pydantic.ValidationError):
        Settings(urgency_threshold=1.5)
    assert Settings(urgency_threshold=0.8).urgency_threshold == 0.8
