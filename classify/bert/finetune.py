"""Fine-tune a BERT-family model (the in-house checkpoint or any Hugging Face dir) to classify.

Labels are sorted and stored as ``label2id``/``id2label`` in the model config. A stratified
validation split picks the best epoch, fits a temperature for calibrated probabilities and
chooses the ``needs_review`` threshold for the wanted precision. Typical use::

    clf = train_from_tsv(["data/seed/seed.tsv"], "models/inhouse-bert", Taxonomy.load())
    clf.save("models/bert-hotline")
"""

from __future__ import annotations

import copy
import logging
import math
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.model_selection import train_test_split

from classify import evaluate
from classify.bert.corpus import normalize_text
from classify.bert.model import (
    KIND,
    META_SCHEMA,
    SCHEME_TAXONOMY,
    BertClassifier,
    check_pretrained_dir,
    label_scheme,
    load_tokenizer_dir,
    predict_logits,
    softmax,
)
from classify.bert.training import LinearSchedule, count_parameters, set_threads
from classify.model_io import (
    ModelLoadError,
    meta_head,
    read_training_tsvs,
)
from classify.taxonomy import Taxonomy

logger = logging.getLogger(__name__)


@dataclass
class FinetuneOptions:
    """How to fine-tune.

    Attributes:
        max_length: Longest input in tokens (longer texts keep their beginning).
        batch_size: Examples per optimizer step.
        epochs: Passes over the training split (fractions allowed).
        lr: Peak learning rate (small in-house model: ~2e-4; base-size models: 2e-5..5e-5).
        warmup_ratio: Share of steps with linear warm-up.
        weight_decay: AdamW weight decay.
        val_fraction: Share of examples held back for epoch choice, calibration, threshold.
        time_budget_minutes: Stop training after this long (None: no limit).
        threads: torch CPU threads.
        seed: Seed for the split, initialisation and data order.
        target_precision: Wanted precision of predictions that skip review.
        threshold: Fixed review threshold; None to choose it on the validation split.
        top_strategy: ``best_sub``, ``sum`` or ``auto`` (taxonomy labels only; see
            :func:`classify.evaluate.decide`).
    """

    max_length: int = 128
    batch_size: int = 32
    epochs: float = 3.0
    lr: float = 2e-4
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    val_fraction: float = 0.1
    time_budget_minutes: float | None = None
    threads: int = 1
    seed: int = 0
    target_precision: float = 0.9
    threshold: float | None = None
    top_strategy: str = "auto"

    def __post_init__(self) -> None:
        if not 0 < self.val_fraction < 0.5:
            raise ValueError("val_fraction 应在 0 和 0.5 之间")
        if self.epochs <= 0 or self.batch_size < 1:
            raise ValueError("epochs 和 batch_size 必须为正数")
        if self.top_strategy not in (*evaluate.TOP_STRATEGIES, "auto"):
            raise ValueError(f"未知的一级分类决策方式 {self.top_strategy!r}")


def load_base_model(base_dir: Path | str, labels: Sequence[str]) -> tuple[Any, Any]:
    """Tokenizer and a fresh classification head on a BERT-family directory.

    Raises:
        ModelLoadError: Not a BERT-family model directory.
    """
    from transformers import AutoModelForSequenceClassification

    check_pretrained_dir(base_dir)
    tokenizer = load_tokenizer_dir(base_dir)
    try:
        model = AutoModelForSequenceClassification.from_pretrained(
            str(base_dir),
            num_labels=len(labels),
            id2label=dict(enumerate(labels)),
            label2id={label: i for i, label in enumerate(labels)},
            problem_type="single_label_classification",
            ignore_mismatched_sizes=True,
            local_files_only=True,
        )
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"无法从 {base_dir} 加载模型: {exc}") from exc
    return model.float(), tokenizer


def split_validation(
    labels: Sequence[str], fraction: float, seed: int
) -> tuple[list[int], list[int]]:
    """Indices (train, validation); stratified when every label has >= 2 examples."""
    indices = list(range(len(labels)))
    n_val = max(1, round(len(labels) * fraction))
    stratify = None
    if min(Counter(labels).values()) >= 2 and len(set(labels)) <= n_val:
        stratify = list(labels)
    train, val = train_test_split(indices, test_size=n_val, random_state=seed, stratify=stratify)
    return sorted(train), sorted(val)


def fit_temperature(logits: np.ndarray, targets: np.ndarray) -> float:
    """Temperature minimising the negative log-likelihood (grid over 0.05..20, log-spaced)."""
    best, best_nll = 1.0, math.inf
    for temperature in np.exp(np.linspace(np.log(0.05), np.log(20.0), 241)):
        proba = softmax(logits, float(temperature))
        nll = -float(np.mean(np.log(proba[np.arange(len(targets)), targets] + 1e-12)))
        if nll < best_nll:
            best, best_nll = float(temperature), nll
    return best


def _nll(proba: np.ndarray, targets: np.ndarray) -> float:
    return round(-float(np.mean(np.log(proba[np.arange(len(targets)), targets] + 1e-12))), 4)


def _batches(lengths: Sequence[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (sorted within windows of 20 batches)."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = batch_size * 20
    batches: list[list[int]] = []
    for start in range(0, len(order), window):
        part = sorted(order[start : start + window], key=lambda i: lengths[i])
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def _collate(encoded: list[list[int]], pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(ids) for ids in encoded)
    ids = torch.full((len(encoded), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(encoded), width), dtype=torch.long)
    for row, seq in enumerate(encoded):
        ids[row, : len(seq)] = torch.tensor(seq)
        mask[row, : len(seq)] = 1
    return {"input_ids": ids, "attention_mask": mask}


@dataclass
class _Data:
    encoded: list[list[int]]
    targets: list[int]
    texts: list[str]


def _train_loop(
    model: Any, tokenizer: Any, train: _Data, val: _Data, opts: FinetuneOptions
) -> dict[str, Any]:
    """Train; keep the weights of the epoch with the best validation macro-F1."""
    steps_per_epoch = math.ceil(len(train.targets) / opts.batch_size)
    total = max(1, math.ceil(steps_per_epoch * opts.epochs))
    schedule = LinearSchedule(
        peak_lr=opts.lr,
        warmup_steps=round(total * opts.warmup_ratio),
        max_steps=total,
        time_budget_s=opts.time_budget_minutes * 60 if opts.time_budget_minutes else None,
    )
    no_decay = [p for n, p in model.named_parameters() if p.ndim < 2 or "LayerNorm" in n]
    decay = [p for n, p in model.named_parameters() if not (p.ndim < 2 or "LayerNorm" in n)]
    groups = [
        {"params": decay, "weight_decay": opts.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=opts.lr)
    rng = random.Random(opts.seed)
    lengths = [len(e) for e in train.encoded]
    best: dict[str, Any] = {"macro_f1": -1.0}
    history: list[dict[str, Any]] = []
    epoch, tick = 0, time.monotonic()
    model.train()
    while not schedule.done:
        losses = []
        for batch in _batches(lengths, opts.batch_size, rng):
            if schedule.done:
                break
            schedule.apply(optimizer)
            inputs = _collate([train.encoded[i] for i in batch], tokenizer.pad_token_id)
            labels = torch.tensor([train.targets[i] for i in batch])
            loss = model(**inputs, labels=labels).loss
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            losses.append(loss.item())
            seconds, tick = time.monotonic() - tick, time.monotonic()
            schedule.advance(seconds)
        epoch += 1
        logits = predict_logits(model, tokenizer, val.texts, opts.max_length, opts.batch_size)
        picked = logits.argmax(axis=1)
        f1 = _macro_f1(val.targets, picked)
        record = {
            "epoch": epoch,
            "step": schedule.step,
            "train_loss": round(float(np.mean(losses or [0])), 4),
            "val_macro_f1": round(f1, 4),
            "val_accuracy": round(float(np.mean(picked == val.targets)), 4),
            "minutes": round(schedule.elapsed_s / 60, 2),
        }
        logger.info("fine-tune %s", record)
        history.append(record)
        if f1 > best["macro_f1"]:
            best = {"macro_f1": f1, "epoch": epoch, "state": copy.deepcopy(model.state_dict())}
        tick = time.monotonic()  # validation time does not count against the budget
    model.load_state_dict(best["state"])
    model.eval()
    return {
        "history": history,
        "best_epoch": best["epoch"],
        "steps": schedule.step,
        "train_minutes": round(schedule.elapsed_s / 60, 2),
    }


def _macro_f1(targets: Sequence[int], picked: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(list(targets), list(picked), average="macro", zero_division=0))


def _calibrate(
    logits: np.ndarray, val: _Data, labels: list[str], scheme: str, opts: FinetuneOptions
) -> tuple[float, str, float, dict[str, Any]]:
    """Temperature, top strategy and review threshold from validation logits, with a report."""
    targets = np.asarray(val.targets)
    temperature = fit_temperature(logits, targets)
    proba = softmax(logits, temperature)
    true_codes = [labels[t] for t in targets]
    strategies = evaluate.TOP_STRATEGIES if scheme == SCHEME_TAXONOMY else ("best_sub",)
    scores = {
        s: evaluate.score(true_codes, [labels[i] for i in evaluate.decide(proba, labels, s)])
        for s in strategies
    }
    strategy = opts.top_strategy if opts.top_strategy in strategies else "best_sub"
    if opts.top_strategy == "auto":
        strategy = max(strategies, key=lambda s: (scores[s].top_accuracy, scores[s].sub_accuracy))
    picked = evaluate.decide(proba, labels, strategy)
    confidences = proba[np.arange(len(picked)), picked]
    correct = picked == targets
    threshold = opts.threshold
    if threshold is None:
        threshold = evaluate.choose_threshold(confidences, correct, opts.target_precision)
    report = {
        "n": len(targets),
        **scores[strategy].as_dict(),
        "nll_uncalibrated": _nll(softmax(logits), targets),
        "nll_calibrated": _nll(proba, targets),
        "review": evaluate.review_summary(confidences, correct, threshold),
    }
    return temperature, strategy, float(threshold), report


def finetune(
    texts: Sequence[str],
    labels: Sequence[str],
    base_dir: Path | str,
    taxonomy: Taxonomy | None = None,
    options: FinetuneOptions | None = None,
) -> BertClassifier:
    """Fine-tune ``base_dir`` on labelled texts and return a calibrated classifier.

    Args:
        texts: Training texts.
        labels: One label per text: taxonomy sub-category codes (predictions then carry the
            taxonomy's top category, label and department) or any other label set (the label
            itself is the top category).
        base_dir: The in-house checkpoint or any Hugging Face BERT-family directory.
        taxonomy: The hotline taxonomy; None to treat labels as plain.
        options: Training options.

    Raises:
        ValueError: Empty or mismatched data, fewer than 2 labels.
        ModelLoadError: ``base_dir`` is not a BERT-family model directory.
    """
    opts = options or FinetuneOptions()
    if len(texts) != len(labels):
        raise ValueError(f"文本数 {len(texts)} 与标签数 {len(labels)} 不一致")
    if len(set(labels)) < 2:
        raise ValueError("至少需要 2 个类别的训练数据")
    set_threads(opts.threads)
    torch.manual_seed(opts.seed)
    label_list = sorted(set(labels))
    scheme = label_scheme(label_list, taxonomy)
    model, tokenizer = load_base_model(base_dir, label_list)
    longest = int(model.config.max_position_embeddings)
    if opts.max_length > longest:  # a small base model cannot read more positions
        logger.info("max_length %d -> %d (the base model's positions)", opts.max_length, longest)
        opts = replace(opts, max_length=longest)
    ids = {label: i for i, label in enumerate(label_list)}
    normalized = [normalize_text(t) for t in texts]
    encoded = tokenizer(normalized, truncation=True, max_length=opts.max_length)["input_ids"]
    train_idx, val_idx = split_validation(labels, opts.val_fraction, opts.seed)

    def subset(idx: list[int]) -> _Data:
        return _Data(
            [encoded[i] for i in idx], [ids[labels[i]] for i in idx], [texts[i] for i in idx]
        )

    train, val = subset(train_idx), subset(val_idx)
    logger.info(
        "fine-tuning %s (%d parameters) on %d examples, %d for validation",
        base_dir,
        count_parameters(model),
        len(train_idx),
        len(val_idx),
    )
    run = _train_loop(model, tokenizer, train, val, opts)
    logits = predict_logits(model, tokenizer, val.texts, opts.max_length, opts.batch_size)
    temperature, strategy, threshold, report = _calibrate(logits, val, label_list, scheme, opts)
    meta = {
        **meta_head(KIND, META_SCHEMA, label_list, scheme, texts, labels),
        "n_train": len(train_idx),
        "n_val": len(val_idx),
        "threshold": round(threshold, 6),
        "temperature": round(temperature, 6),
        "top_strategy": strategy,
        "max_length": opts.max_length,
        "base_model": str(base_dir),
        "parameters": count_parameters(model),
        "options": asdict(opts),
        "training": run,
        "val_metrics": report,
    }
    logger.info("validation after calibration: %s", report)
    return BertClassifier(model, tokenizer, meta, taxonomy if scheme == SCHEME_TAXONOMY else None)


def train_from_tsv(
    paths: Sequence[Path | str],
    base_dir: Path | str,
    taxonomy: Taxonomy | None = None,
    options: FinetuneOptions | None = None,
) -> BertClassifier:
    """Fine-tune on TSV files (``label`` + ``text``, or ``label`` + space-separated ``tokens``).

    Tokens are joined without spaces, since the model reads characters.

    Raises:
        TrainingDataError: A file is missing or has the wrong columns.
        ModelLoadError: ``base_dir`` is not a BERT-family model directory.
    """
    texts, labels = read_training_tsvs(paths)
    return finetune(texts, labels, base_dir, taxonomy, options)
