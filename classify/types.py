"""Plain data passed out of the text-understanding stage."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Alternative:
    """A runner-up sub-category with its score."""

    code: str
    label: str
    score: float


@dataclass
class Prediction:
    """What the classifier thinks a caller is talking about.

    Attributes:
        top: Top-level category code (``safety``, ``environment``, ``administrative``).
        code: Sub-category code, e.g. ``environment.garbage``.
        label: Chinese label of the sub-category.
        confidence: Probability of ``code`` (0..1).
        alternatives: Next most likely sub-categories, best first.
        department: Chinese name of the responsible department.
        needs_review: True when an operator should look before dispatching.
        model_version: Identifier of the model that made the prediction.
    """

    top: str
    code: str
    label: str
    confidence: float
    alternatives: list[Alternative] = field(default_factory=list)
    department: str = ""
    needs_review: bool = False
    model_version: str = ""


@dataclass
class Entities:
    """Facts pulled out of the caller's words."""

    phones: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)
