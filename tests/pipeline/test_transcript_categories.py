"""The default classifier, with the pipeline's hand-over cues, on real Whisper transcripts.

The frozen transcripts (``data/transcripts/whisper_base_calls.jsonl``) are what Whisper base
heard of the project's own calls; each call's script (``data/calls/**/scripts``) gives its
sub-category. The model is the one a fresh install trains from the seed set. Thresholds sit a
little below what it achieves (970 calls with a script: 961 top levels and 957
sub-categories right in the thirteenth session; 803 and 799 of 810 in the twelfth; 645 and
642 of 650 in the eleventh; 534 and 532 of 538 in the tenth; in the ninth, of 458 calls, 454
and 452, where summing sub-category scores per top level instead got 449 and 447).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from classify.dispatch import dispatch_departments
from classify.taxonomy import Taxonomy
from classify.tfidf import TfidfClassifier, train_from_tsv
from classify.urgency import detect_urgency
from pipeline.cues import reweigh, supported_codes

REPO = Path(__file__).resolve().parents[2]
TRANSCRIPTS = REPO / "data" / "transcripts" / "whisper_base_calls.jsonl"


def _codes() -> dict[str, str]:
    codes = {}
    for path in (REPO / "data" / "calls").glob("**/scripts/*.yaml"):
        script = yaml.safe_load(path.read_text(encoding="utf-8"))
        codes[script["id"]] = script["code"]
    return codes


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


@pytest.fixture(scope="module")
def model(taxonomy: Taxonomy) -> TfidfClassifier:
    return train_from_tsv([REPO / "data" / "seed" / "seed.tsv"], taxonomy)


@pytest.fixture(scope="module")
def scored(model: TfidfClassifier, taxonomy: Taxonomy) -> list[tuple[str, str, str]]:
    """(call id, script's code, code predicted) per transcript with a script."""
    codes = _codes()
    rows = []
    for line in TRANSCRIPTS.read_text(encoding="utf-8").splitlines():
        call = json.loads(line)
        call_id = call["file"].split(".")[0]
        if call_id not in codes:
            continue
        text = call["text"]
        urgency = detect_urgency(text, whole_call=text)
        supported = supported_codes(taxonomy, dispatch_departments(text, taxonomy), urgency.reasons)
        prediction = reweigh(model.predict(text), supported, taxonomy)
        rows.append((call_id, codes[call_id], prediction.code))
    return rows


def test_the_fresh_model_takes_the_likeliest_sub_category(model: TfidfClassifier) -> None:
    assert model.top_strategy == "best_sub"


def test_top_level_categories(scored: list[tuple[str, str, str]]) -> None:
    assert len(scored) == 970
    wrong = [row for row in scored if row[1].split(".")[0] != row[2].split(".")[0]]
    assert len(scored) - len(wrong) >= 954, wrong


def test_sub_categories(scored: list[tuple[str, str, str]]) -> None:
    wrong = [row for row in scored if row[1] != row[2]]
    assert len(scored) - len(wrong) >= 950, wrong
