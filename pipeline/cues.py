"""What else in a call speaks for a category: the agent's hand-over and the kind of danger.

The classifier reads the caller's words. Two more things in a call point at a sub-category:
the department the agent says the call goes to (:func:`classify.dispatch.dispatch_departments`)
and the kind of danger found (a gas leak is a 燃气泄漏 ticket, a fire a 火灾隐患 one). Neither
overrides the model: a sub-category they support has its score multiplied by :data:`BOOST`
among the model's best few, and wins only if that puts it first. When it does, the draft goes
to review, since the model disagreed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from classify.taxonomy import Taxonomy, TaxonomyError
from classify.types import Alternative, Prediction

# How much a cue multiplies a candidate's score.
BOOST = 4.0
# Kinds of danger (labels of classify.urgency) and the sub-category each one is.
DANGER_CODES: dict[str, str] = {
    "燃气泄漏": "safety.gas_leak",
    "火情": "safety.fire_hazard",
    "群体食物中毒": "safety.food_safety",
}


def supported_codes(
    taxonomy: Taxonomy, departments: Iterable[str], urgency_reasons: Iterable[str]
) -> set[str]:
    """Sub-categories supported by the named departments and the kinds of danger found."""
    keys = set(departments)
    codes = {s.code for s in taxonomy.iter_subcategories() if s.department in keys}
    for reason in urgency_reasons:
        code = DANGER_CODES.get(reason.split("：", 1)[0])
        if code is not None and code in taxonomy.subcategory_codes:
            codes.add(code)
    return codes


def reweigh(prediction: Prediction, supported: set[str], taxonomy: Taxonomy) -> Prediction:
    """The prediction after boosting the ``supported`` sub-categories among its candidates.

    Examples:
        >>> tax = Taxonomy.load()
        >>> p = Prediction(top="safety", code="safety.traffic_safety", label="交通安全设施",
        ...     confidence=0.36, alternatives=[Alternative("environment.garbage", "垃圾", 0.2)])
        >>> reweigh(p, {"environment.garbage"}, tax).code
        'environment.garbage'
        >>> reweigh(p, {"environment.garbage"}, tax).needs_review
        True
    """
    candidates = [
        Alternative(prediction.code, prediction.label, prediction.confidence),
        *prediction.alternatives,
    ]
    if not supported or not any(c.code in supported for c in candidates):
        return prediction
    best = max(
        range(len(candidates)),
        key=lambda i: candidates[i].score * (BOOST if candidates[i].code in supported else 1.0),
    )
    if best == 0:
        return prediction
    chosen = candidates[best]
    try:
        department = taxonomy.department_of(chosen.code).name
        top = taxonomy.top_of(chosen.code).code
    except TaxonomyError:  # a label outside the taxonomy (a free-label model): leave it
        return prediction
    return replace(
        prediction,
        top=top,
        code=chosen.code,
        label=chosen.label,
        confidence=chosen.score,
        alternatives=[c for i, c in enumerate(candidates) if i != best],
        department=department,
        needs_review=True,
    )
