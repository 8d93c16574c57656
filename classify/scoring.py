"""Turning one row of class probabilities into a :class:`Prediction` (shared by all kinds)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from classify.types import Alternative, Prediction

if TYPE_CHECKING:
    from classify.taxonomy import Taxonomy

MAX_ALTERNATIVES = 3

# (top, label, department) of a class label.
Describe = Callable[[str], tuple[str, str, str]]


def describe_with(taxonomy: Taxonomy | None) -> Describe:
    """How a model describes its labels: sub-category codes through ``taxonomy``; with None
    (free labels, such as TipDM's) a label is its own top category and label, with no
    department."""

    def describe(code: str) -> tuple[str, str, str]:
        if taxonomy is None:
            return code, code, ""
        sub = taxonomy.subcategory(code)
        return sub.top, sub.label, taxonomy.department_of(code).name

    return describe


def prediction_from_row(
    row: np.ndarray,
    best: int,
    labels: Sequence[str],
    describe: Describe,
    *,
    threshold: float,
    known: bool,
    version: str,
) -> Prediction:
    """The prediction for class ``best`` with up to three runners-up.

    Args:
        row: Probabilities over ``labels``.
        best: Index of the chosen class (not always the arg-max: see ``evaluate.decide``).
        labels: Class labels in the order of ``row``.
        describe: Gives a label's top category, Chinese label and department.
        threshold: Confidence below which an operator must review.
        known: False when the text had nothing the model knows (gibberish): always reviewed.
        version: The model version recorded with the prediction.
    """
    code = labels[best]
    top, label, department = describe(code)
    confidence = float(row[best])
    runners = [int(i) for i in np.argsort(-row, kind="stable") if i != best]
    alternatives = [
        Alternative(code=labels[i], label=describe(labels[i])[1], score=float(row[i]))
        for i in runners[:MAX_ALTERNATIVES]
    ]
    return Prediction(
        top=top,
        code=code,
        label=label,
        confidence=confidence,
        alternatives=alternatives,
        department=department,
        needs_review=confidence < threshold or not known,
        model_version=version,
    )
