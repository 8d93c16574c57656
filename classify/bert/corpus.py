"""Raw text for the character BERT: normalisation, corpus files, chunks.

The pretraining corpus is a folder of heterogeneous files (CSV reviews, JSON-lines news
titles, plain text with one message per line or ``label<TAB>text``); :func:`read_corpus_dir`
turns each into plain texts. :func:`chunk_text` cuts long texts into pieces of at most
``max_chars`` characters, preferably at sentence ends.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

TEXT_FIELDS = ("text", "review", "sentence", "content", "body")
CORPUS_SUFFIXES = (".txt", ".csv", ".json", ".jsonl")

_SPACES = re.compile(r"\s+")
# A sentence ends after one of these (kept with the sentence).
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…])")


class CorpusError(ValueError):
    """The pretraining corpus is missing or holds no usable text."""


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def normalize_text(text: str) -> str:
    """Canonical text for the character model: NFKC, simplified characters, single spaces.

    NFKC turns full-width letters, digits and ASCII punctuation into their half-width forms
    (Whisper and web text mix both); OpenCC maps traditional to simplified characters, which
    Whisper often writes. Lower-casing is left to the tokenizer.
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = _t2s().convert(text)
    return _SPACES.sub(" ", text).strip()


def chunk_text(text: str, max_chars: int = 128, min_chars: int = 2) -> list[str]:
    """Cut a text into pieces of at most ``max_chars`` characters.

    Sentences are packed greedily; a sentence longer than ``max_chars`` is cut hard.
    Pieces shorter than ``min_chars`` are dropped.
    """
    if max_chars < 1:
        raise ValueError("max_chars 必须为正数")
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > max_chars:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:max_chars])
            sentence = sentence[max_chars:]
        if len(current) + len(sentence) > max_chars:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return [p.strip() for p in pieces if len(p.strip()) >= min_chars]


def _longest(values: Iterable[Any]) -> str:
    texts = [str(v) for v in values if isinstance(v, str | int | float)]
    return max(texts, key=len, default="")


def _pick_text(row: dict[str, Any]) -> str:
    for name in TEXT_FIELDS:
        value = row.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _read_txt(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        for line in handle:
            # ``label<TAB>text`` files: the text is the longest field.
            yield _longest(line.split("\t")) if "\t" in line else line


def _read_csv(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle):
            yield _pick_text({str(k).strip(): v for k, v in row.items() if k is not None})


def _read_json(path: Path) -> Iterator[str]:
    raw = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        rows: list[Any] = [json.loads(line) for line in raw.splitlines() if line.strip()]
    except json.JSONDecodeError:
        data = json.loads(raw)
        rows = data if isinstance(data, list) else [data]
    for row in rows:
        if isinstance(row, dict):
            yield _pick_text(row)
        elif isinstance(row, str):
            yield row


def read_corpus_file(path: Path | str) -> list[str]:
    """Normalised non-empty texts of one corpus file (format chosen by its suffix).

    CSV and JSON rows contribute their first non-empty field among :data:`TEXT_FIELDS`;
    rows without one (a label list, say) contribute nothing.

    Raises:
        CorpusError: Unsupported suffix or unreadable file.
    """
    path = Path(path)
    readers = {".txt": _read_txt, ".csv": _read_csv, ".json": _read_json, ".jsonl": _read_json}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise CorpusError(f"不支持的语料文件格式 {path.suffix}: {path}")
    try:
        texts = [normalize_text(t) for t in reader(path)]
    except (OSError, csv.Error, json.JSONDecodeError) as exc:
        raise CorpusError(f"无法读取语料文件 {path}: {exc}") from exc
    return [t for t in texts if t]


def read_corpus_dir(directory: Path | str) -> dict[str, list[str]]:
    """Texts of every supported file in a folder, by file name (sorted by name).

    Raises:
        CorpusError: The folder is missing or has no text.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise CorpusError(
            f"语料目录不存在: {directory}（需要 ../shared/data/corpus，或用 --corpus-dir 指定）"
        )
    result: dict[str, list[str]] = {}
    for path in sorted(directory.iterdir()):
        if path.is_file() and path.suffix.lower() in CORPUS_SUFFIXES:
            texts = read_corpus_file(path)
            if texts:
                result[path.name] = texts
                logger.info("corpus %s: %d texts", path.name, len(texts))
    if not result:
        raise CorpusError(
            f"语料目录 {directory} 中没有可用文本（支持 {', '.join(CORPUS_SUFFIXES)}）"
        )
    return result


def read_tsv_texts(path: Path | str) -> list[str]:
    """Normalised texts of a labelled TSV (``text`` column, or ``tokens`` joined without spaces)."""
    from classify.model_io import read_training_tsv

    texts, _ = read_training_tsv(path)
    return [t for t in (normalize_text(x) for x in texts) if t]


def make_chunks(texts: Iterable[str], max_chars: int = 128) -> list[str]:
    """Chunks of all texts in order, duplicates removed (first occurrence kept)."""
    seen: set[str] = set()
    chunks: list[str] = []
    for text in texts:
        for piece in chunk_text(text, max_chars):
            if piece not in seen:
                seen.add(piece)
                chunks.append(piece)
    return chunks
