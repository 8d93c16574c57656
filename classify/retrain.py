"""Retraining: base data + analysts' corrections -> a new registered version, measured.

The new model is trained on the base data (the seed set) plus the exported confirmed tickets
(corrections win over a base example with the same normalised text), measured on a frozen
evaluation set together with the current champion, registered (not promoted) with those
metrics in its ``meta.json``, and judged by the promotion gate. Promotion is a separate,
deliberate step (:func:`classify.gate.promote`).

Typical use::

    result = retrain(["data/seed/seed.tsv"], "corrections.tsv", load_frozen_eval(), registry)
    print(format_report(result))
    if result.decision.passed:
        promote(registry, result.decision, actor="analyst01")
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from classify.export import (
    DEFAULT_FROZEN_EVAL,
    FrozenEvalSet,
    file_sha256,
    load_frozen_eval,
    text_key,
)
from classify.gate import (
    FrozenMetrics,
    GateDecision,
    GateOptions,
    Loader,
    Promotion,
    compare,
    load_any,
    measure,
    metrics_for,
    promote,
)
from classify.model_io import read_training_tsv
from classify.registry import Registry
from classify.taxonomy import Taxonomy
from classify.tfidf import TfidfClassifier, TfidfOptions

logger = logging.getLogger(__name__)

ProgressFn = Callable[[str, float], None]
"""Called with a stage name (``load``, ``train``, ``evaluate``, ``register``, ``done``) and
the fraction done (0..1)."""

PathLike = Path | str


@dataclass
class RetrainOptions:
    """How to retrain.

    Attributes:
        tfidf: Model options (the TF-IDF defaults when None).
        corrections_weight: How many times each exported example counts (1..10); more than
            1 lets a few corrections outweigh many old examples.
        gate: Thresholds of the promotion gate.
    """

    tfidf: TfidfOptions | None = None
    corrections_weight: int = 1
    gate: GateOptions = field(default_factory=GateOptions)

    def __post_init__(self) -> None:
        if not 1 <= self.corrections_weight <= 10:
            raise ValueError("corrections_weight 应在 1 到 10 之间")


@dataclass
class TrainingSet:
    """The examples a retraining uses, and what was left out."""

    texts: list[str]
    labels: list[str]
    n_base: int
    n_corrections: int
    replaced_base: int
    dropped_eval_overlap: int


@dataclass
class RetrainResult:
    """A retraining's outcome: the registered version, its metrics and the gate's verdict.

    Attributes:
        version: The new version (registered, not promoted).
        path: Its directory in the registry.
        training: Counts of the training data.
        metrics: The new model on the frozen set.
        champion_metrics: The champion on the same frozen set (None without a champion).
        decision: The promotion gate's verdict (per-class deltas inside).
    """

    version: str
    path: Path
    training: TrainingSet
    metrics: FrozenMetrics
    champion_metrics: FrozenMetrics | None
    decision: GateDecision

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable summary (training texts left out)."""
        training = asdict(self.training)
        del training["texts"], training["labels"]
        return {
            "version": self.version,
            "path": str(self.path),
            "training": {**training, "n_train": len(self.training.texts)},
            "metrics": self.metrics.as_dict(),
            "champion_metrics": self.champion_metrics.as_dict() if self.champion_metrics else None,
            "decision": self.decision.as_dict(),
        }


def _paths(value: PathLike | Sequence[PathLike] | None) -> list[Path]:
    if value is None:
        return []
    if isinstance(value, str | Path):
        return [Path(value)]
    return [Path(v) for v in value]


def build_training_set(
    base: Sequence[PathLike],
    corrections: Sequence[PathLike],
    eval_set: FrozenEvalSet,
    corrections_weight: int = 1,
) -> TrainingSet:
    """Merge base data and corrections, without any text of the frozen set.

    A correction replaces a base example with the same normalised text (the analyst's
    decision is newer); texts that occur in the evaluation set are dropped (no leakage).
    """
    eval_keys = {text_key(t) for t in eval_set.texts}
    merged: dict[str, tuple[str, str, bool]] = {}
    n_base = n_corr = replaced = 0
    for path in base:
        for text, label in zip(*read_training_tsv(path), strict=True):
            merged[text_key(text)] = (text, label, False)
            n_base += 1
    for path in corrections:
        for text, label in zip(*read_training_tsv(path), strict=True):
            key = text_key(text)
            if key in merged and not merged[key][2]:
                replaced += 1
            merged[key] = (text, label, True)
            n_corr += 1
    texts: list[str] = []
    labels: list[str] = []
    dropped = 0
    for key, (text, label, is_correction) in merged.items():
        if key in eval_keys:
            dropped += 1
            continue
        repeat = corrections_weight if is_correction else 1
        texts += [text] * repeat
        labels += [label] * repeat
    if dropped:
        logger.warning("left out %d training texts that are in the evaluation set", dropped)
    return TrainingSet(texts, labels, n_base, n_corr, replaced, dropped)


def _step(progress: ProgressFn | None, stage: str, fraction: float) -> None:
    logger.info("retrain: %s (%.0f%%)", stage, fraction * 100)
    if progress is not None:
        progress(stage, fraction)


def retrain(
    base_tsv: PathLike | Sequence[PathLike],
    corrections_tsv: PathLike | Sequence[PathLike] | None,
    frozen_eval: FrozenEvalSet | PathLike,
    registry: Registry,
    *,
    taxonomy: Taxonomy | None = None,
    options: RetrainOptions | None = None,
    loader: Loader = load_any,
    progress: ProgressFn | None = None,
) -> RetrainResult:
    """Train a new version on base data + corrections, register it, measure it against the
    champion on the frozen set, and ask the gate (nothing is promoted here).

    Args:
        base_tsv: One or more ``label``/``text`` TSV files (the seed data).
        corrections_tsv: Exported confirmed tickets (``classify.export`` format), or None.
        frozen_eval: The frozen evaluation set, or the path of its TSV (checked against its
            manifest).
        registry: Where the new version is registered and the champion is found.
        taxonomy: The taxonomy (the project's when None).
        options: Model, weighting and gate options.
        loader: Loads the champion's directory.
        progress: Called as the work advances.

    Raises:
        FrozenSetError: The evaluation set does not match its manifest.
        TrainingDataError, ValueError: Unreadable or insufficient training data.
    """
    opts = options or RetrainOptions()
    _step(progress, "load", 0.02)
    eval_set = (
        frozen_eval if isinstance(frozen_eval, FrozenEvalSet) else load_frozen_eval(frozen_eval)
    )
    base, corrections = _paths(base_tsv), _paths(corrections_tsv)
    data = build_training_set(base, corrections, eval_set, opts.corrections_weight)
    _step(progress, "train", 0.1)
    model = TfidfClassifier.train(data.texts, data.labels, taxonomy or Taxonomy.load(), opts.tfidf)
    _step(progress, "evaluate", 0.8)
    metrics = measure(model, eval_set)
    champion_version = registry.champion_version()
    champion_metrics = (
        metrics_for(registry.get(champion_version), eval_set, loader) if champion_version else None
    )
    _step(progress, "register", 0.9)
    model.meta["evaluation"] = metrics.as_dict()
    model.meta["retrain"] = _provenance(base, corrections, data, opts)
    with tempfile.TemporaryDirectory() as tmp:
        model.save(Path(tmp) / "model")
        entry = registry.add(Path(tmp) / "model")
    registry.record("register", entry.version, eval_version=eval_set.version)
    decision = compare(metrics, champion_metrics, opts.gate)
    _step(progress, "done", 1.0)
    return RetrainResult(entry.version, entry.path, data, metrics, champion_metrics, decision)


def _provenance(
    base: list[Path], corrections: list[Path], data: TrainingSet, opts: RetrainOptions
) -> dict[str, Any]:
    """What the model was trained on, for its ``meta.json``."""
    return {
        "base_files": [{"name": p.name, "sha256": file_sha256(p)} for p in base],
        "corrections_files": [{"name": p.name, "sha256": file_sha256(p)} for p in corrections],
        "n_base": data.n_base,
        "n_corrections": data.n_corrections,
        "replaced_base": data.replaced_base,
        "dropped_eval_overlap": data.dropped_eval_overlap,
        "corrections_weight": opts.corrections_weight,
        "training_texts_sha256": hashlib.sha256(
            "\n".join(sorted(set(data.texts))).encode("utf-8")
        ).hexdigest(),
    }


def format_report(result: RetrainResult, top: int = 5) -> str:
    """A short human-readable report (for the CLI): metrics, deltas, the gate's verdict."""
    m, d = result.metrics, result.decision
    lines = [
        f"新模型版本：{result.version}",
        f"训练样本：{len(result.training.texts)}（基础 {result.training.n_base}，"
        f"更正导出 {result.training.n_corrections}）",
        f"冻结评估集：{m.eval_version}（{m.n} 条，sha256 {m.eval_sha256[:12]}）",
        f"新模型：准确率 {m.accuracy:.4f}，宏平均F1 {m.macro_f1:.4f}",
    ]
    if result.champion_metrics is not None:
        c = result.champion_metrics
        lines.append(
            f"当前模型 {c.model_version}：准确率 {c.accuracy:.4f}，宏平均F1 {c.macro_f1:.4f}"
        )
        moved = sorted(d.class_deltas.items(), key=lambda kv: abs(kv[1]), reverse=True)
        for code, delta in [kv for kv in moved if kv[1] != 0][:top]:
            lines.append(f"  {code}: F1 {delta:+.4f}")
    verdict = "通过，可以上线" if d.passed else "未通过：" + "；".join(d.failures)
    lines.append(f"上线评估：{verdict}")
    return "\n".join(lines)


def run_retrain(
    corrections_tsv: PathLike | Sequence[PathLike] | None,
    *,
    registry_dir: PathLike,
    base_tsv: PathLike | Sequence[PathLike],
    frozen_eval: PathLike | None = None,
    taxonomy_path: PathLike | None = None,
    corrections_weight: int = 1,
    promote_if_passed: bool = False,
    override_reason: str | None = None,
    actor: str = "cli",
) -> tuple[RetrainResult, Promotion | None]:
    """The ``minsheng retrain`` command: retrain, report, optionally promote through the gate.

    Args:
        corrections_tsv: Exported confirmed tickets (``minsheng export-training``).
        registry_dir: The model registry.
        base_tsv: Base training data (the seed set).
        frozen_eval: Frozen evaluation TSV (``data/eval/frozen-v1.tsv`` when None).
        taxonomy_path: The taxonomy file (the project's when None).
        corrections_weight: How often each exported example counts.
        promote_if_passed: Promote when the gate passes (or when overridden).
        override_reason: Promote even if the gate refuses, for this reason (recorded).
        actor: Who is recorded as promoting.

    Returns:
        The retraining result, and the promotion (None when not promoted).

    Raises:
        GateRefused: Promotion was asked for, the gate refused and no reason was given (the
            new version stays registered).
    """
    registry = Registry(Path(registry_dir))
    result = retrain(
        base_tsv,
        corrections_tsv,
        frozen_eval or DEFAULT_FROZEN_EVAL,
        registry,
        taxonomy=Taxonomy.load(taxonomy_path),
        options=RetrainOptions(corrections_weight=corrections_weight),
    )
    promotion = None
    if promote_if_passed or override_reason:
        promotion = promote(registry, result.decision, override_reason=override_reason, actor=actor)
    return result, promotion
