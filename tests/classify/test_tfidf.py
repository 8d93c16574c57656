"""Tests for the seed data and the TF-IDF classifier (training, prediction, save/load)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import sklearn
from sklearn.model_selection import train_test_split

from classify.evaluate import choose_threshold, decide, review_summary, score
from classify.model_io import (
    META_FILE,
    ModelLoadError,
    ModelVersionWarning,
    TrainingDataError,
    data_sha256,
    label_scheme,
    read_training_tsv,
)
from classify.segment import segment
from classify.taxonomy import Taxonomy
from classify.tfidf import (
    TfidfClassifier,
    TfidfOptions,
    normalize_text,
    train_from_tsv,
)
from classify.types import Prediction

SEED_TSV = Path(__file__).resolve().parents[2] / "data" / "seed" / "seed.tsv"

# Measured on this split (random_state=0, 20% held back): sub-category accuracy 0.77,
# top-level accuracy 0.90, precision of predictions not sent to review 0.88.
SUB_ACCURACY_FLOOR = 0.72
TOP_ACCURACY_FLOOR = 0.86
ACCEPTED_PRECISION_FLOOR = 0.80

OFF_TOPIC = [
    "",
    "   ",
    "asdfgh qwerty zxcv",
    "啊啊啊啊啊",
    "嗯嗯 那个 就是",
    "谢谢 再见",
    "喂喂喂 听得见吗",
    "今天天气真不错我们去吃火锅吧",
    "你好 请问明天会下雨吗",
    "我想买一台新手机 哪个牌子好",
    "這個周末去看電影怎麼樣",
]


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


@pytest.fixture(scope="module")
def seed() -> tuple[list[str], list[str]]:
    return read_training_tsv(SEED_TSV)


@pytest.fixture(scope="module")
def split(seed: tuple[list[str], list[str]]) -> tuple[list[str], list[str], list[str], list[str]]:
    texts, labels = seed
    tr_x, te_x, tr_y, te_y = train_test_split(
        texts, labels, test_size=0.2, stratify=labels, random_state=0
    )
    return tr_x, te_x, tr_y, te_y


@pytest.fixture(scope="module")
def model(split: tuple[list[str], ...], taxonomy: Taxonomy) -> TfidfClassifier:
    tr_x, _, tr_y, _ = split
    return TfidfClassifier.train(tr_x, tr_y, taxonomy)


@pytest.fixture(scope="module")
def heldout_predictions(model: TfidfClassifier, split: tuple[list[str], ...]) -> list[Prediction]:
    return model.predict_many(split[1])


# -- seed data ---------------------------------------------------------------------------


def test_seed_covers_every_subcategory(
    seed: tuple[list[str], list[str]], taxonomy: Taxonomy
) -> None:
    texts, labels = seed
    counts = Counter(labels)
    assert set(counts) == set(taxonomy.subcategory_codes)
    assert min(counts.values()) >= 30
    assert len(texts) == len(set(texts)), "duplicate texts in the seed set"
    assert all(t.strip() == t and t for t in texts)


def test_seed_file_has_the_documented_header() -> None:
    first = SEED_TSV.read_text(encoding="utf-8").splitlines()[0]
    assert first == "label\ttext"


# -- accuracy on held-back seed data ------------------------------------------------------


def test_heldout_accuracy_above_floors(
    heldout_predictions: list[Prediction], split: tuple[list[str], ...]
) -> None:
    truth = split[3]
    scores = score(truth, [p.code for p in heldout_predictions])
    assert scores.sub_accuracy >= SUB_ACCURACY_FLOOR
    assert scores.top_accuracy >= TOP_ACCURACY_FLOOR
    accepted = [
        p.code == y for p, y in zip(heldout_predictions, truth, strict=True) if not p.needs_review
    ]
    assert len(accepted) >= len(truth) // 2, "most confident predictions should skip review"
    assert sum(accepted) / len(accepted) >= ACCEPTED_PRECISION_FLOOR


def test_predictions_are_consistent_with_taxonomy(
    heldout_predictions: list[Prediction], model: TfidfClassifier, taxonomy: Taxonomy
) -> None:
    for p in heldout_predictions:
        sub = taxonomy.subcategory(p.code)
        assert p.top == taxonomy.top_of(p.code).code
        assert p.label == sub.label
        assert p.department == taxonomy.department_of(p.code).name
        assert 0.0 <= p.confidence <= 1.0
        # Held-out texts are real utterances (known words): only the threshold decides.
        assert p.needs_review == (p.confidence < model.threshold)
        assert p.model_version == model.version
        codes = [a.code for a in p.alternatives]
        assert len(codes) == 3 and p.code not in codes and len(set(codes)) == 3
        for alt in p.alternatives:
            assert alt.label == taxonomy.subcategory(alt.code).label
        scores = [a.score for a in p.alternatives]
        assert scores == sorted(scores, reverse=True)
        assert p.confidence + sum(scores) <= 1.0 + 1e-6


def test_clear_cases_are_confident(model: TfidfClassifier) -> None:
    cases = {
        "我们楼道里一股煤气味 是不是燃气管道漏气了": "safety.gas_leak",
        "工地半夜还在打桩 吵得睡不着": "environment.construction_noise",
        "我家暖气片一点都不热 屋里才十二度": "administrative.heating",
        "马路上井盖丢了 一个大窟窿": "safety.road_hazard",
        "我想问问孩子上小学要准备什么入学材料": "administrative.education_health",
    }
    for text, code in cases.items():
        p = model.predict(text)
        assert p.code == code, (text, p)
        assert not p.needs_review, (text, p.confidence, model.threshold)


@pytest.mark.parametrize("text", OFF_TOPIC)
def test_off_topic_and_gibberish_need_review(model: TfidfClassifier, text: str) -> None:
    assert model.predict(text).needs_review


def test_text_without_known_words_needs_review_even_at_zero_threshold(
    model: TfidfClassifier,
) -> None:
    lenient = TfidfClassifier(model.pipeline, model.taxonomy, {**model.meta, "threshold": 0.0})
    assert lenient.predict("qwxz zzkj").needs_review
    assert lenient.predict("").needs_review
    assert not lenient.predict("暖气不热").needs_review


def test_predict_many_matches_predict(model: TfidfClassifier, split: tuple[list[str], ...]) -> None:
    texts = split[1][:5]
    assert model.predict_many(texts) == [model.predict(t) for t in texts]
    assert model.predict_many([]) == []


def test_traditional_characters_and_digits_are_normalised() -> None:
    assert normalize_text("我家廚房裡有煤氣味 電話13812345678，３號樓") == (
        "我家厨房里有煤气味 电话0 0号楼"
    )


# -- metadata and save/load ----------------------------------------------------------------


def test_meta_describes_the_model(model: TfidfClassifier, split: tuple[list[str], ...]) -> None:
    meta = model.meta
    tr_x, _, tr_y, _ = split
    assert meta["kind"] == "tfidf"
    assert re.fullmatch(r"tfidf-\d{8}-\d{6}-[0-9a-f]{8}", meta["version"])
    assert meta["version"].endswith(meta["training_data_sha256"][:8])
    assert meta["training_data_sha256"] == data_sha256(tr_x, tr_y)
    assert meta["labels"] == sorted(set(tr_y))
    assert meta["top_strategy"] == "best_sub"  # the default for taxonomy labels
    cv = meta["cv_metrics"]
    assert cv["folds"] == 5 and cv["n"] == len(tr_x)
    assert 0.0 < meta["threshold"] < 1.0
    assert cv["review"]["precision_accepted"] >= 0.9
    for key in ("sub_accuracy", "sub_macro_f1", "top_accuracy", "top_macro_f1"):
        assert 0.5 < cv[key] <= 1.0
    assert cv["top_accuracy"] >= cv["sub_accuracy"]


def test_save_load_round_trip(
    model: TfidfClassifier, split: tuple[list[str], ...], tmp_path: Path, taxonomy: Taxonomy
) -> None:
    directory = model.save(tmp_path / "tfidf")
    meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    assert meta["sklearn_version"] == sklearn.__version__
    assert meta["created_at"] and meta["version"] == model.version
    loaded = TfidfClassifier.load(directory, taxonomy)
    texts = split[1][:40] + OFF_TOPIC
    assert loaded.predict_many(texts) == model.predict_many(texts)
    assert loaded.threshold == pytest.approx(model.threshold)
    assert loaded.top_strategy == model.top_strategy


def test_load_warns_on_other_sklearn_version(model: TfidfClassifier, tmp_path: Path) -> None:
    directory = model.save(tmp_path / "old")
    meta_path = directory / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sklearn_version"] = "0.0.1"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.warns(ModelVersionWarning, match="0.0.1"):
        TfidfClassifier.load(directory)


def test_load_rejects_missing_or_foreign_directories(
    model: TfidfClassifier, tmp_path: Path
) -> None:
    with pytest.raises(ModelLoadError, match=r"meta\.json"):
        TfidfClassifier.load(tmp_path / "nothing")
    directory = model.save(tmp_path / "other")
    meta_path = directory / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps({**meta, "kind": "bert"}), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="bert"):
        TfidfClassifier.load(directory)


def _garbage_only_taxonomy() -> Taxonomy:
    return Taxonomy.from_dict(
        {
            "departments": {"urban": {"name": "市城市管理局"}},
            "categories": [
                {
                    "code": "environment",
                    "label": "环境保护",
                    "subcategories": [
                        {
                            "code": "environment.garbage",
                            "label": "垃圾",
                            "department": "urban",
                            "sla_hours": 48,
                            "urgent_sla_hours": 12,
                        }
                    ],
                }
            ],
        }
    )


def test_load_rejects_a_taxonomy_without_the_model_labels(
    model: TfidfClassifier, tmp_path: Path
) -> None:
    directory = model.save(tmp_path / "m")
    small = _garbage_only_taxonomy()
    with pytest.raises(ValueError, match="不在分类体系中"):
        TfidfClassifier.load(directory, small)


# -- training from files -------------------------------------------------------------------


def _write_tsv(path: Path, header: str, rows: list[tuple[str, str]]) -> Path:
    path.write_text(header + "\n" + "".join(f"{a}\t{b}\n" for a, b in rows), encoding="utf-8")
    return path


def test_train_from_tsv_accepts_text_and_tokens(
    seed: tuple[list[str], list[str]], taxonomy: Taxonomy, tmp_path: Path
) -> None:
    texts, labels = seed
    wanted = ("administrative.heating", "administrative.water_supply", "environment.greenery")
    picked = [(y, t) for t, y in zip(texts, labels, strict=True) if y in wanted]
    as_text = _write_tsv(tmp_path / "a.tsv", "label\ttext", picked[::2])
    as_tokens = _write_tsv(
        tmp_path / "b.tsv", "label\ttokens", [(y, " ".join(segment(t))) for y, t in picked[1::2]]
    )
    clf = train_from_tsv([as_text, as_tokens], taxonomy, TfidfOptions(cv_folds=3))
    assert clf.classes == sorted(wanted)
    assert clf.meta["n_train"] == len(picked)
    assert clf.predict("家里停水了 水龙头一滴水都没有").code == "administrative.water_supply"


def test_tokens_are_joined_back_into_text(tmp_path: Path) -> None:
    path = _write_tsv(tmp_path / "t.tsv", "label\ttokens", [("x", "暖气 不 热"), ("y", "  ")])
    assert read_training_tsv(path) == (["暖气不热"], ["x"])


def test_training_file_errors(taxonomy: Taxonomy, tmp_path: Path) -> None:
    with pytest.raises(TrainingDataError, match="不存在"):
        train_from_tsv([tmp_path / "missing.tsv"], taxonomy)
    bad_header = _write_tsv(tmp_path / "h.tsv", "category\tcontent", [("a", "b")])
    with pytest.raises(TrainingDataError, match="label"):
        train_from_tsv([bad_header], taxonomy)
    unknown = _write_tsv(tmp_path / "u.tsv", "label\ttext", [("environment.rubbish", "垃圾")] * 4)
    with pytest.raises(ValueError, match=r"environment\.rubbish"):
        train_from_tsv([unknown], taxonomy)


# -- free labels (a label set other than the taxonomy's) -------------------------------------

FREE_LABELS = {
    "administrative.heating": "城乡建设",
    "safety.food_safety": "卫生计生",
    "administrative.public_transport": "交通运输",
    "environment.air_pollution": "环境保护",
}


@pytest.fixture(scope="module")
def free_model(
    seed: tuple[list[str], list[str]], taxonomy: Taxonomy, tmp_path_factory: pytest.TempPathFactory
) -> TfidfClassifier:
    texts, labels = seed
    rows = [(FREE_LABELS[y], t) for t, y in zip(texts, labels, strict=True) if y in FREE_LABELS]
    path = _write_tsv(tmp_path_factory.mktemp("free") / "free.tsv", "label\ttext", rows)
    return train_from_tsv([path], taxonomy, None)


def test_free_labels_are_predicted_as_themselves(free_model: TfidfClassifier) -> None:
    assert free_model.meta["label_scheme"] == "free"
    assert free_model.meta["labels"] == sorted(FREE_LABELS.values())
    assert free_model.meta["top_strategy"] == "best_sub"
    assert free_model.meta["options"]["model"] == "svm"
    cases = {
        "暖气片一点都不热，家里冷得待不住": "城乡建设",
        "在饭店吃饭吃出了虫子，怀疑食物变质了": "卫生计生",
        "公交车一直不来，等了一个小时": "交通运输",
        "工厂烟囱天天冒黑烟，空气太呛了": "环境保护",
    }
    predictions = free_model.predict_many(list(cases))
    for p, wanted in zip(predictions, cases.values(), strict=True):
        assert p.code == p.label == p.top == wanted
        assert p.department == ""
        assert 0.0 < p.confidence <= 1.0
        assert [a.code for a in p.alternatives] == [a.label for a in p.alternatives]
        assert set(a.code for a in p.alternatives) == set(FREE_LABELS.values()) - {wanted}


def test_free_label_model_round_trip_ignores_the_taxonomy(
    free_model: TfidfClassifier, tmp_path: Path
) -> None:
    directory = free_model.save(tmp_path / "free")
    assert json.loads((directory / META_FILE).read_text("utf-8"))["label_scheme"] == "free"
    # Another taxonomy must not matter for a free-label model.
    loaded = TfidfClassifier.load(directory, _garbage_only_taxonomy())
    texts = ["暖气不热", "公交车晚点", *OFF_TOPIC]
    assert loaded.predict_many(texts) == free_model.predict_many(texts)
    assert all(p.needs_review for p in loaded.predict_many(["", "asdfgh qwerty"]))


def test_taxonomy_models_record_their_scheme_and_keep_logistic_regression(
    model: TfidfClassifier, tmp_path: Path
) -> None:
    assert model.meta["label_scheme"] == "taxonomy"
    assert model.meta["options"]["model"] == "logreg"
    # Directories saved before label schemes existed are taxonomy models.
    directory = model.save(tmp_path / "old")
    meta_path = directory / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta["label_scheme"]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    assert TfidfClassifier.load(directory).scheme == "taxonomy"


def test_label_scheme_rejects_a_mix_of_codes_and_free_labels(taxonomy: Taxonomy) -> None:
    codes = taxonomy.subcategory_codes
    assert label_scheme(["城乡建设", "教育文体", "a.b"], codes) == "free"
    assert label_scheme(["administrative.heating", "safety.gas_leak"], codes) == "taxonomy"
    with pytest.raises(ValueError, match="城乡建设"):
        label_scheme(["administrative.heating", "城乡建设"], codes)
    with pytest.raises(ValueError, match=r"safety\.gas"):
        label_scheme(["城乡建设", "safety.gas"], codes)
    with pytest.raises(ValueError, match="2 个类别"):
        TfidfClassifier.train(["暖气不热", "暖气坏了"], ["城乡建设"] * 2, taxonomy)


def test_train_rejects_inconsistent_input(taxonomy: Taxonomy) -> None:
    with pytest.raises(ValueError, match="不一致"):
        TfidfClassifier.train(["a", "b"], ["administrative.heating"], taxonomy)
    with pytest.raises(ValueError, match="没有训练数据"):
        TfidfClassifier.train([], [], taxonomy)
    with pytest.raises(ValueError, match="2 条样本"):
        TfidfClassifier.train(
            ["暖气不热", "暖气漏水", "停水了"],
            ["administrative.heating", "administrative.heating", "administrative.water_supply"],
            taxonomy,
        )


def test_options_are_validated() -> None:
    with pytest.raises(ValueError, match="模型类型"):
        TfidfOptions(model="bert")
    with pytest.raises(ValueError, match="决策方式"):
        TfidfOptions(top_strategy="vote")
    with pytest.raises(ValueError, match="cv_folds"):
        TfidfOptions(cv_folds=1)


# -- scoring helpers -----------------------------------------------------------------------


def test_sum_strategy_can_overrule_the_single_best_subcategory() -> None:
    classes = ["a.x", "b.y", "b.z"]
    proba = np.array([[0.4, 0.3, 0.3], [0.7, 0.2, 0.1]])
    assert decide(proba, classes, "best_sub").tolist() == [0, 0]
    assert decide(proba, classes, "sum").tolist() == [1, 0]
    with pytest.raises(ValueError, match="决策方式"):
        decide(proba, classes, "vote")


def test_choose_threshold_keeps_precision_and_maximises_coverage() -> None:
    conf = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1])
    correct = np.array([1, 1, 1, 1, 1, 1, 1, 1, 0, 0], dtype=bool)
    assert choose_threshold(conf, correct, 0.9, min_support=1) == pytest.approx(0.3)
    assert choose_threshold(conf, correct, 1.0, min_support=1) == pytest.approx(0.3)
    # The top prediction is wrong: precision first reaches 80% with five accepted.
    correct2 = np.array([0, 1, 1, 1, 1, 0, 0, 0, 0, 0], dtype=bool)
    assert choose_threshold(conf, correct2, 0.8, min_support=1) == pytest.approx(0.6)
    assert choose_threshold(conf, np.zeros(10, dtype=bool), 0.9) == 1.0
    summary = review_summary(conf, correct, 0.3)
    assert summary["coverage"] == 0.8 and summary["precision_accepted"] == 1.0


def test_choose_threshold_accepts_ties_together() -> None:
    conf = np.array([0.9, 0.5, 0.5, 0.5])
    correct = np.array([1, 1, 0, 0], dtype=bool)
    assert choose_threshold(conf, correct, 0.9, min_support=1) == pytest.approx(0.9)


def test_head_grams_cover_the_opening_characters_only() -> None:
    from classify.tfidf import HeadGrams

    grams = HeadGrams(4)("小区 停车位被占用了很久")
    assert "小区停" in grams and "停车" in grams and "车" in grams
    assert not any("位" in g for g in grams)  # the fifth character is past the head
    assert HeadGrams(4)("") == []


def test_free_label_models_weigh_the_opening() -> None:
    import pickle
    from dataclasses import replace

    from classify.tfidf import FREE_HEAD_CHARS, SCHEME_FREE, build_pipeline, default_options

    options = default_options(SCHEME_FREE)
    assert options.head_chars == FREE_HEAD_CHARS == (25,)
    pipeline = build_pipeline(options)
    blocks = dict(pipeline.named_steps["features"].transformer_list)
    assert "head25" in blocks
    two = build_pipeline(replace(options, head_chars=(25, 50)))
    assert {"head25", "head50"} <= set(dict(two.named_steps["features"].transformer_list))
    texts = ["小区停车位被占用", "学校收费不合理", "公交线路调整", "医院看病排队"] * 3
    labels = ["城乡建设", "教育文体", "交通运输", "卫生计生"] * 3
    pipeline.fit(texts, labels)
    restored = pickle.loads(pickle.dumps(pipeline))  # a saved model must load again
    assert list(restored.predict(["小区停车难"])) == list(pipeline.predict(["小区停车难"]))
    with pytest.raises(ValueError, match="head_chars"):
        type(options)(head_chars=(25, 0))
    assert type(options)(head_chars=[25]).head_chars == (25,)  # as read back from JSON
