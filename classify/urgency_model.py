"""A second opinion on urgency, learned from how Whisper hears the project's own calls.

The rules of :mod:`classify.urgency` read danger words and the agent's emergency handling,
and catch each misheard form once it has been seen (着了 written 真了, 栽进去 written 再进去).
A fresh call whose danger words Whisper garbled in a new way slips past them. A character
n-gram model reads the call as a whole instead: the caller's tone (快点, 赶紧, 出事了), the
agent's reaction, fragments of the danger words, so no single word decides.

It is trained on the Whisper base transcripts of the project's synthetic calls
(``data/transcripts/whisper_base_calls.jsonl``: 8 kHz telephone audio as the pipeline hears
it) and on the text of the call scripts (``data/calls/**/scripts/*.yaml``, every turn, as a
mono call is heard). Both were written for this project. Held out one set of calls at a time
(``bench/urgency_model.py``, 984 calls), no routine call of 721 scored above 0.38 and 256 of
263 urgent ones scored 0.7 (the pipeline's threshold) or more, among them urgent calls of
fresh sets that the rules of their time had missed (a banquet poisoning, a stairwell fire, a
leg caught in a manhole, a cracking balcony, a falling façade). The model also leans on the
caller's tone: an agitated routine complaint (快来人啊…工地半夜还在打桩) scores near 0.6,
which is why its word alone only flags a call for an operator to confirm, and why typed
messages are left to the rules.

Character 1–3-grams, TF-IDF with sublinear term frequency, logistic regression with
balanced class weights: small enough to train in about a second when first needed, so no
model file is shipped or cached.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

logger = logging.getLogger(__name__)

# Inverse regularisation strength of the logistic regression (chosen by held-out sets).
C = 30.0
NGRAMS = (1, 3)


class UrgencyDataError(ValueError):
    """The training data for the urgency model is missing or malformed."""


@dataclass(frozen=True)
class UrgencyExample:
    """One call's text and whether it was urgent.

    Attributes:
        text: The call as heard (a transcript) or as written (a script's turns joined).
        urgent: The truth.
        group: The set the call belongs to (``dev7``, ``sample``): calls of one set were
            written together, so held-out evaluation leaves a whole set out.
    """

    text: str
    urgent: bool
    group: str


def load_transcripts(path: Path) -> list[UrgencyExample]:
    """Examples from a JSONL of transcripts (``set``, ``text``, ``urgent`` per line).

    Raises:
        UrgencyDataError: The file is missing or a line lacks a field.
    """
    if not path.is_file():
        raise UrgencyDataError(f"没有找到紧急程度训练数据：{path}")
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            examples.append(UrgencyExample(str(row["text"]), bool(row["urgent"]), str(row["set"])))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise UrgencyDataError(f"{path}:{number}: 不是有效的转写记录 ({exc})") from exc
    return examples


def load_scripts(root: Path) -> list[UrgencyExample]:
    """Examples from the call scripts under ``root`` (``<set>/scripts/*.yaml``; the sample
    calls' own ``scripts/`` folder is the set ``sample``), every turn joined.

    Raises:
        UrgencyDataError: A script lacks ``urgent`` or ``turns``.
    """
    examples = []
    for path in sorted(root.glob("**/scripts/*.yaml")):
        folder = path.parent.parent
        group = "sample" if folder == root else folder.name
        try:
            script = yaml.safe_load(path.read_text(encoding="utf-8"))
            text = "".join(str(turn["text"]) for turn in script["turns"])
            examples.append(UrgencyExample(text, bool(script["urgent"]), group))
        except (yaml.YAMLError, KeyError, TypeError) as exc:
            raise UrgencyDataError(f"{path}: 不是有效的通话脚本 ({exc})") from exc
    return examples


class UrgencyModel:
    """Probability that a call reports immediate danger, from its characters."""

    def __init__(self, model: Pipeline, examples: int) -> None:
        self._model = model
        self.examples = examples

    @classmethod
    def train(cls, examples: Sequence[UrgencyExample]) -> UrgencyModel:
        """Fit on ``examples``.

        Raises:
            UrgencyDataError: Fewer than two examples of either kind.
        """
        labels = [e.urgent for e in examples]
        if min(labels.count(True), labels.count(False)) < 2:
            raise UrgencyDataError("紧急程度训练数据太少：紧急与非紧急通话各至少需要两条")
        model = make_pipeline(
            TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, sublinear_tf=True, min_df=2),
            LogisticRegression(C=C, class_weight="balanced", max_iter=3000),
        )
        model.fit([e.text for e in examples], labels)
        return cls(model, len(examples))

    def probability(self, text: str) -> float:
        """The probability that ``text`` reports immediate danger (0.0 for empty text)."""
        if not text.strip():
            return 0.0
        return float(self._model.predict_proba([text])[0][1])


def load_examples(transcripts: Path, scripts_root: Path) -> list[UrgencyExample]:
    """The transcripts and the call scripts together."""
    return [*load_transcripts(transcripts), *load_scripts(scripts_root)]


@functools.lru_cache(maxsize=4)
def trained_model(transcripts: Path, scripts_root: Path) -> UrgencyModel:
    """The model trained on the transcripts and scripts at these paths, trained once per
    process (every pipeline of a process shares it; the data do not change while it runs).

    Raises:
        UrgencyDataError: The data are missing or malformed.
    """
    examples = load_examples(transcripts, scripts_root)
    model = UrgencyModel.train(examples)
    logger.info(
        "urgency model trained on %d calls from %s and %s", len(examples), transcripts, scripts_root
    )
    return model


def held_out(
    pool: Sequence[UrgencyExample], tests: Sequence[UrgencyExample]
) -> list[tuple[UrgencyExample, float]]:
    """Each of ``tests`` scored by a model trained on ``pool`` without the test's group (a
    held-out set leaves both its transcripts and its scripts out)."""
    scored: list[tuple[UrgencyExample, float]] = []
    for group in sorted({e.group for e in tests}):
        model = UrgencyModel.train([e for e in pool if e.group != group])
        scored.extend((e, model.probability(e.text)) for e in tests if e.group == group)
    return scored
