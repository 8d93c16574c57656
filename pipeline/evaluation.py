"""``minsheng evaluate``: score a trained model directory on a labelled TSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from classify.model_io import read_training_tsvs
from pipeline.classifier import load_model_dir


def evaluate_model(
    model_dir: Path, data: list[Path], taxonomy_path: Path | None = None
) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix.

    Args:
        model_dir: A trained model directory (any kind the pipeline can load).
        data: TSV files with a header: ``label`` plus ``text`` or ``tokens``.
        taxonomy_path: The taxonomy for hotline models (the project's when ``None``).

    Returns:
        ``{accuracy, macro_f1, n, model_version, per_class: {label: {precision, recall, f1,
        support}}, confusion: {labels, matrix}}``; ``matrix[i][j]`` counts gold ``labels[i]``
        predicted as ``labels[j]``.
    """
    texts, gold = read_training_tsvs(data)
    if not texts:
        raise ValueError("评估数据为空 (no labelled rows)")
    model: Any = load_model_dir(model_dir, taxonomy_path)
    predictions = model.predict_many(texts)
    predicted = [p.code for p in predictions]
    labels = sorted(set(gold) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    gold_labels = sorted(set(gold))
    return {
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "macro_f1": round(
            float(f1_score(gold, predicted, labels=gold_labels, average="macro", zero_division=0)),
            4,
        ),
        "n": len(gold),
        "model_version": predictions[0].model_version if predictions else "",
        "per_class": {
            label: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
        },
        "confusion": {
            "labels": labels,
            "matrix": confusion_matrix(gold, predicted, labels=labels).tolist(),
        },
    }


def format_evaluation(result: dict[str, Any]) -> str:
    """A short Chinese table of the evaluation."""
    lines = [
        f"样本数 {result['n']}，准确率 {result['accuracy']:.4f}，宏平均F1 {result['macro_f1']:.4f}",
        "类别\t精确率\t召回率\tF1\t样本数",
    ]
    for label, m in result["per_class"].items():
        lines.append(
            f"{label}\t{m['precision']:.3f}\t{m['recall']:.3f}\t{m['f1']:.3f}\t{m['support']}"
        )
    return "\n".join(lines)
