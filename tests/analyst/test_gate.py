"""The promotion gate: metrics on a frozen set, the decision, promotion, override, rollback."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from classify.export import FrozenEvalSet
from classify.gate import (
    FrozenMetrics,
    GateOptions,
    GateRefused,
    check,
    compare,
    measure,
    promote,
    rollback,
)
from classify.registry import Registry
from classify.types import Prediction

A, B, C = "safety.gas_leak", "environment.garbage", "administrative.heating"


def metrics(version: str, f1: dict[str, float], sha: str = "s1") -> FrozenMetrics:
    return FrozenMetrics(
        model_version=version, eval_version="frozen-t", eval_sha256=sha, n=30,
        accuracy=round(sum(f1.values()) / len(f1), 4),
        macro_f1=round(sum(f1.values()) / len(f1), 4),
        per_class_f1=f1, labels=sorted(f1), confusion=[],
    )  # fmt: skip


def test_better_everywhere_passes() -> None:
    decision = compare(
        metrics("new", {A: 0.9, B: 0.9, C: 0.9}), metrics("old", {A: 0.9, B: 0.8, C: 0.9})
    )
    assert decision.passed and decision.failures == []
    assert decision.macro_f1_delta == pytest.approx(0.0333, abs=1e-4)
    assert decision.class_deltas == {A: 0.0, B: 0.1, C: 0.0}


def test_one_class_dropping_beyond_the_margin_is_refused_even_if_macro_rises() -> None:
    decision = compare(
        metrics("new", {A: 1.0, B: 1.0, C: 0.84}), metrics("old", {A: 0.8, B: 0.8, C: 0.9})
    )
    assert decision.macro_f1_delta is not None and decision.macro_f1_delta > 0
    assert not decision.passed
    assert len(decision.failures) == 1 and C in decision.failures[0]


def test_small_class_drop_within_margin_passes_but_macro_drop_does_not() -> None:
    old = metrics("old", {A: 0.9, B: 0.9, C: 0.9})
    assert compare(metrics("new", {A: 0.96, B: 0.9, C: 0.86}), old).passed
    refused = compare(metrics("new", {A: 0.9, B: 0.9, C: 0.86}), old)
    assert not refused.passed and "宏平均F1" in refused.failures[0]
    tolerant = GateOptions(macro_f1_tolerance=0.02)
    assert compare(metrics("new", {A: 0.9, B: 0.9, C: 0.86}), old, tolerant).passed


def test_no_champion_passes_and_different_eval_sets_cannot_be_compared() -> None:
    assert compare(metrics("new", {A: 0.1, B: 0.1}), None).passed
    with pytest.raises(ValueError, match="评估集不同"):
        compare(metrics("new", {A: 0.9, B: 0.9}), metrics("old", {A: 0.9, B: 0.9}, sha="s2"))


class KeywordModel:
    """Predicts A when the text contains 煤气, else B."""

    version = "kw-1"

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        return [Prediction(top="", code=A if "煤气" in t else B, label="", confidence=1.0)
                for t in texts]  # fmt: skip


def test_measure_computes_f1_and_confusion() -> None:
    eval_set = FrozenEvalSet(
        "frozen-t", Path("x.tsv"), "s1",
        texts=["煤气味", "有煤气", "垃圾", "垃圾堆", "煤气罐旁边的垃圾"],
        labels=[A, A, B, B, B],
    )  # fmt: skip
    m = measure(KeywordModel(), eval_set)
    assert m.model_version == "kw-1" and m.labels == [B, A]
    assert m.confusion == [[2, 1], [0, 2]]  # one garbage text called gas leak
    assert m.accuracy == 0.8
    assert m.per_class_f1 == {A: 0.8, B: 0.8}
    assert FrozenMetrics.from_dict(json.loads(json.dumps(m.as_dict()))) == m


def _add(registry: Registry, tmp_path: Path, version: str, f1: dict[str, float]) -> None:
    d = tmp_path / "src" / version
    d.mkdir(parents=True)
    meta = {"kind": "tfidf", "version": version, "created_at": version,
            "evaluation": metrics(version, f1).as_dict()}  # fmt: skip
    (d / "meta.json").write_text(json.dumps(meta), "utf-8")
    registry.add(d)


def test_promote_refuses_without_reason_overrides_with_one_and_rolls_back(tmp_path: Path) -> None:
    registry = Registry(tmp_path / "registry")
    eval_set = FrozenEvalSet("frozen-t", Path("x.tsv"), "s1", texts=[], labels=[])
    _add(registry, tmp_path, "v1", {A: 0.9, B: 0.9})
    _add(registry, tmp_path, "v2", {A: 0.95, B: 0.9})
    _add(registry, tmp_path, "v3", {A: 0.5, B: 0.5})

    def no_loading(path: Path) -> KeywordModel:
        raise AssertionError("stored metrics of the same frozen set must be reused")

    first = promote(registry, check(registry, "v1", eval_set, loader=no_loading), actor="ana")
    assert first.previous is None and not first.overridden
    assert promote(registry, check(registry, "v2", eval_set, loader=no_loading)).previous == "v1"

    bad = check(registry, "v3", eval_set, loader=no_loading)
    assert not bad.passed and bad.champion_version == "v2"
    for reason in (None, "", "  ", "ok"):
        with pytest.raises(GateRefused, match="未通过"):
            promote(registry, bad, override_reason=reason)
    assert registry.champion_version() == "v2"

    forced = promote(registry, bad, override_reason="节假日临时方案", actor="ana")
    assert forced.overridden and registry.champion_version() == "v3"
    assert rollback(registry, actor="ana", reason="效果差").version == "v2"
    assert registry.champion_version() == "v2"

    events = registry.events()
    assert [e["action"] for e in events] == ["promote", "promote", "promote_override", "rollback"]
    assert events[2]["reason"] == "节假日临时方案" and events[2]["failures"]
    assert events[3] == {**events[3], "version": "v2", "previous": "v3", "actor": "ana"}
