"""Benchmark the TF-IDF classifier with stratified k-fold cross-validation.

Datasets:

- ``seed``: ``data/seed/seed.tsv`` (our taxonomy's sub-categories). Reports sub-category and
  top-level accuracy / macro-F1 for both top-level strategies, and the share of predictions
  that skip review at the threshold chosen inside each run.
- ``tipdm``: the 2020 TipDM complaints (7 first-level labels, not our taxonomy), read at run
  time from ``../shared/data/complaints`` (``tipdm2020_train.tsv`` label/text and
  ``tipdm2020_extra_segmented.tsv`` label/tokens, never copied here). Folds run over both
  files together; macro-F1 is reported over all rows and over the raw-text rows only, since
  held-out messages are raw text. ``svm`` here is a plain LinearSVC (no calibration). The
  features start from the product's free-label defaults (``classify.tfidf.default_options``);
  ``--char-ngrams``, ``--min-df``, ``--C`` and ``--class-weight`` override them.

Each run writes ``bench/results/classify_<dataset>_<model>_<UTC time>.json`` and the command
prints a markdown table.

Usage::

    .venv/bin/python bench/classify_bench.py                        # seed + tipdm, both models
    .venv/bin/python bench/classify_bench.py --dataset seed --model logreg
    .venv/bin/python bench/classify_bench.py --dataset tipdm --model svm --char-ngrams 2 4
    .venv/bin/python bench/classify_bench.py --self-train 0 0.3 0.6   # TipDM self-training
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from classify import evaluate
from classify.model_io import read_training_tsv
from classify.tfidf import (
    DEFAULT_C,
    SCHEME_FREE,
    TfidfOptions,
    build_pipeline,
    cross_validated_proba,
    default_options,
)

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "data" / "seed" / "seed.tsv"
DEFAULT_SHARED = REPO.parent / "shared" / "data" / "complaints"
RESULTS = REPO / "bench" / "results"
MODELS = ("logreg", "svm")

logger = logging.getLogger("classify_bench")


def bench_seed(model: str, folds: int) -> dict[str, Any]:
    """Cross-validate the product configuration on the seed set."""
    texts, labels = read_training_tsv(SEED)
    options = TfidfOptions(model=model, cv_folds=folds)
    start = time.perf_counter()
    proba, classes = cross_validated_proba(texts, labels, options)
    seconds = time.perf_counter() - start
    result: dict[str, Any] = {"n": len(texts), "labels": len(classes), "seconds": round(seconds, 1)}
    for strategy in evaluate.TOP_STRATEGIES:
        idx = evaluate.decide(proba, classes, strategy)
        picked = [classes[i] for i in idx]
        conf = proba[np.arange(len(idx)), idx]
        correct = np.array([p == y for p, y in zip(picked, labels, strict=True)])
        threshold = evaluate.choose_threshold(conf, correct, options.target_precision)
        result[strategy] = {
            **evaluate.score(labels, picked).as_dict(),
            "review": evaluate.review_summary(conf, correct, threshold),
        }
    return result


def load_tipdm(data_dir: Path) -> tuple[list[str], list[str], np.ndarray]:
    """Texts, labels and a mask of raw-text rows from the two TipDM files."""
    train = data_dir / "tipdm2020_train.tsv"
    extra = data_dir / "tipdm2020_extra_segmented.tsv"
    for path in (train, extra):
        if not path.is_file():
            sys.exit(f"needs {path}: the TipDM complaints of ../shared/data (see its README)")
    raw_texts, raw_labels = read_training_tsv(train)
    seg_texts, seg_labels = read_training_tsv(extra)
    mask = np.array([True] * len(raw_texts) + [False] * len(seg_texts))
    return raw_texts + seg_texts, raw_labels + seg_labels, mask


def bench_tipdm(
    model: str, folds: int, data_dir: Path, overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """k-fold macro-F1 of words + char n-grams with a linear model on TipDM."""
    texts, labels, raw = load_tipdm(data_dir)
    options = replace(default_options(SCHEME_FREE), model=model, **(overrides or {}))
    pipeline = build_pipeline(options)
    if model == "svm":
        C = options.C if options.C is not None else DEFAULT_C["svm"]
        svm = LinearSVC(C=C, class_weight=options.class_weight, random_state=0)
        pipeline.set_params(clf=svm)
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    start = time.perf_counter()
    with threadpool_limits(limits=1):
        predicted = np.asarray(cross_val_predict(pipeline, texts, labels, cv=cv))
    seconds = time.perf_counter() - start
    truth = np.asarray(labels)

    def scores(mask: np.ndarray) -> dict[str, float]:
        return {
            "macro_f1": round(float(f1_score(truth[mask], predicted[mask], average="macro")), 4),
            "accuracy": round(float(accuracy_score(truth[mask], predicted[mask])), 4),
        }

    return {
        "options": asdict(options),
        "n": len(texts),
        "n_raw_text": int(raw.sum()),
        "labels": len(set(labels)),
        "seconds": round(seconds, 1),
        "all_rows": scores(np.ones(len(texts), dtype=bool)),
        "raw_text_rows": scores(raw),
    }


def bench_self_training(
    folds: int, data_dir: Path, unlabelled: Path, margins: list[float]
) -> dict[str, Any]:
    """Self-training on TipDM: each fold's SVM labels the unlabelled messages of the same
    board (``../shared/data/corpus/tipdm2020_fj3_fj4_messages_dedup.txt``), those with a
    decision margin of at least ``m`` join the training fold, and the SVM is fitted again."""
    if not unlabelled.is_file():
        sys.exit(f"needs {unlabelled}: the unlabelled TipDM messages of ../shared/data/corpus")
    texts, labels, raw = load_tipdm(data_dir)
    pool = [line.strip() for line in unlabelled.read_text(encoding="utf-8").splitlines()]
    pool = [t for t in pool if t]
    options = default_options(SCHEME_FREE)

    def fit(x: list[str], y: list[str]) -> Any:
        pipeline = build_pipeline(options)
        C = options.C if options.C is not None else DEFAULT_C["svm"]
        pipeline.set_params(clf=LinearSVC(C=C, class_weight=options.class_weight, random_state=0))
        return pipeline.fit(x, y)

    truth = np.asarray(labels)
    predicted = {name: np.empty(len(labels), dtype=object) for name in ["none", *map(str, margins)]}
    added: dict[str, list[int]] = {str(m): [] for m in margins}
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    start = time.perf_counter()
    with threadpool_limits(limits=1):
        for train, test in cv.split(texts, labels):
            x, y = [texts[i] for i in train], [labels[i] for i in train]
            held = [texts[i] for i in test]
            base = fit(x, y)
            predicted["none"][test] = base.predict(held)
            scores = base.decision_function(pool)
            ranked = np.sort(scores, axis=1)
            margin = ranked[:, -1] - ranked[:, -2]
            guessed = base.classes_[scores.argmax(axis=1)]
            for m in margins:
                keep = np.flatnonzero(margin >= m)
                added[str(m)].append(len(keep))
                model = fit(x + [pool[i] for i in keep], y + list(guessed[keep]))
                predicted[str(m)][test] = model.predict(held)
    result: dict[str, Any] = {"n": len(texts), "unlabelled": len(pool), "added": added}
    for name, pred in predicted.items():
        result[name] = {
            "macro_f1": round(float(f1_score(truth, pred.astype(str), average="macro")), 4),
            "raw_macro_f1": round(
                float(f1_score(truth[raw], pred[raw].astype(str), average="macro")), 4
            ),
        }
    result["seconds"] = round(time.perf_counter() - start, 1)
    return result


def _row(dataset: str, model: str, r: dict[str, Any]) -> str:
    if dataset == "seed":
        cells = []
        for strategy in evaluate.TOP_STRATEGIES:
            s = r[strategy]
            cells.append(
                f"{strategy}: sub acc {s['sub_accuracy']:.3f} / F1 {s['sub_macro_f1']:.3f}, "
                f"top acc {s['top_accuracy']:.3f} / F1 {s['top_macro_f1']:.3f}, "
                f"no review {s['review']['coverage']:.0%}"
            )
        return f"| seed | {model} | {r['n']} | {'<br>'.join(cells)} | {r['seconds']} |"
    a, t = r["all_rows"], r["raw_text_rows"]
    return (
        f"| tipdm | {model} | {r['n']} | macro-F1 {a['macro_f1']:.3f} (acc {a['accuracy']:.3f}); "
        f"raw-text rows macro-F1 {t['macro_f1']:.3f} (acc {t['accuracy']:.3f}) | {r['seconds']} |"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", action="append", choices=("seed", "tipdm"))
    parser.add_argument("--model", action="append", choices=MODELS)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--char-ngrams", type=int, nargs=2, metavar=("MIN", "MAX"))
    parser.add_argument("--min-df", type=int)
    parser.add_argument("--C", type=float)
    parser.add_argument("--class-weight", choices=("balanced",))
    parser.add_argument(
        "--head-chars", type=int, nargs="*", help="n-grams of the first N characters, per N"
    )
    parser.add_argument(
        "--self-train",
        type=float,
        nargs="+",
        metavar="MARGIN",
        help="TipDM self-training with the unlabelled messages, at these decision margins",
    )
    args = parser.parse_args(argv)
    if args.self_train:
        corpus = args.data_dir.parent / "corpus" / "tipdm2020_fj3_fj4_messages_dedup.txt"
        result = bench_self_training(args.folds, args.data_dir, corpus, args.self_train)
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        out = RESULTS / f"classify_tipdm_selftrain_{stamp}.json"
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
        print("| pseudo-labels with margin | macro-F1 | raw-text rows |")
        print("| --- | --- | --- |")
        for name in ["none", *map(str, args.self_train)]:
            r = result[name]
            print(f"| {name} | {r['macro_f1']:.4f} | {r['raw_macro_f1']:.4f} |")
        return 0
    overrides: dict[str, Any] = {
        key: value
        for key, value in (
            ("char_ngrams", tuple(args.char_ngrams) if args.char_ngrams else None),
            ("min_df", args.min_df),
            ("C", args.C),
            ("class_weight", args.class_weight),
            ("head_chars", tuple(args.head_chars) if args.head_chars is not None else None),
        )
        if value is not None
    }
    logging.basicConfig(level=logging.WARNING)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    rows = []
    for dataset in args.dataset or ["seed", "tipdm"]:
        for model in args.model or list(MODELS):
            if dataset == "seed":
                result = bench_seed(model, args.folds)
            else:
                result = bench_tipdm(model, args.folds, args.data_dir, overrides)
            result.update(dataset=dataset, model=model, folds=args.folds)
            out = RESULTS / f"classify_{dataset}_{model}_{stamp}.json"
            out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
            rows.append(_row(dataset, model, result))
    print("| data | model | n | 5-fold CV | seconds |")
    print("| --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
