"""Labelled examples as files: exported training data and frozen evaluation sets.

Two kinds of file, both TSV with a ``label`` + ``text`` header (what
:func:`classify.model_io.read_training_tsv` reads):

* **Exports** of confirmed work orders (the API builds the rows, masked): extra columns say
  the top-level category, whether an operator corrected the suggestion, what was suggested and
  by which model. Rows are deduplicated by a hash of the normalised text.
* **Frozen evaluation sets** (``data/eval/frozen-v1.tsv``): never trained on, never edited.
  A manifest beside each file (``frozen-v1.manifest.json``: version, sha256, count, labels)
  pins its content; :func:`load_frozen_eval` refuses a file that no longer matches, so every
  metric names exactly the data it was measured on. A changed set is a new version.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from classify.model_io import read_training_tsv, utc_now_iso
from classify.tfidf import normalize_text

logger = logging.getLogger(__name__)

EVAL_DIR = Path(__file__).resolve().parents[1] / "data" / "eval"
DEFAULT_FROZEN_EVAL = EVAL_DIR / "frozen-v1.tsv"
EXPORT_COLUMNS = ("label", "text", "category", "corrected", "suggested_code", "model_version")
MANIFEST_SUFFIX = ".manifest.json"


class FrozenSetError(ValueError):
    """A frozen evaluation set is missing, unpinned, or no longer matches its manifest."""


@dataclass
class LabelledExample:
    """One caller text with the category it was finally given.

    Attributes:
        text: What the caller said (personal data already masked for exports).
        label: Final sub-category code.
        category: Top-level category code.
        corrected: True when an operator changed the suggested category.
        suggested_code: What the model suggested.
        model_version: The model that made the suggestion.
    """

    text: str
    label: str
    category: str = ""
    corrected: bool = False
    suggested_code: str | None = None
    model_version: str | None = None

    def __post_init__(self) -> None:
        if not self.category:
            self.category = self.label.split(".", 1)[0]


@dataclass
class DedupStats:
    """What deduplication removed: repeats, and repeats whose labels disagreed."""

    kept: int = 0
    duplicates: int = 0
    conflicts: int = 0


def text_key(text: str) -> str:
    """SHA-256 of the normalised text: the same words, whatever the punctuation or digits."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def deduplicate(examples: Iterable[LabelledExample]) -> tuple[list[LabelledExample], DedupStats]:
    """One example per normalised text; on disagreement the later example wins.

    Args:
        examples: Oldest first (a later decision replaces an earlier one).

    Returns:
        The kept examples in first-seen order, and counts of what was dropped.
    """
    kept: dict[str, LabelledExample] = {}
    stats = DedupStats()
    for example in examples:
        key = text_key(example.text)
        previous = kept.get(key)
        if previous is not None:
            stats.duplicates += 1
            if previous.label != example.label:
                stats.conflicts += 1
        kept[key] = example
    stats.kept = len(kept)
    return list(kept.values()), stats


def _clean(value: str) -> str:
    # TSV without quoting: tabs and line breaks inside a field would split the row.
    return " ".join(value.split())


def write_export(examples: Sequence[LabelledExample], out: TextIO) -> int:
    """Write examples as TSV (``EXPORT_COLUMNS``); returns the number of rows."""
    out.write("\t".join(EXPORT_COLUMNS) + "\n")
    for e in examples:
        fields = [
            e.label,
            _clean(e.text),
            e.category,
            "1" if e.corrected else "0",
            e.suggested_code or "",
            e.model_version or "",
        ]
        out.write("\t".join(fields) + "\n")
    return len(examples)


def export_text(examples: Sequence[LabelledExample]) -> str:
    """The TSV export as one string."""
    buffer = io.StringIO()
    write_export(examples, buffer)
    return buffer.getvalue()


def write_export_file(examples: Sequence[LabelledExample], path: Path | str) -> int:
    """Write the TSV export to ``path`` (parents created); returns the number of rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        return write_export(examples, handle)


def file_sha256(path: Path | str) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass
class FrozenEvalSet:
    """A pinned evaluation set: its version, content hash and examples."""

    version: str
    path: Path
    sha256: str
    texts: list[str]
    labels: list[str]
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of examples."""
        return len(self.texts)

    def describe(self) -> dict[str, Any]:
        """What metrics record about the set they were measured on."""
        return {"version": self.version, "sha256": self.sha256, "n": self.n}


def manifest_path(tsv: Path | str) -> Path:
    """Where the manifest of an evaluation file lives (``frozen-v1.tsv`` -> ``.manifest.json``)."""
    tsv = Path(tsv)
    return tsv.with_name(tsv.stem + MANIFEST_SUFFIX)


def freeze_eval_set(
    tsv: Path | str, version: str | None = None, description: str = ""
) -> dict[str, Any]:
    """Pin an evaluation file: write its manifest (version, sha256, count, labels).

    Re-freezing an unchanged file is a no-op; a changed file under an existing manifest is
    refused, because metrics measured on the old content would silently change meaning.

    Raises:
        FrozenSetError: The manifest exists and pins different content.
    """
    tsv = Path(tsv)
    texts, labels = read_training_tsv(tsv)
    digest = file_sha256(tsv)
    target = manifest_path(tsv)
    if target.exists():
        existing = json.loads(target.read_text(encoding="utf-8"))
        if existing.get("sha256") == digest:
            return dict(existing)
        raise FrozenSetError(
            f"{tsv} 已冻结为 {existing.get('version')}，内容不可修改；"
            f"请另存为新版本（例如 frozen-v2.tsv）再冻结"
        )
    manifest = {
        "version": version or tsv.stem,
        "file": tsv.name,
        "sha256": digest,
        "count": len(texts),
        "labels": dict(sorted(Counter(labels).items())),
        "frozen_at": utc_now_iso(),
        "description": description,
    }
    target.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    logger.info("froze evaluation set %s (%d examples)", manifest["version"], len(texts))
    return manifest


def load_frozen_eval(path: Path | str = DEFAULT_FROZEN_EVAL) -> FrozenEvalSet:
    """Read a frozen evaluation set after checking it against its manifest.

    Raises:
        FrozenSetError: No manifest, or the file's hash or size differs from it.
    """
    path = Path(path)
    target = manifest_path(path)
    if not path.is_file():
        raise FrozenSetError(f"冻结评估集不存在: {path}")
    if not target.is_file():
        raise FrozenSetError(
            f"{path} 没有清单文件 {target.name}，不是冻结评估集；先用 freeze_eval_set 冻结"
        )
    manifest = json.loads(target.read_text(encoding="utf-8"))
    digest = file_sha256(path)
    if digest != manifest.get("sha256"):
        raise FrozenSetError(
            f"冻结评估集 {path.name} 的内容与清单不符（sha256 {digest[:12]} ≠ "
            f"{str(manifest.get('sha256'))[:12]}）；冻结后不可修改，请恢复原文件或另建新版本"
        )
    texts, labels = read_training_tsv(path)
    if len(texts) != manifest.get("count"):
        raise FrozenSetError(f"冻结评估集 {path.name} 条数 {len(texts)} 与清单不符")
    return FrozenEvalSet(
        version=str(manifest.get("version", path.stem)),
        path=path,
        sha256=digest,
        texts=texts,
        labels=labels,
        manifest=manifest,
    )


def overlapping(texts: Iterable[str], others: Iterable[str]) -> list[str]:
    """Texts of ``texts`` whose normalised form also occurs in ``others``."""
    keys = {text_key(t) for t in others}
    return [t for t in texts if text_key(t) in keys]


def _shingles(text: str, n: int = 3) -> set[str]:
    norm = normalize_text(text).replace(" ", "")
    return {norm[i : i + n] for i in range(max(len(norm) - n + 1, 1))}


def near_duplicates(
    texts: Sequence[str], others: Sequence[str], threshold: float = 0.6
) -> list[tuple[str, str, float]]:
    """Pairs whose character-trigram Jaccard similarity reaches ``threshold``.

    Catches copies with a word or two changed, which an exact hash misses.
    """
    other_sets = [(o, _shingles(o)) for o in others]
    pairs = []
    for text in texts:
        mine = _shingles(text)
        for other, theirs in other_sets:
            score = len(mine & theirs) / max(len(mine | theirs), 1)
            if score >= threshold:
                pairs.append((text, other, round(score, 3)))
    return pairs
