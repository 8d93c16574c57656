"""An ensemble of the TF-IDF model and a fine-tuned BERT: a weighted mean of probabilities.

Training holds back a validation split (the one BERT fine-tuning uses for its epoch choice
and calibration), fits a TF-IDF model on the rest, and picks the TF-IDF weight that gives the
best macro-F1 of the mixed probabilities on that split (ties go to the larger TF-IDF weight,
the cheaper and steadier model). The review threshold is chosen on the same split. The TF-IDF
member is then refitted on all data; the BERT member keeps the fine-tuning split.

A model directory::

    meta.json          kind "ensemble", weights, labels, threshold, validation metrics
    members/tfidf/     a TF-IDF model directory
    members/bert/      a BERT model directory

Typical use::

    model = train(texts, labels, Path("models/inhouse-bert"), taxonomy)
    model.save("/tmp/ensemble")
    EnsembleClassifier.load("/tmp/ensemble").predict("小区门口的井盖没了")
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from classify import evaluate
from classify.bert.finetune import FinetuneOptions, finetune, split_validation
from classify.bert.model import BertClassifier
from classify.model_io import (
    SCHEME_TAXONOMY,
    ModelLoadError,
    meta_head,
    read_meta,
    read_training_tsvs,
)
from classify.scoring import describe_with, prediction_from_row
from classify.taxonomy import Taxonomy
from classify.tfidf import TfidfClassifier, TfidfOptions
from classify.types import Prediction

logger = logging.getLogger(__name__)

KIND = "ensemble"
META_SCHEMA = 1
META_FILE = "meta.json"
MEMBERS_DIR = "members"


@dataclass
class EnsembleOptions:
    """How to train the ensemble.

    Attributes:
        weight_steps: The TF-IDF weight is searched over ``0, 1/n, ..., 1`` (n = this).
        target_precision: Wanted precision of predictions that skip review.
        bert: Fine-tuning options (its ``val_fraction`` and ``seed`` set the validation
            split the weight is chosen on).
        tfidf: TF-IDF options; the label scheme's defaults when None.
    """

    weight_steps: int = 20
    target_precision: float = 0.9
    bert: FinetuneOptions = field(default_factory=FinetuneOptions)
    tfidf: TfidfOptions | None = None

    def __post_init__(self) -> None:
        if self.weight_steps < 1:
            raise ValueError("weight_steps 至少为 1")


def mix(tfidf_proba: np.ndarray, bert_proba: np.ndarray, tfidf_weight: float) -> np.ndarray:
    """The weighted mean of two probability matrices with the same columns."""
    return tfidf_weight * tfidf_proba + (1.0 - tfidf_weight) * bert_proba


def choose_weight(
    tfidf_proba: np.ndarray, bert_proba: np.ndarray, targets: np.ndarray, steps: int
) -> tuple[float, dict[str, float]]:
    """The TF-IDF weight with the best macro-F1 on ``targets`` (class indices).

    Returns the weight and the macro-F1 of every weight tried (keys rounded to 3 places).
    Ties go to the larger weight.
    """
    tried: dict[str, float] = {}
    best_w, best_f1 = 1.0, -1.0
    for k in range(steps, -1, -1):  # from 1.0 down: ties keep the larger weight
        w = k / steps
        picked = mix(tfidf_proba, bert_proba, w).argmax(axis=1)
        f1 = float(f1_score(targets, picked, average="macro", zero_division=0))
        tried[f"{w:.3f}"] = round(f1, 4)
        if f1 > best_f1 + 1e-12:
            best_w, best_f1 = w, f1
    return best_w, tried


class EnsembleClassifier:
    """TF-IDF and BERT members whose probabilities are mixed with a fixed weight."""

    def __init__(
        self,
        tfidf: TfidfClassifier,
        bert: BertClassifier,
        meta: dict[str, Any],
        taxonomy: Taxonomy | None = None,
    ) -> None:
        """Wrap two fitted members; use :func:`train` or :meth:`load` rather than this."""
        self.labels: list[str] = [str(x) for x in meta["labels"]]
        if tfidf.classes != self.labels or bert.labels != self.labels:
            raise ModelLoadError("集成模型的成员标签不一致；请重新训练")
        self.tfidf, self.bert, self.meta = tfidf, bert, meta
        self.scheme = str(meta.get("label_scheme", "free"))
        self.taxonomy = taxonomy if self.scheme == SCHEME_TAXONOMY else None
        if self.scheme == SCHEME_TAXONOMY and self.taxonomy is None:
            self.taxonomy = Taxonomy.load()
        self._describe = describe_with(self.taxonomy)
        self.tfidf_weight = float(meta["weights"]["tfidf"])
        self.threshold = float(meta["threshold"])
        self.top_strategy = str(meta.get("top_strategy", "best_sub"))
        self.version = str(meta["version"])

    def scores(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Mixed probabilities (columns in :attr:`labels` order) and, per text, whether both
        members know some of its words or characters."""
        tfidf_proba, tfidf_known = self.tfidf.scores(texts)
        if self.tfidf_weight >= 1.0:
            bert_proba = np.zeros_like(tfidf_proba)
        else:
            bert_proba = self.bert.predict_proba(texts)
        known = np.array(
            [k and self.bert.has_known_tokens(t) for k, t in zip(tfidf_known, texts, strict=True)]
        )
        return mix(tfidf_proba, bert_proba, self.tfidf_weight), known

    def predict(self, text: str) -> Prediction:
        """Classify one text; see :meth:`predict_many`."""
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[Prediction]:
        """Classify texts; review is needed below the threshold or for unknown text."""
        if not texts:
            return []
        proba, known = self.scores(texts)
        picked = evaluate.decide(proba, self.labels, self.top_strategy)
        return [
            prediction_from_row(
                row,
                int(best),
                self.labels,
                self._describe,
                threshold=self.threshold,
                known=bool(k),
                version=self.version,
            )
            for row, best, k in zip(proba, picked, known, strict=True)
        ]

    def save(self, directory: Path | str) -> Path:
        """Write members and ``meta.json``; the directory appears complete or not at all."""
        directory = Path(directory)
        if directory.exists() and any(directory.iterdir()):
            raise FileExistsError(f"输出目录已存在且不为空: {directory}")
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
        try:
            self.tfidf.save(tmp / MEMBERS_DIR / "tfidf")
            self.bert.save(tmp / MEMBERS_DIR / "bert")
            (tmp / META_FILE).write_text(
                json.dumps(self.meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            if directory.exists():
                directory.rmdir()
            os.replace(tmp, directory)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        logger.info("saved ensemble %s to %s", self.version, directory)
        return directory

    @classmethod
    def load(cls, directory: Path | str, taxonomy: Taxonomy | None = None) -> EnsembleClassifier:
        """Load a directory written by :meth:`save`.

        Raises:
            ModelLoadError: Not an ensemble directory, or a member is missing or broken.
        """
        directory = Path(directory)
        meta = read_meta(directory)
        if meta.get("kind") != KIND:
            kind = meta.get("kind")
            raise ModelLoadError(f"{directory} 中的模型类型为 {kind!r}，需要 'ensemble'")
        members = directory / MEMBERS_DIR
        tax = taxonomy or (Taxonomy.load() if meta.get("label_scheme") == SCHEME_TAXONOMY else None)
        tfidf = TfidfClassifier.load(members / "tfidf", tax or Taxonomy.load())
        bert = BertClassifier.load(members / "bert", tax)
        return cls(tfidf, bert, meta, tax)


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    base_dir: Path | str,
    taxonomy: Taxonomy,
    options: EnsembleOptions | None = None,
) -> EnsembleClassifier:
    """Fine-tune BERT, fit TF-IDF, and choose the mixing weight on the validation split.

    Args:
        texts: Training texts.
        labels: Sub-category codes of the taxonomy, or any other label set.
        base_dir: The BERT to fine-tune (the in-house checkpoint or any BERT-family dir).
        taxonomy: The hotline taxonomy.
        options: Training options.

    Raises:
        ValueError: Empty or mismatched data, fewer than 2 labels, a label with < 2 examples.
        ModelLoadError: ``base_dir`` is not a BERT-family model directory.
    """
    opts = options or EnsembleOptions()
    texts, labels = list(texts), list(labels)
    bert = finetune(texts, labels, base_dir, taxonomy, opts.bert)
    scheme = SCHEME_TAXONOMY if bert.scheme == SCHEME_TAXONOMY else "free"
    train_idx, val_idx = split_validation(labels, opts.bert.val_fraction, opts.bert.seed)
    if len(val_idx) != int(bert.meta["n_val"]):  # the split BERT was validated on
        raise RuntimeError("验证集划分与 BERT 微调不一致")
    val_texts = [texts[i] for i in val_idx]
    val_targets = np.array([bert.labels.index(labels[i]) for i in val_idx])

    held_tfidf = TfidfClassifier.train(
        [texts[i] for i in train_idx], [labels[i] for i in train_idx], taxonomy, opts.tfidf
    )
    if held_tfidf.classes != bert.labels:
        raise ValueError("训练集划分后有类别在训练部分中缺失；每类至少需要 2 条以上样本")
    tfidf_val, _ = held_tfidf.scores(val_texts)
    bert_val = bert.predict_proba(val_texts)
    weight, tried = choose_weight(tfidf_val, bert_val, val_targets, opts.weight_steps)
    mixed = mix(tfidf_val, bert_val, weight)

    strategy = "best_sub"
    if scheme == SCHEME_TAXONOMY:
        gold = [labels[i] for i in val_idx]
        strategy = max(
            evaluate.TOP_STRATEGIES,
            key=lambda s: (
                evaluate.score(
                    gold, [bert.labels[j] for j in evaluate.decide(mixed, bert.labels, s)]
                ).top_accuracy
            ),
        )
    picked = evaluate.decide(mixed, bert.labels, strategy)
    confidences = mixed[np.arange(len(picked)), picked]
    correct = picked == val_targets
    threshold = evaluate.choose_threshold(confidences, correct, opts.target_precision)

    def val_f1(proba: np.ndarray) -> float:
        return round(float(f1_score(val_targets, proba.argmax(axis=1), average="macro")), 4)

    report = {
        "n_val": len(val_idx),
        "macro_f1": {
            "tfidf": val_f1(tfidf_val),
            "bert": val_f1(bert_val),
            "ensemble": val_f1(mixed),
        },
        "by_tfidf_weight": tried,
        "review": evaluate.review_summary(confidences, correct, threshold),
    }
    logger.info("ensemble validation: %s", report)

    tfidf = TfidfClassifier.train(texts, labels, taxonomy, opts.tfidf)  # all data
    meta = {
        **meta_head(KIND, META_SCHEMA, bert.labels, scheme, texts, labels),
        "n_train": len(texts),
        "weights": {"tfidf": weight, "bert": round(1.0 - weight, 6)},
        "threshold": round(float(threshold), 6),
        "top_strategy": strategy,
        "members": {"tfidf": tfidf.version, "bert": bert.version},
        "base_model": str(base_dir),
        "options": {
            "weight_steps": opts.weight_steps,
            "target_precision": opts.target_precision,
            "bert": asdict(opts.bert),
        },
        "val_metrics": report,
    }
    return EnsembleClassifier(tfidf, bert, meta, taxonomy if scheme == SCHEME_TAXONOMY else None)


def train_from_tsv(
    paths: Sequence[Path | str],
    base_dir: Path | str,
    taxonomy: Taxonomy,
    options: EnsembleOptions | None = None,
) -> EnsembleClassifier:
    """Train on TSV files (``label`` + ``text``, or ``label`` + space-separated ``tokens``).

    Raises:
        TrainingDataError: A file is missing or has the wrong columns.
    """
    texts, labels = read_training_tsvs(paths)
    return train(texts, labels, base_dir, taxonomy, options)
