"""Tests for how the agent's hand-over and the kind of danger adjust a prediction."""

from __future__ import annotations

from typing import Any

import pytest

from classify.taxonomy import Taxonomy
from classify.types import Alternative, Prediction
from pipeline.cues import reweigh, supported_codes


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


def _prediction(code: str, score: float, *alternatives: tuple[str, float]) -> Prediction:
    return Prediction(
        top=code.split(".")[0],
        code=code,
        label=code,
        confidence=score,
        alternatives=[Alternative(c, c, s) for c, s in alternatives],
        department="x",
    )


def test_supported_codes_from_departments_and_dangers(taxonomy: Taxonomy) -> None:
    codes = supported_codes(taxonomy, {"sanitation"}, ["燃气泄漏：人气管道给挖破了"])
    assert codes == {"environment.garbage", "safety.gas_leak"}
    assert supported_codes(taxonomy, set(), ["人员受伤：流了好多血"]) == set()


def test_a_supported_runner_up_wins_when_close(taxonomy: Taxonomy) -> None:
    p = _prediction("safety.traffic_safety", 0.36, ("environment.garbage", 0.2))
    q = reweigh(p, {"environment.garbage"}, taxonomy)
    assert (q.top, q.code, q.department) == (
        "environment",
        "environment.garbage",
        "市城市管理局环境卫生处",
    )
    assert q.confidence == 0.2  # the model's own score, not the boosted one
    assert q.needs_review  # the model disagreed: an operator looks
    assert [a.code for a in q.alternatives] == ["safety.traffic_safety"]


def test_a_confident_prediction_is_kept(taxonomy: Taxonomy) -> None:
    p = _prediction("environment.garbage", 0.9, ("environment.construction_noise", 0.05))
    assert reweigh(p, {"environment.construction_noise"}, taxonomy) is p


def test_nothing_changes_without_a_supported_candidate(taxonomy: Taxonomy) -> None:
    p = _prediction("safety.traffic_safety", 0.36, ("environment.garbage", 0.2))
    assert reweigh(p, set(), taxonomy) is p
    assert reweigh(p, {"administrative.heating"}, taxonomy) is p


def test_labels_outside_the_taxonomy_are_left_alone(taxonomy: Taxonomy) -> None:
    p = _prediction("城乡建设", 0.3, ("环境保护", 0.25))
    assert reweigh(p, {"环境保护"}, taxonomy) is p


class _Fixed:
    """A classifier that always gives the same prediction (the real one is tested end to end)."""

    def __init__(self, prediction: Prediction) -> None:
        self.prediction = prediction

    def predict(self, text: str) -> Prediction:
        return self.prediction


def _understand(segments: list[tuple[str, str]], prediction: Prediction) -> Any:
    """The draft the real pipeline makes of a two-channel transcript, with a fixed model."""
    from asr.types import Segment, Transcript
    from pipeline.service import Pipeline
    from pipeline.settings import Settings

    turns = [Segment(float(i), float(i + 1), text, who) for i, (who, text) in enumerate(segments)]
    transcript = Transcript(text="".join(s.text for s in turns), segments=turns)
    return Pipeline(Settings(), classifier=_Fixed(prediction)).understand(transcript, "call")


def test_the_pipeline_hears_the_agents_handover_and_triage() -> None:
    pytest.importorskip("pypinyin", reason="names are matched by sound")
    draft = _understand(
        [
            ("caller", "村口老有大车半夜来倒碎砖头烂水泥块"),
            ("agent", "好的，我们马上转交环位部门紧急处理"),
        ],
        _prediction("safety.traffic_safety", 0.36, ("environment.garbage", 0.2)),
    )
    assert draft.prediction is not None
    assert draft.prediction.code == "environment.garbage"
    assert draft.urgent  # the agent's 紧急处理, though the caller's words hold no danger


def test_the_pipeline_takes_the_agents_fuller_read_back_on_two_channels() -> None:
    pytest.importorskip("pypinyin", reason="places are matched by sound")
    draft = _understand(
        [
            ("caller", "我想问一下身份证怎么补办，我住在长安区议才将，安心小区"),
            ("agent", "长安区育才街二十七号，安心小区十号楼，对吗？"),
        ],
        _prediction("administrative.household_registration", 0.8),
    )
    assert draft.entities.addresses[0] == "长安区育才街27号安心小区10号楼"
    assert not draft.urgent
