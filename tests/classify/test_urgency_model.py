"""The urgency model: its training data, its errors, and what it learns from the project's
calls as Whisper heard them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classify.urgency import detect_urgency, model_urgency
from classify.urgency_model import (
    UrgencyDataError,
    UrgencyExample,
    UrgencyModel,
    held_out,
    load_examples,
    load_scripts,
    load_transcripts,
)

REPO = Path(__file__).resolve().parents[2]
TRANSCRIPTS = REPO / "data" / "transcripts" / "whisper_base_calls.jsonl"
SCRIPTS = REPO / "data" / "calls"
# The pipeline's default threshold (pipeline.settings.Settings.urgency_threshold).
THRESHOLD = 0.7


@pytest.fixture(scope="module")
def examples() -> list[UrgencyExample]:
    return load_examples(TRANSCRIPTS, SCRIPTS)


@pytest.fixture(scope="module")
def model(examples: list[UrgencyExample]) -> UrgencyModel:
    return UrgencyModel.train(examples)


def test_the_training_data_holds_both_kinds_of_call(examples: list[UrgencyExample]) -> None:
    transcripts = load_transcripts(TRANSCRIPTS)
    scripts = load_scripts(SCRIPTS)
    assert len(examples) == len(transcripts) + len(scripts)
    assert (
        sum(e.urgent for e in transcripts) >= 80 and sum(not e.urgent for e in transcripts) >= 200
    )
    groups = {e.group for e in scripts}
    assert "sample" in groups and "dev7" in groups  # data/calls/scripts is the sample set
    assert all(e.text for e in examples)


def test_missing_or_malformed_data_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UrgencyDataError, match="没有找到紧急程度训练数据"):
        load_transcripts(tmp_path / "none.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"set": "x", "text": "喂"}) + "\n", encoding="utf-8")
    with pytest.raises(UrgencyDataError, match=r"bad\.jsonl:1"):
        load_transcripts(bad)
    (tmp_path / "s" / "scripts").mkdir(parents=True)
    (tmp_path / "s" / "scripts" / "x.yaml").write_text("urgent: true\n", encoding="utf-8")
    with pytest.raises(UrgencyDataError, match=r"x\.yaml"):
        load_scripts(tmp_path)
    with pytest.raises(UrgencyDataError, match="各至少需要两条"):
        UrgencyModel.train(
            [UrgencyExample("着火了", True, "a"), UrgencyExample("噪音", False, "a")]
        )


def test_a_tiny_model_learns_which_side_a_call_is_on() -> None:
    urgent = ["快来人啊着火了", "楼道里着火了冒烟", "有人掉下去了快来人", "煤气漏了快来人"]
    routine = ["垃圾没人收", "晚上施工太吵", "医保怎么报销", "公交站挪走了"]
    model = UrgencyModel.train(
        [UrgencyExample(t, True, "a") for t in urgent]
        + [UrgencyExample(t, False, "a") for t in routine]
    )
    assert model.probability("快来人啊，着火了") > 0.5 > model.probability("垃圾一直没人收")
    assert model.probability("   ") == 0.0


def test_garbled_danger_the_rules_miss_is_scored_high(model: UrgencyModel) -> None:
    # danger words as Whisper might garble them in a way no rule has seen
    garbled = [
        "喂喂，你们快来人啊，我们楼道里真了真了，一股一股往外冒，我家老人还在楼上下不来",
        "喂，快来人啊，我们这出事了，大爷摊在地上叫他也不答应，你们快点来",
    ]
    for text in garbled:
        assert not detect_urgency(text, whole_call=text).urgent
        assert model.probability(text) >= THRESHOLD, text
    for text in ("你好，我想问一下医保报销需要什么材料", "我家楼上装修天天砸墙，吵得睡不着"):
        assert model.probability(text) < 0.3, text


def test_held_out_sets_keep_routine_calls_below_the_threshold(
    examples: list[UrgencyExample],
) -> None:
    """Four sets scored by models that never saw them (transcripts nor scripts): the urgent
    calls the rules of their time missed are caught, no routine call reaches the threshold."""
    sets = {"dev14", "dev15", "dev16", "dev17"}
    transcripts = [e for e in load_transcripts(TRANSCRIPTS) if e.group in sets]
    scored = held_out(examples, transcripts)
    assert len(scored) == 64
    routine = [p for e, p in scored if not e.urgent]
    urgent = [p for e, p in scored if e.urgent]
    assert max(routine) < THRESHOLD
    assert sum(p >= THRESHOLD for p in urgent) >= len(urgent) - 2
    # dev14's banquet poisoning and dev16's stairwell fire and manhole fall, missed by the
    # rules in their untouched runs
    by_text = {e.text: p for e, p in scored}
    missed = {"dev14_b_food_safety_01.wav", "dev16_a_fire_hazard_01.wav"}
    rows = [json.loads(line) for line in TRANSCRIPTS.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        if row["file"] in missed or row["file"].startswith("dev16_b_road_hazard_01"):
            assert by_text[row["text"]] >= THRESHOLD, row["file"]


def test_model_urgency_explains_itself() -> None:
    urgency = model_urgency(0.8123)
    assert urgency.urgent and urgency.by_model
    assert urgency.reasons == ["模型判断：紧急可能性0.81，请人工确认"]
