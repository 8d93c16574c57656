"""Benchmark fine-tuning a BERT-family checkpoint on the 2020 TipDM complaints (7 labels).

Data: ``tipdm2020_train.tsv`` (label/text) then ``tipdm2020_extra_segmented.tsv`` (label/tokens,
joined without spaces), read at run time from ``../shared/data/complaints`` and never copied
here. Split: ``train_test_split(test_size=0.2, stratify=labels, random_state=0)`` over the row
indices of that concatenation; the BERT model is fine-tuned on the 80% (10% of it held back for
epoch choice, calibration and the review threshold) and scored on the 20%. For a same-split
reference the TF-IDF model of ``bench/classify_bench.py`` (words + char n-grams, min_df 2,
LinearSVC C=1) is trained and scored on the same rows.

Writes ``bench/results/bert_bench.json`` and ``bench/results/bert_bench.md`` (a markdown
table, also printed).

Usage::

    .venv/bin/python bench/bert_bench.py                          # models/inhouse-bert
    .venv/bin/python bench/bert_bench.py --base /path/to/bert-base-chinese --lr 3e-5
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

# Run as a script, bench/ is on sys.path: the TipDM loader is shared with the TF-IDF bench.
from classify_bench import load_tipdm
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from classify.bert.finetune import FinetuneOptions, finetune
from classify.tfidf import DEFAULT_C, TfidfOptions, build_pipeline

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared" / "data" / "complaints"
DEFAULT_BASE = REPO / "models" / "inhouse-bert"
RESULTS = REPO / "bench" / "results"

logger = logging.getLogger("bert_bench")


def split(labels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The fixed 80/20 stratified split (seed 0) of row indices."""
    train, test = train_test_split(
        np.arange(len(labels)), test_size=0.2, stratify=labels, random_state=0
    )
    return np.asarray(train), np.asarray(test)


def scores(truth: np.ndarray, predicted: np.ndarray, raw: np.ndarray) -> dict[str, Any]:
    """Macro-F1 and accuracy over all test rows and over the raw-text rows."""

    def on(mask: np.ndarray) -> dict[str, float]:
        return {
            "macro_f1": round(float(f1_score(truth[mask], predicted[mask], average="macro")), 4),
            "accuracy": round(float(accuracy_score(truth[mask], predicted[mask])), 4),
            "n": int(mask.sum()),
        }

    labels = sorted(set(truth))
    per_class = f1_score(truth, predicted, labels=labels, average=None)
    return {
        "all_rows": on(np.ones(len(truth), dtype=bool)),
        "raw_text_rows": on(raw),
        "f1_per_label": {k: round(float(v), 4) for k, v in zip(labels, per_class, strict=True)},
    }


def bench_bert(
    texts: list[str], labels: list[str], raw: np.ndarray, args: argparse.Namespace
) -> dict[str, Any]:
    """Fine-tune on the training rows, score on the test rows."""
    train, test = split(labels)
    options = FinetuneOptions(
        max_length=args.max_length,
        batch_size=args.batch_size,
        epochs=args.epochs,
        lr=args.lr,
        time_budget_minutes=args.minutes,
        threads=args.threads,
    )
    start = time.perf_counter()
    clf = finetune([texts[i] for i in train], [labels[i] for i in train], args.base, None, options)
    train_s = time.perf_counter() - start
    if args.save_model:
        clf.save(args.save_model)
    start = time.perf_counter()
    predictions = clf.predict_many([texts[i] for i in test])
    predict_s = time.perf_counter() - start
    truth = np.asarray([labels[i] for i in test])
    predicted = np.asarray([p.code for p in predictions])
    confident = np.asarray([not p.needs_review for p in predictions])
    result = scores(truth, predicted, raw[test])
    result["review"] = {
        "threshold": clf.threshold,
        "coverage": round(float(confident.mean()), 4),
        "precision_accepted": round(float((truth == predicted)[confident].mean()), 4)
        if confident.any()
        else None,
    }
    result.update(
        n_train=len(train),
        n_test=len(test),
        train_minutes=round(train_s / 60, 2),
        predict_ms_per_text=round(1000 * predict_s / len(test), 2),
        model_version=clf.version,
        parameters=clf.meta["parameters"],
        options=clf.meta["options"],
        training=clf.meta["training"],
        val_metrics=clf.meta["val_metrics"],
        temperature=clf.meta["temperature"],
    )
    return result


def bench_tfidf(texts: list[str], labels: list[str], raw: np.ndarray) -> dict[str, Any]:
    """The TF-IDF + LinearSVC reference of classify_bench.py on the same split."""
    train, test = split(labels)
    pipeline = build_pipeline(TfidfOptions(model="svm", min_df=2))
    pipeline.set_params(clf=LinearSVC(C=DEFAULT_C["svm"], random_state=0))
    start = time.perf_counter()
    with threadpool_limits(limits=1):
        pipeline.fit([texts[i] for i in train], [labels[i] for i in train])
        predicted = np.asarray(pipeline.predict([texts[i] for i in test]))
    result = scores(np.asarray([labels[i] for i in test]), predicted, raw[test])
    result["seconds"] = round(time.perf_counter() - start, 1)
    return result


def base_summary(base: Path) -> dict[str, Any]:
    """Pretraining figures of the base model, when it has a ``pretrain_summary.json``."""
    path = base / "pretrain_summary.json"
    if not path.is_file():
        return {"path": str(base)}
    summary = json.loads(path.read_text(encoding="utf-8"))
    keys = ("steps", "parameters", "size_mb", "elapsed_minutes", "heldout", "vocab_size")
    return {"path": str(base), **{k: summary.get(k) for k in keys}}


def table(result: dict[str, Any]) -> str:
    """Markdown table of the results."""
    lines = [
        "| model | test rows | macro-F1 | accuracy | raw-text rows macro-F1 (acc) | notes |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    bert = result["bert"]
    rows = [("BERT (" + Path(result["base"]["path"]).name + ")", bert)]
    rows.append(("TF-IDF + LinearSVC", result.get("tfidf")))
    for name, r in rows:
        if r is None:
            continue
        a, t = r["all_rows"], r["raw_text_rows"]
        if r is bert:
            review = bert["review"]
            note = (
                f"fine-tune {bert['train_minutes']} min, {bert['training']['steps']} steps; "
                f"{review['coverage']:.0%} skip review at precision "
                f"{review['precision_accepted']}"
            )
        else:
            note = f"same split, {r['seconds']} s"
        lines.append(
            f"| {name} | {a['n']} | {a['macro_f1']:.3f} | {a['accuracy']:.3f} | "
            f"{t['macro_f1']:.3f} ({t['accuracy']:.3f}) | {note} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--base", type=Path, default=DEFAULT_BASE, help="BERT-family model directory")
    p.add_argument("--data-dir", type=Path, default=DEFAULT_SHARED)
    p.add_argument("--minutes", type=float, default=16.0, help="fine-tuning time budget")
    p.add_argument("--epochs", type=float, default=3.0)
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--no-tfidf", action="store_true", help="skip the same-split TF-IDF reference")
    p.add_argument("--save-model", type=Path, default=None, help="also save the fine-tuned model")
    p.add_argument("--out", type=Path, default=RESULTS / "bert_bench.json")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, write JSON + markdown, print the table."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse_args(argv)
    texts, labels, raw = load_tipdm(args.data_dir)
    test = split(labels)[1]
    result: dict[str, Any] = {
        "command": " ".join([".venv/bin/python bench/bert_bench.py", *sys.argv[1:]]),
        "dataset": "tipdm2020 train + extra_segmented",
        "n": len(texts),
        "split": "train_test_split(test_size=0.2, stratify=labels, random_state=0)",
        "test_indices_sha256": hashlib.sha256(np.sort(test).tobytes()).hexdigest(),
        "base": base_summary(args.base),
    }
    if not args.no_tfidf:
        result["tfidf"] = bench_tfidf(texts, labels, raw)
        logger.info("tf-idf on the same split: %s", result["tfidf"]["all_rows"])
    result["bert"] = bench_bert(texts, labels, raw, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    markdown = table(result)
    args.out.with_suffix(".md").write_text(markdown + "\n", encoding="utf-8")
    print(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
