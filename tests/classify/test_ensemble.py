"""Tests for the TF-IDF + BERT ensemble: weight choice, training, saving, loading."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from classify.bert.finetune import FinetuneOptions
from classify.ensemble import (
    EnsembleClassifier,
    EnsembleOptions,
    choose_weight,
    mix,
    train,
)
from classify.model_io import ModelLoadError, read_training_tsv
from classify.taxonomy import Taxonomy
from pipeline.classifier import load_model_dir
from tests.classify.bert_fixtures import SEED_TSV

SUBS = ("safety.gas_leak", "environment.garbage", "administrative.heating", "safety.road_hazard")
FAST = EnsembleOptions(weight_steps=10, bert=FinetuneOptions(epochs=1, batch_size=16))


def _subset(subs: tuple[str, ...] = SUBS) -> tuple[list[str], list[str]]:
    texts, labels = read_training_tsv(SEED_TSV)
    keep = [i for i, label in enumerate(labels) if label in subs]
    return [texts[i] for i in keep], [labels[i] for i in keep]


@pytest.fixture(scope="module")
def ensemble(tiny_base: Path) -> EnsembleClassifier:
    texts, labels = _subset()
    return train(texts, labels, tiny_base, Taxonomy.load(), FAST)


def test_mix_is_a_weighted_mean() -> None:
    a = np.array([[1.0, 0.0]])
    b = np.array([[0.0, 1.0]])
    assert mix(a, b, 0.25).tolist() == [[0.25, 0.75]]


def test_choose_weight_follows_the_better_member_and_breaks_ties_upwards() -> None:
    targets = np.array([0, 1, 0, 1])
    right = np.eye(2)[targets]
    wrong = np.eye(2)[1 - targets]
    weight, tried = choose_weight(wrong, right, targets, steps=4)
    assert weight < 0.5  # BERT right, TF-IDF wrong: the mix leans on BERT
    assert tried["0.000"] == 1.0 and tried["1.000"] == 0.0
    weight, _ = choose_weight(right, right, targets, steps=4)
    assert weight == 1.0  # all weights tie: keep TF-IDF alone


def test_trained_ensemble_describes_itself(ensemble: EnsembleClassifier) -> None:
    meta = ensemble.meta
    assert meta["kind"] == "ensemble" and meta["version"].startswith("ensemble-")
    assert meta["labels"] == sorted(SUBS)
    assert meta["weights"]["tfidf"] + meta["weights"]["bert"] == pytest.approx(1.0)
    assert set(meta["val_metrics"]["macro_f1"]) == {"tfidf", "bert", "ensemble"}
    assert len(meta["val_metrics"]["by_tfidf_weight"]) == 11
    assert meta["members"]["tfidf"].startswith("tfidf-")
    assert meta["members"]["bert"].startswith("bert-")
    assert 0.0 <= meta["threshold"] <= 1.0
    assert ensemble.bert.max_length == 64  # capped at the tiny base model's positions


def test_ensemble_predicts_taxonomy_categories(ensemble: EnsembleClassifier) -> None:
    gas = ensemble.predict("楼道里一股煤气味，燃气管道好像漏气了")
    assert gas.code == "safety.gas_leak" and gas.top == "safety"
    assert gas.department == Taxonomy.load().department_of("safety.gas_leak").name
    assert 0.0 < gas.confidence <= 1.0
    assert [a.code for a in gas.alternatives] != [] and gas.model_version == ensemble.version
    assert ensemble.predict_many([]) == []
    assert ensemble.predict("￥￥￥").needs_review  # nothing either member knows


def test_save_load_round_trip(ensemble: EnsembleClassifier, tmp_path: Path) -> None:
    out = ensemble.save(tmp_path / "ens")
    assert sorted(p.name for p in (out / "members").iterdir()) == ["bert", "tfidf"]
    loaded = load_model_dir(out)
    assert isinstance(loaded, EnsembleClassifier)
    texts = ["小区垃圾三天没人收了", "暖气片不热", "路上井盖没了"]
    before = ensemble.scores(texts)[0]
    after = loaded.scores(texts)[0]
    np.testing.assert_allclose(before, after, atol=1e-6)
    with pytest.raises(FileExistsError):
        ensemble.save(out)


def test_missing_member_is_a_clear_error(ensemble: EnsembleClassifier, tmp_path: Path) -> None:
    out = ensemble.save(tmp_path / "ens")
    shutil.rmtree(out / "members" / "bert")
    with pytest.raises(ModelLoadError):
        EnsembleClassifier.load(out)
    meta = json.loads((out / "meta.json").read_text("utf-8"))
    (out / "meta.json").write_text(json.dumps({**meta, "kind": "tfidf"}), "utf-8")
    with pytest.raises(ModelLoadError, match="ensemble"):
        EnsembleClassifier.load(out)


def test_free_labels_are_their_own_top_category(tiny_base: Path) -> None:
    texts, labels = _subset(SUBS[:2])
    names = {"safety.gas_leak": "燃气", "environment.garbage": "垃圾"}
    model = train(texts, [names[x] for x in labels], tiny_base, Taxonomy.load(), FAST)
    assert model.meta["label_scheme"] == "free"
    prediction = model.predict("垃圾桶满了没人清运")
    assert prediction.top == prediction.code == prediction.label
    assert prediction.code in {"燃气", "垃圾"} and prediction.department == ""
