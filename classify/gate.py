"""The promotion gate: measure models on a frozen evaluation set and decide who serves.

A candidate replaces the champion only when, on the same frozen set,

* its macro-F1 does not drop (more than ``macro_f1_tolerance``, 0 by default), and
* no sub-category's F1 drops by more than ``max_class_drop`` (0.05 by default).

An analyst may promote a refused candidate anyway by giving a reason; the override is
recorded in the registry's event log (and, through the API, in the audit trail).

Typical use::

    eval_set = load_frozen_eval()
    decision = check(registry, "tfidf-20260101-...", eval_set)
    promote(registry, decision)                     # GateRefused when decision.passed is False
    promote(registry, decision, override_reason="季节性诉求，先上线观察")
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from classify.export import FrozenEvalSet
from classify.registry import ModelEntry, Registry
from classify.types import Prediction

logger = logging.getLogger(__name__)

MIN_REASON_CHARS = 4


class Predictor(Protocol):
    """Anything that classifies a batch of texts (``TfidfClassifier`` does)."""

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        """Classify texts."""
        ...


Loader = Callable[[Path], Any]
"""Loads a model directory into something with ``predict_many`` or ``predict``."""


class GateRefused(ValueError):
    """The gate refused a promotion and no override reason was given."""

    def __init__(self, decision: GateDecision) -> None:
        self.decision = decision
        reasons = "；".join(decision.failures)
        super().__init__(
            f"模型 {decision.candidate_version} 未通过上线评估：{reasons}。"
            f"如确需上线，请填写理由（override reason）"
        )


@dataclass
class FrozenMetrics:
    """How one model did on one frozen evaluation set.

    Attributes:
        model_version: The model measured.
        eval_version: Version of the frozen set (``frozen-v1``).
        eval_sha256: Hash of the frozen set's file.
        n: Number of examples.
        accuracy: Sub-category accuracy.
        macro_f1: Unweighted mean of the per-class F1 over ``labels``.
        per_class_f1: F1 of every label.
        labels: Row and column order of ``confusion`` (sorted codes).
        confusion: ``confusion[i][j]``: examples of ``labels[i]`` predicted as ``labels[j]``.
    """

    model_version: str
    eval_version: str
    eval_sha256: str
    n: int
    accuracy: float
    macro_f1: float
    per_class_f1: dict[str, float]
    labels: list[str]
    confusion: list[list[int]]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FrozenMetrics:
        """Inverse of :meth:`as_dict`."""
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})


def _predict_codes(model: Any, texts: Sequence[str]) -> list[str]:
    if hasattr(model, "predict_many"):
        return [p.code for p in model.predict_many(list(texts))]
    return [model.predict(t).code for t in texts]


def measure(model: Any, eval_set: FrozenEvalSet, model_version: str | None = None) -> FrozenMetrics:
    """Accuracy, macro-F1, per-class F1 and the confusion matrix on a frozen set.

    Args:
        model: A classifier with ``predict_many`` (or ``predict``).
        eval_set: The frozen set.
        model_version: Recorded in the metrics; the model's ``version`` attribute if None.
    """
    predicted = _predict_codes(model, eval_set.texts)
    labels = sorted(set(eval_set.labels))
    per_class = f1_score(eval_set.labels, predicted, labels=labels, average=None, zero_division=0)
    matrix = confusion_matrix(eval_set.labels, predicted, labels=labels)
    return FrozenMetrics(
        model_version=model_version or str(getattr(model, "version", "?")),
        eval_version=eval_set.version,
        eval_sha256=eval_set.sha256,
        n=eval_set.n,
        accuracy=round(float(accuracy_score(eval_set.labels, predicted)), 4),
        macro_f1=round(float(np.mean(per_class)), 4),
        per_class_f1={code: round(float(f), 4) for code, f in zip(labels, per_class, strict=True)},
        labels=labels,
        confusion=matrix.astype(int).tolist(),
    )


@dataclass
class GateOptions:
    """Thresholds of the promotion gate.

    Attributes:
        max_class_drop: Largest allowed drop of any sub-category's F1.
        macro_f1_tolerance: Largest allowed drop of macro-F1 (0: it must not drop).
    """

    max_class_drop: float = 0.05
    macro_f1_tolerance: float = 0.0


@dataclass
class GateDecision:
    """The gate's verdict on a candidate against the champion, with the evidence.

    Attributes:
        candidate_version: The model asking to be promoted.
        champion_version: The current champion (None when there is none).
        eval_version: The frozen set both were measured on.
        passed: True when promotion is allowed without an override.
        macro_f1_delta: Candidate minus champion.
        accuracy_delta: Candidate minus champion.
        class_deltas: Per sub-category F1, candidate minus champion.
        failures: Why it was refused (Chinese, for analysts); empty when passed.
        candidate: The candidate's metrics.
        champion: The champion's metrics.
    """

    candidate_version: str
    champion_version: str | None
    eval_version: str
    passed: bool
    macro_f1_delta: float | None
    accuracy_delta: float | None
    class_deltas: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    candidate: FrozenMetrics | None = None
    champion: FrozenMetrics | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable dict."""
        return asdict(self)


def compare(
    candidate: FrozenMetrics, champion: FrozenMetrics | None, options: GateOptions | None = None
) -> GateDecision:
    """Decide whether ``candidate`` may replace ``champion``.

    Raises:
        ValueError: The two were measured on different evaluation sets.
    """
    opts = options or GateOptions()
    if champion is None:
        return GateDecision(
            candidate.model_version, None, candidate.eval_version, True, None, None,
            candidate=candidate,
        )  # fmt: skip
    if champion.eval_sha256 != candidate.eval_sha256:
        raise ValueError(
            f"两个模型的评估集不同（{champion.eval_version} vs {candidate.eval_version}），"
            "无法比较；请在同一冻结评估集上重新评估"
        )
    deltas = {
        code: round(candidate.per_class_f1.get(code, 0.0) - f1, 4)
        for code, f1 in champion.per_class_f1.items()
    }
    macro_delta = round(candidate.macro_f1 - champion.macro_f1, 4)
    failures = []
    if macro_delta < -opts.macro_f1_tolerance - 1e-9:
        failures.append(
            f"宏平均F1下降 {-macro_delta:.4f}（{champion.macro_f1:.4f} → {candidate.macro_f1:.4f}）"
        )
    for code, delta in sorted(deltas.items(), key=lambda kv: kv[1]):
        if delta < -opts.max_class_drop - 1e-9:
            failures.append(f"{code} 的F1下降 {-delta:.4f}（允许 {opts.max_class_drop:.2f}）")
    return GateDecision(
        candidate_version=candidate.model_version,
        champion_version=champion.model_version,
        eval_version=candidate.eval_version,
        passed=not failures,
        macro_f1_delta=macro_delta,
        accuracy_delta=round(candidate.accuracy - champion.accuracy, 4),
        class_deltas=deltas,
        failures=failures,
        candidate=candidate,
        champion=champion,
    )


def load_any(path: Path) -> Predictor:
    """Load a registered model directory by its ``meta.json`` kind (only ``tfidf`` so far)."""
    meta = json.loads((Path(path) / "meta.json").read_text(encoding="utf-8"))
    kind = meta.get("kind", "tfidf")
    if kind == "tfidf":
        from classify.tfidf import TfidfClassifier

        return TfidfClassifier.load(path)
    raise ValueError(f"未知的模型类型 {kind!r}（{path}）；可评估的类型: tfidf")


def metrics_for(
    entry: ModelEntry, eval_set: FrozenEvalSet, loader: Loader = load_any
) -> FrozenMetrics:
    """A registered model's metrics on ``eval_set``: from its ``meta.json`` when they were
    measured on the same set (same hash), else measured now."""
    stored = entry.meta.get("evaluation")
    if isinstance(stored, dict) and stored.get("eval_sha256") == eval_set.sha256:
        return FrozenMetrics.from_dict(stored)
    return measure(loader(entry.path), eval_set, model_version=entry.version)


def check(
    registry: Registry,
    version: str,
    eval_set: FrozenEvalSet,
    options: GateOptions | None = None,
    loader: Loader = load_any,
) -> GateDecision:
    """Measure ``version`` and the current champion on ``eval_set`` and decide.

    Raises:
        ValueError: Unknown version.
    """
    candidate = metrics_for(registry.get(version), eval_set, loader)
    champion_version = registry.champion_version()
    champion = None
    if champion_version is not None and champion_version != version:
        champion = metrics_for(registry.get(champion_version), eval_set, loader)
    return compare(candidate, champion, options)


@dataclass
class Promotion:
    """What a promotion did."""

    version: str
    previous: str | None
    overridden: bool
    reason: str | None
    decision: GateDecision


def promote(
    registry: Registry,
    decision: GateDecision,
    *,
    override_reason: str | None = None,
    actor: str = "system",
) -> Promotion:
    """Make the decision's candidate the champion, if the gate allows it or an analyst overrides.

    Args:
        registry: The registry holding the candidate.
        decision: The gate's verdict (from :func:`check` or :func:`compare`).
        override_reason: Why to promote a refused candidate anyway (recorded).
        actor: Who promotes (recorded).

    Raises:
        GateRefused: The gate refused and no (meaningful) reason was given.
    """
    reason = (override_reason or "").strip() or None
    if not decision.passed and (reason is None or len(reason) < MIN_REASON_CHARS):
        raise GateRefused(decision)
    previous = registry.champion_version()
    registry.promote(decision.candidate_version)
    overridden = not decision.passed
    registry.record(
        "promote_override" if overridden else "promote",
        decision.candidate_version,
        previous=previous,
        actor=actor,
        reason=reason,
        eval_version=decision.eval_version,
        macro_f1_delta=decision.macro_f1_delta,
        failures=decision.failures,
    )
    if overridden:
        logger.warning(
            "%s promoted %s despite the gate (%s): %s",
            actor, decision.candidate_version, "; ".join(decision.failures), reason,
        )  # fmt: skip
    return Promotion(decision.candidate_version, previous, overridden, reason, decision)


def rollback(registry: Registry, *, actor: str = "system", reason: str | None = None) -> ModelEntry:
    """Return to the previous champion in one step, and record it.

    Raises:
        ValueError: There is no earlier champion.
    """
    current = registry.champion_version()
    entry = registry.rollback()
    registry.record("rollback", entry.version, previous=current, actor=actor, reason=reason)
    return entry
