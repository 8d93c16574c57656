"""Tests for the in-house character BERT: vocabulary, masking, pretraining, fine-tuning."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from classify.bert import pretrain as pretrain_module
from classify.bert.corpus import (
    CorpusError,
    chunk_text,
    make_chunks,
    normalize_text,
    read_corpus_dir,
)
from classify.bert.finetune import FinetuneOptions, finetune, fit_temperature
from classify.bert.masking import IGNORE_INDEX, WholeWordMasker, group_tokens_by_word
from classify.bert.model import BertClassifier, softmax
from classify.bert.pretrain import PretrainError, PretrainOptions, pretrain
from classify.bert.vocab import SPECIAL_TOKENS, build_vocab, load_tokenizer, write_vocab
from classify.model_io import ModelLoadError, read_training_tsv
from classify.taxonomy import Taxonomy
from classify.types import Prediction
from tests.classify.bert_fixtures import TEXTS, TINY

ROOT = Path(__file__).resolve().parents[2]
SEED_TSV = ROOT / "data" / "seed" / "seed.tsv"
SHARED_CORPUS = ROOT.parent / "shared" / "data" / "corpus"
INHOUSE = ROOT / "models" / "inhouse-bert"


def _log(run_dir: Path) -> list[dict]:
    lines = (run_dir / pretrain_module.LOG_FILE).read_text(encoding="utf-8").splitlines()
    return [json.loads(x) for x in lines]


def _train_losses(run_dir: Path) -> dict[int, float]:
    records = [r for r in _log(run_dir) if "mlm_accuracy" in r and "final" not in r]
    return {r["step"]: r["loss"] for r in records}


# -- text, corpus, vocabulary --------------------------------------------------------------


def test_normalize_text_makes_half_width_simplified() -> None:
    assert normalize_text("這個ＡＢＣ１２３，  好") == "这个ABC123, 好"


def test_chunk_text_prefers_sentence_ends_and_respects_limit() -> None:
    text = "第一句话。第二句话比较长一些！" + "长" * 50
    chunks = chunk_text(text, max_chars=20)
    assert chunks[0] == "第一句话。第二句话比较长一些！"
    assert all(len(c) <= 20 for c in chunks)
    assert "".join(chunks) == text


def test_make_chunks_drops_duplicates() -> None:
    assert make_chunks(["一样的话", "一样的话", "不同"], 10) == ["一样的话", "不同"]


def test_read_corpus_dir_parses_each_format(tmp_path: Path) -> None:
    reviews = 'label,review\n1,"房间很大,很干净"\n0,太吵了\n'
    (tmp_path / "reviews.csv").write_text(reviews, encoding="utf-8")
    (tmp_path / "news.json").write_text(
        '{"label": "1", "sentence": "新闻标题一"}\n{"label": "2", "sentence": "新闻标题二"}\n',
        encoding="utf-8",
    )
    (tmp_path / "labels.json").write_text(
        '{"label": "1", "label_desc": "news"}\n', encoding="utf-8"
    )
    (tmp_path / "articles.txt").write_text("体育\t湖人赢了比赛\n留言内容\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not corpus", encoding="utf-8")
    corpus = read_corpus_dir(tmp_path)
    assert corpus == {
        "articles.txt": ["湖人赢了比赛", "留言内容"],
        "news.json": ["新闻标题一", "新闻标题二"],
        "reviews.csv": ["房间很大,很干净", "太吵了"],
    }


def test_read_corpus_dir_missing_folder_is_clear(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="语料目录不存在"):
        read_corpus_dir(tmp_path / "nope")


def test_vocab_order_counts_and_tokenizer(tmp_path: Path) -> None:
    texts = ["煤气煤气煤气味", "垃圾垃圾", "一次"]
    vocab = build_vocab(texts, min_count=2, max_size=200, required_texts=["井盖"])
    assert vocab[: len(SPECIAL_TOKENS)] == list(SPECIAL_TOKENS)
    chars = vocab[len(SPECIAL_TOKENS) : vocab.index("0")]
    assert chars[:2] == ["气", "煤"]  # most frequent first (ties by code point)
    assert {"垃", "圾", "井", "盖"} <= set(chars)
    assert "次" not in vocab  # seen once, below min_count
    assert {"a", "##a", "9", "##9"} <= set(vocab)
    tokenizer = load_tokenizer(write_vocab(vocab, tmp_path / "vocab.txt"))
    pieces = ["煤", "气", "i", "##p", "##h", "##o", "##n", "##e", "[UNK]"]
    assert tokenizer.tokenize("煤气IPhone次") == pieces


def test_vocab_too_small_is_rejected() -> None:
    with pytest.raises(ValueError, match="词表大小"):
        build_vocab(["abc"], max_size=10)


# -- whole-word masking ------------------------------------------------------------------


def test_group_tokens_by_word_maps_characters_to_words() -> None:
    offsets = [(0, 0), (0, 1), (1, 2), (2, 3), (0, 0)]
    assert group_tokens_by_word(offsets, [(0, 2), (2, 3)]) == [[1, 2], [3]]


def test_whole_word_masking_masks_complete_words(tmp_path: Path) -> None:
    words = ["我们", "小区", "楼道", "里", "有", "煤气", "味道", "请", "赶紧", "处理"]
    text = "".join(words)
    tokenizer = load_tokenizer(write_vocab(build_vocab([text], min_count=1), tmp_path / "v.txt"))
    masker = WholeWordMasker(tokenizer, max_length=64, segmenter=lambda _: list(words))
    starts = np.cumsum([0, *map(len, words)])
    for seed in range(20):
        batch = masker([text], random.Random(seed))
        predicted = (batch.labels[0] != IGNORE_INDEX).numpy()
        assert not predicted[0] and not predicted[-1]  # [CLS] / [SEP]
        assert 1 <= predicted.sum() <= round(len(text) * 0.15) + 1
        for start, word in zip(starts, words, strict=False):
            span = predicted[1 + start : 1 + start + len(word)]
            assert span.all() or not span.any(), f"word {word} partly masked"
        masked_ids = batch.input_ids[0][torch.from_numpy(predicted)]
        assert (masked_ids == tokenizer.mask_token_id).any() or predicted.sum() < 3


# -- pretraining -------------------------------------------------------------------------


def test_pretrain_loss_decreases_and_model_is_saved(tmp_path: Path) -> None:
    options = PretrainOptions(**{**TINY, "max_steps": 40})
    result = pretrain(TEXTS * 4, tmp_path / "run", tmp_path / "model", options)
    losses = list(_train_losses(tmp_path / "run").values())
    assert len(losses) == 40
    assert np.mean(losses[-5:]) < np.mean(losses[:5]) - 0.5
    assert result.steps == 40
    for name in ("config.json", "model.safetensors", "vocab.txt", "pretrain_summary.json"):
        assert (tmp_path / "model" / name).is_file()
    assert 0.0 <= result.heldout["mlm_accuracy"] <= 1.0


def test_pretrain_resume_continues_where_it_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = PretrainOptions(**{**TINY, "max_steps": 14})
    pretrain(TEXTS * 4, tmp_path / "straight", tmp_path / "straight_model", options)

    calls = {"n": 0}
    real_forward = pretrain_module.mlm_forward

    def crashing_forward(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 8:  # after the checkpoint at step 5, before the one at step 10
            raise KeyboardInterrupt
        return real_forward(*args, **kwargs)

    monkeypatch.setattr(pretrain_module, "mlm_forward", crashing_forward)
    with pytest.raises(KeyboardInterrupt):
        pretrain(TEXTS * 4, tmp_path / "run", tmp_path / "model", options)
    monkeypatch.setattr(pretrain_module, "mlm_forward", real_forward)

    with pytest.raises(PretrainError, match="--resume"):
        pretrain(TEXTS * 4, tmp_path / "run", tmp_path / "model", options)
    result = pretrain(TEXTS * 4, tmp_path / "run", tmp_path / "model", options, resume=True)
    assert result.steps == 14
    steps = [r["step"] for r in _log(tmp_path / "run") if "mlm_accuracy" in r and "final" not in r]
    assert steps == [1, 2, 3, 4, 5, 6, 7, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    resumed = load_file(tmp_path / "model" / "model.safetensors")
    straight = load_file(tmp_path / "straight_model" / "model.safetensors")
    for name, tensor in straight.items():
        torch.testing.assert_close(resumed[name], tensor, msg=name)


def test_second_stage_starts_from_the_earlier_weights(tmp_path: Path) -> None:
    first = PretrainOptions(**{**TINY, "max_steps": 40})
    pretrain(TEXTS * 4, tmp_path / "run1", tmp_path / "stage1", first)
    second = PretrainOptions(**{**TINY, "max_steps": 3})
    result = pretrain(
        TEXTS * 4, tmp_path / "run2", tmp_path / "stage2", second, init_from=tmp_path / "stage1"
    )
    fresh = pretrain(TEXTS * 4, tmp_path / "run3", tmp_path / "fresh", second)
    # the same vocabulary, and a first loss far below that of random weights
    assert (tmp_path / "stage2" / "vocab.txt").read_text("utf-8") == (
        tmp_path / "stage1" / "vocab.txt"
    ).read_text("utf-8")
    assert _train_losses(tmp_path / "run2")[1] < _train_losses(tmp_path / "run3")[1] - 0.5
    assert fresh.steps_before == 0 and fresh.init_from is None
    assert result.steps == 3 and result.steps_before == 40
    assert result.init_from == str(tmp_path / "stage1")
    summary = json.loads((tmp_path / "stage2" / "pretrain_summary.json").read_text("utf-8"))
    assert summary["steps_before"] == 40
    with pytest.raises(PretrainError, match="--resume"):
        pretrain(
            TEXTS * 4,
            tmp_path / "run2",
            tmp_path / "x",
            second,
            resume=True,
            init_from=tmp_path / "stage1",
        )
    with pytest.raises(PretrainError, match="不是预训练模型目录"):
        pretrain(TEXTS * 4, tmp_path / "run4", tmp_path / "y", second, init_from=tmp_path)


def test_pretrain_resume_without_checkpoint_is_clear(tmp_path: Path) -> None:
    with pytest.raises(PretrainError, match="找不到检查点"):
        options = PretrainOptions(**{**TINY, "max_steps": 2})
        pretrain(TEXTS, tmp_path / "run", tmp_path / "model", options, resume=True)


# -- fine-tuning -------------------------------------------------------------------------


def _seed_subset(codes: tuple[str, ...]) -> tuple[list[str], list[str]]:
    texts, labels = read_training_tsv(SEED_TSV)
    pairs = [(t, y) for t, y in zip(texts, labels, strict=True) if y in codes]
    return [t for t, _ in pairs], [y for _, y in pairs]


FAST = FinetuneOptions(epochs=12, lr=3e-3, batch_size=16, max_length=64, val_fraction=0.2)


def test_finetune_predicts_taxonomy_fields_and_round_trips(tiny_base: Path, tmp_path: Path) -> None:
    taxonomy = Taxonomy.load()
    texts, labels = _seed_subset(("safety.gas_leak", "environment.garbage"))
    clf = finetune(texts, labels, tiny_base, taxonomy, FAST)
    assert clf.labels == ["environment.garbage", "safety.gas_leak"]
    assert clf.model.config.label2id == {"environment.garbage": 0, "safety.gas_leak": 1}
    assert re.fullmatch(r"bert-\d{8}-\d{6}-[0-9a-f]{8}", clf.version)
    picked = [p.code for p in clf.predict_many(texts)]
    assert np.mean([p == y for p, y in zip(picked, labels, strict=True)]) >= 0.8

    prediction = clf.predict("楼道里煤气味很大，赶紧派人来看看")
    assert isinstance(prediction, Prediction)
    sub = taxonomy.subcategory(prediction.code)
    assert (prediction.top, prediction.label) == (sub.top, sub.label)
    assert prediction.department == taxonomy.department_of(prediction.code).name
    assert prediction.alternatives[0].code != prediction.code
    assert abs(prediction.confidence + prediction.alternatives[0].score - 1) < 1e-6

    clf.save(tmp_path / "clf")
    meta = json.loads((tmp_path / "clf" / "meta.json").read_text(encoding="utf-8"))
    assert meta["kind"] == "bert" and meta["label_scheme"] == "taxonomy"
    assert meta["temperature"] > 0
    assert 0 <= meta["threshold"] <= 1
    loaded = BertClassifier.load(tmp_path / "clf")
    probe = [*texts[:5], "暖气不热", ""]
    for before, after in zip(clf.predict_many(probe), loaded.predict_many(probe), strict=True):
        assert (before.code, before.needs_review) == (after.code, after.needs_review)
        assert before.confidence == pytest.approx(after.confidence, abs=1e-6)
    assert loaded.predict("").needs_review  # nothing to go on


def test_finetune_plain_labels_use_label_as_top(tiny_base: Path) -> None:
    texts, codes = _seed_subset(("safety.gas_leak", "environment.garbage"))
    labels = ["卫生计生" if c.startswith("safety") else "城乡建设" for c in codes]
    clf = finetune(texts, labels, tiny_base, Taxonomy.load(), FAST)
    prediction = clf.predict(texts[0])
    assert prediction.top == prediction.code == prediction.label
    assert prediction.code in {"卫生计生", "城乡建设"}
    assert prediction.department == ""


def test_fit_temperature_softens_overconfident_logits() -> None:
    rng = np.random.default_rng(0)
    targets = rng.integers(0, 3, 300)
    logits = rng.normal(size=(300, 3))
    logits[np.arange(300), targets] += 1.0
    overconfident = logits * 8
    temperature = fit_temperature(overconfident, targets)
    assert temperature > 3
    nll = lambda p: -np.mean(np.log(p[np.arange(300), targets]))  # noqa: E731
    assert nll(softmax(overconfident, temperature)) < nll(softmax(overconfident))


# -- loading errors ----------------------------------------------------------------------


def test_load_missing_dir_is_a_clear_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="不是模型目录"):
        BertClassifier.load(tmp_path / "missing")


def test_load_other_kind_of_model_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "meta.json").write_text('{"kind": "tfidf", "version": "x"}', encoding="utf-8")
    with pytest.raises(ModelLoadError, match="需要 'bert'"):
        BertClassifier.load(tmp_path)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "缺少 config.json"),
        ({"config.json": '{"model_type": "gpt2"}', "vocab.txt": "[PAD]\n"}, "不是 BERT 类模型"),
        ({"config.json": '{"model_type": "bert"}'}, "缺少分词器文件"),
    ],
)
def test_finetune_rejects_non_bert_base(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    texts, labels = _seed_subset(("safety.gas_leak", "environment.garbage"))
    with pytest.raises(ValueError, match=message):
        finetune(texts, labels, tmp_path, None, FAST)
    with pytest.raises(ValueError, match="模型目录不存在"):
        finetune(texts, labels, tmp_path / "missing", None, FAST)


# -- the shipped checkpoint and the shared corpus ----------------------------------------


@pytest.mark.skipif(not (INHOUSE / "config.json").is_file(), reason="models/inhouse-bert not built")
def test_inhouse_checkpoint_is_small_and_loadable() -> None:
    from transformers import AutoModelForMaskedLM, AutoTokenizer

    size = sum(p.stat().st_size for p in INHOUSE.iterdir() if p.is_file())
    assert size <= 25 * 1024 * 1024
    assert (INHOUSE / "MODEL_CARD.md").is_file()
    tokenizer = AutoTokenizer.from_pretrained(INHOUSE, local_files_only=True)
    model = AutoModelForMaskedLM.from_pretrained(INHOUSE, local_files_only=True)
    assert tokenizer.tokenize("煤气泄漏") == ["煤", "气", "泄", "漏"]
    assert model.config.vocab_size == len(tokenizer)


@pytest.mark.shared
@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="../shared/data/corpus is absent")
def test_shared_corpus_every_file_yields_text() -> None:
    corpus = read_corpus_dir(SHARED_CORPUS)
    assert len(corpus) >= 5
    for name, texts in corpus.items():
        assert len(texts) >= 100, name
        assert np.mean([len(t) for t in texts]) > 5, name
