"""Scoring helpers shared by classifiers: top-level decisions, metrics, review threshold."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

logger = logging.getLogger(__name__)

TOP_STRATEGIES = ("best_sub", "sum")


def top_of_code(code: str) -> str:
    """Top-level part of a sub-category code (``environment.garbage`` -> ``environment``)."""
    return code.split(".", 1)[0]


def decide(proba: np.ndarray, classes: Sequence[str], strategy: str) -> np.ndarray:
    """Pick one sub-category index per row of a probability matrix.

    Args:
        proba: Shape (n, len(classes)); each row sums to 1.
        classes: Sub-category codes of the columns.
        strategy: ``best_sub`` takes the most probable sub-category; ``sum`` first picks the
            top-level category with the largest summed probability, then its most probable
            sub-category.

    Returns:
        Column indices, shape (n,).

    Raises:
        ValueError: Unknown strategy.
    """
    if strategy == "best_sub":
        return np.asarray(proba.argmax(axis=1))
    if strategy != "sum":
        raise ValueError(f"未知的一级分类决策方式 {strategy!r}；可选: {', '.join(TOP_STRATEGIES)}")
    tops = [top_of_code(c) for c in classes]
    names = sorted(set(tops))
    member = np.array([[t == name for t in tops] for name in names], dtype=float)  # (T, C)
    best_top = (proba @ member.T).argmax(axis=1)
    masked = np.where(member[best_top].astype(bool), proba, -1.0)
    return np.asarray(masked.argmax(axis=1))


@dataclass
class Scores:
    """Accuracy and macro-F1 at sub-category and top level."""

    sub_accuracy: float
    sub_macro_f1: float
    top_accuracy: float
    top_macro_f1: float

    def as_dict(self) -> dict[str, float]:
        """Plain dict, rounded for a metrics file."""
        return {k: round(v, 4) for k, v in asdict(self).items()}


def score(true_codes: Sequence[str], pred_codes: Sequence[str]) -> Scores:
    """Score predicted sub-category codes against the truth at both levels."""
    true_top = [top_of_code(c) for c in true_codes]
    pred_top = [top_of_code(c) for c in pred_codes]
    return Scores(
        sub_accuracy=float(accuracy_score(true_codes, pred_codes)),
        sub_macro_f1=float(f1_score(true_codes, pred_codes, average="macro", zero_division=0)),
        top_accuracy=float(accuracy_score(true_top, pred_top)),
        top_macro_f1=float(f1_score(true_top, pred_top, average="macro", zero_division=0)),
    )


def choose_threshold(
    confidences: np.ndarray,
    correct: np.ndarray,
    target_precision: float = 0.9,
    min_support: int = 10,
) -> float:
    """The lowest confidence at which accepted predictions are still precise enough.

    Predictions with confidence >= the threshold are accepted; the threshold keeps as many
    as possible while their precision stays >= ``target_precision``.

    Args:
        confidences: Confidence of each held-out prediction.
        correct: Whether each prediction was right.
        target_precision: Wanted precision of accepted predictions.
        min_support: Fewest accepted predictions for a threshold to count.

    Returns:
        The threshold; 1.0 (send everything to review) when no threshold reaches the target.
    """
    conf = np.asarray(confidences, dtype=float)
    ok = np.asarray(correct, dtype=float)
    order = np.argsort(-conf, kind="stable")
    conf, ok = conf[order], ok[order]
    precision = np.cumsum(ok) / np.arange(1, len(ok) + 1)
    # A cut is only possible where the confidence changes (ties are accepted together).
    is_boundary = np.append(conf[:-1] > conf[1:], True)
    enough = np.arange(1, len(ok) + 1) >= min(min_support, len(ok))
    candidates = np.flatnonzero(is_boundary & enough & (precision >= target_precision))
    if candidates.size == 0:
        logger.warning(
            "no threshold reaches precision %.2f; every prediction needs review", target_precision
        )
        return 1.0
    return float(conf[candidates[-1]])


def review_summary(
    confidences: np.ndarray, correct: np.ndarray, threshold: float
) -> dict[str, Any]:
    """Coverage and precision of the predictions accepted at ``threshold``."""
    conf = np.asarray(confidences, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    accepted = conf >= threshold
    n_accepted = int(accepted.sum())
    return {
        "threshold": round(float(threshold), 4),
        "coverage": round(n_accepted / max(len(conf), 1), 4),
        "precision_accepted": round(float(ok[accepted].mean()), 4) if n_accepted else None,
        "accuracy_in_review": round(float(ok[~accepted].mean()), 4)
        if n_accepted < len(conf)
        else None,
    }
