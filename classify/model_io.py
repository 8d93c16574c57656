"""Self-describing model directories and labelled training files.

A model directory holds ``model.joblib`` (the fitted scikit-learn object) and ``meta.json``
(kind, version, labels, library versions, training-data hash, threshold, metrics, creation
time), so that inference loads only from the directory.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import logging
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import joblib
import sklearn

logger = logging.getLogger(__name__)

MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
# Label schemes (``label_scheme`` in meta.json): sub-category codes of the taxonomy, or any
# other label set (e.g. a public data set's categories), predicted as the label itself.
SCHEME_TAXONOMY = "taxonomy"
SCHEME_FREE = "free"
FREE_SCHEME_ALIASES = (SCHEME_FREE, "plain")  # "plain" is what the BERT classifier writes


class ModelLoadError(ValueError):
    """A model directory is missing, incomplete or of the wrong kind."""


class TrainingDataError(ValueError):
    """A training file cannot be read or has the wrong columns."""


class ModelVersionWarning(UserWarning):
    """A model was saved with a different library version than the one loading it."""


def label_scheme(labels: Iterable[str], codes: Iterable[str]) -> str:
    """``taxonomy`` when every label is a sub-category code, ``free`` when none looks like one.

    Args:
        labels: Training labels.
        codes: The taxonomy's sub-category codes (``top.sub``).

    Raises:
        ValueError: Some labels are sub-category codes, or look like one (``top.anything``
            with a top-level code of the taxonomy), and others are not: most likely a typo
            or an outdated taxonomy.
    """
    codes, wanted = set(codes), set(labels)
    unknown = sorted(wanted - codes)
    if not unknown:
        return SCHEME_TAXONOMY
    tops = {c.split(".", 1)[0] for c in codes}
    looks_like_code = any("." in x and x.split(".", 1)[0] in tops for x in unknown)
    if looks_like_code or len(unknown) < len(wanted):
        raise ValueError(f"训练标签不在分类体系中: {', '.join(unknown)}")
    return SCHEME_FREE


def data_sha256(texts: Sequence[str], labels: Sequence[str]) -> str:
    """SHA-256 over the training examples in order, as ``label<TAB>text`` lines."""
    digest = hashlib.sha256()
    for label, text in zip(labels, texts, strict=True):
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()


def make_version(kind: str, data_hash: str, now: dt.datetime | None = None) -> str:
    """A model version such as ``tfidf-20250101-120000-1a2b3c4d`` (UTC time, data hash)."""
    now = now or dt.datetime.now(dt.UTC)
    return f"{kind}-{now:%Y%m%d-%H%M%S}-{data_hash[:8]}"


def utc_now_iso() -> str:
    """The current UTC time in ISO 8601, seconds precision."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def save_model_dir(directory: Path | str, estimator: Any, meta: dict[str, Any]) -> Path:
    """Write an estimator and its metadata into ``directory`` (created if needed).

    Args:
        directory: Target directory; existing model files in it are replaced.
        estimator: A picklable fitted object.
        meta: JSON-serialisable metadata; must contain ``kind`` and ``version``.

    Returns:
        The directory path.
    """
    directory = Path(directory)
    for key in ("kind", "version"):
        if key not in meta:
            raise ValueError(f"模型元数据缺少 {key!r}")
    directory.mkdir(parents=True, exist_ok=True)
    meta = {**meta, "sklearn_version": sklearn.__version__}
    joblib.dump(estimator, directory / MODEL_FILE)
    (directory / META_FILE).write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    logger.info("saved %s model %s to %s", meta["kind"], meta["version"], directory)
    return directory


def read_meta(directory: Path | str) -> dict[str, Any]:
    """Read ``meta.json`` of a model directory.

    Raises:
        ModelLoadError: The directory or its metadata is missing or unreadable.
    """
    directory = Path(directory)
    path = directory / META_FILE
    if not path.is_file():
        raise ModelLoadError(f"{directory} 不是模型目录：缺少 {META_FILE}")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"无法读取模型元数据 {path}: {exc}") from exc
    if not isinstance(meta, dict):
        raise ModelLoadError(f"模型元数据 {path} 应为 JSON 对象")
    return meta


def load_model_dir(directory: Path | str, expected_kind: str) -> tuple[Any, dict[str, Any]]:
    """Load the estimator and metadata of a model directory.

    Warns with :class:`ModelVersionWarning` when the model was saved by another
    scikit-learn version.

    Raises:
        ModelLoadError: Missing files, or the directory holds another kind of model.
    """
    directory = Path(directory)
    meta = read_meta(directory)
    kind = meta.get("kind")
    if kind != expected_kind:
        raise ModelLoadError(f"{directory} 中的模型类型为 {kind!r}，需要 {expected_kind!r}")
    saved_with = meta.get("sklearn_version")
    if saved_with != sklearn.__version__:
        message = (
            f"模型 {meta.get('version')} 由 scikit-learn {saved_with} 保存，当前为 "
            f"{sklearn.__version__}；预测结果可能不同，建议重新训练"
        )
        logger.warning(message)
        warnings.warn(message, ModelVersionWarning, stacklevel=2)
    model_path = directory / MODEL_FILE
    if not model_path.is_file():
        raise ModelLoadError(f"{directory} 缺少模型文件 {MODEL_FILE}")
    with warnings.catch_warnings():
        # sklearn's own unpickling warning repeats what ModelVersionWarning already said.
        warnings.filterwarnings("ignore", message=".*Trying to unpickle estimator.*")
        estimator = joblib.load(model_path)
    return estimator, meta


def read_training_tsv(path: Path | str) -> tuple[list[str], list[str]]:
    """Read labelled examples from a TSV file with a header.

    The header must have ``label`` and either ``text`` or ``tokens`` (space-separated,
    already segmented words; they are joined back into one string so the classifier
    segments them like any other text). Rows with an empty text are skipped.

    Returns:
        ``(texts, labels)``.

    Raises:
        TrainingDataError: The file is missing or lacks the needed columns.
    """
    path = Path(path)
    if not path.is_file():
        raise TrainingDataError(f"训练数据文件不存在: {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        fields = reader.fieldnames or []
        column = "text" if "text" in fields else "tokens" if "tokens" in fields else None
        if "label" not in fields or column is None:
            raise TrainingDataError(
                f"{path} 的表头应包含 label 以及 text 或 tokens 列，实际为 {fields}"
            )
        texts: list[str] = []
        labels: list[str] = []
        for row in reader:
            raw = (row.get(column) or "").strip()
            text = "".join(raw.split()) if column == "tokens" else raw
            label = (row.get("label") or "").strip()
            if text and label:
                texts.append(text)
                labels.append(label)
    logger.info("read %d examples from %s", len(texts), path)
    return texts, labels


def read_training_tsvs(paths: Sequence[Path | str]) -> tuple[list[str], list[str]]:
    """:func:`read_training_tsv` over several files, concatenated in order.

    Raises:
        TrainingDataError: A file is missing or lacks the needed columns.
    """
    texts: list[str] = []
    labels: list[str] = []
    for path in paths:
        file_texts, file_labels = read_training_tsv(path)
        texts += file_texts
        labels += file_labels
    return texts, labels


def meta_head(
    kind: str,
    schema: int,
    classes: Sequence[str],
    scheme: str,
    texts: Sequence[str],
    labels: Sequence[str],
) -> dict[str, Any]:
    """What every model's ``meta.json`` begins with: kind, version, labels, data hash."""
    data_hash = data_sha256(texts, labels)
    return {
        "kind": kind,
        "schema": schema,
        "version": make_version(kind, data_hash),
        "created_at": utc_now_iso(),
        "labels": list(classes),
        "label_scheme": scheme,
        "training_data_sha256": data_hash,
    }
