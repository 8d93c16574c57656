"""A character vocabulary (``vocab.txt``) and its BERT tokenizer.

The vocabulary holds the special tokens, then characters by frequency (Chinese characters,
punctuation, symbols) with a minimum count, then every ASCII letter and digit both alone and as
a ``##`` continuation so that Latin words and numbers split into characters instead of
becoming ``[UNK]``. With ``tokenize_chinese_chars=True`` the tokenizer gives one token per
Chinese character.
"""

from __future__ import annotations

import logging
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
ASCII_ALNUM = string.digits + string.ascii_lowercase
VOCAB_FILE = "vocab.txt"


def is_cjk(char: str) -> bool:
    """True for a CJK ideograph (the ranges BERT's basic tokenizer splits per character)."""
    cp = ord(char)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def _is_single_token_char(char: str) -> bool:
    """Characters the BERT pre-tokenizer always isolates: CJK, punctuation, symbols."""
    if is_cjk(char):
        return True
    category = unicodedata.category(char)
    return category.startswith("P") or category.startswith("S")


def count_chars(texts: Iterable[str]) -> Counter[str]:
    """Frequency of each character that becomes its own token (lower-cased text)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(text.lower())
    return Counter({c: n for c, n in counts.items() if _is_single_token_char(c)})


def build_vocab(
    texts: Iterable[str],
    min_count: int = 5,
    max_size: int = 8000,
    required_texts: Iterable[str] = (),
) -> list[str]:
    """Build the token list: specials, characters by frequency, ASCII letters and digits.

    Args:
        texts: Corpus texts to count characters in.
        min_count: Fewest occurrences for a character to get its own token.
        max_size: Largest vocabulary size (all fixed tokens included).
        required_texts: Texts whose characters are always included, whatever their count
            (the project's own domain data).

    Returns:
        Tokens in id order.

    Raises:
        ValueError: ``max_size`` leaves no room for any character.
    """
    fixed = [*SPECIAL_TOKENS, *ASCII_ALNUM, *(f"##{c}" for c in ASCII_ALNUM)]
    if max_size <= len(fixed):
        raise ValueError(f"词表大小 {max_size} 太小，至少需要 {len(fixed) + 1}")
    counts = count_chars(texts)
    required = set(count_chars(required_texts))
    taken = set(fixed)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    chars = [c for c in sorted(required) if c not in taken]
    taken.update(chars)
    room = max_size - len(fixed) - len(chars)
    frequent = [c for c, n in ranked if n >= min_count and c not in taken][: max(room, 0)]
    vocab = [*SPECIAL_TOKENS, *sorted(chars + frequent, key=lambda c: (-counts[c], c))]
    vocab += fixed[len(SPECIAL_TOKENS) :]
    logger.info(
        "vocabulary: %d tokens (%d characters seen, %d with count >= %d)",
        len(vocab),
        len(counts),
        sum(1 for n in counts.values() if n >= min_count),
        min_count,
    )
    return vocab


def write_vocab(tokens: list[str], path: Path | str) -> Path:
    """Write ``vocab.txt`` (one token per line, line number = id)."""
    path = Path(path)
    if len(set(tokens)) != len(tokens):
        raise ValueError("词表中有重复的词元")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(tokens) + "\n", encoding="utf-8")
    return path


def read_vocab(path: Path | str) -> list[str]:
    """Tokens of a ``vocab.txt`` in id order.

    Raises:
        ValueError: The file is missing or lacks the special tokens.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"词表文件不存在: {path}")
    tokens = [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines()]
    missing = [t for t in SPECIAL_TOKENS if t not in tokens]
    if missing:
        raise ValueError(f"词表 {path} 缺少特殊词元: {', '.join(missing)}")
    return tokens


def load_tokenizer(vocab_path: Path | str) -> Any:
    """A per-character ``BertTokenizerFast`` over a ``vocab.txt``.

    Works with transformers 4 (``vocab_file=``) and 5 (``vocab=`` mapping).
    """
    import inspect

    from transformers import BertTokenizerFast  # type: ignore[attr-defined]

    tokens = read_vocab(vocab_path)
    params = inspect.signature(BertTokenizerFast.__init__).parameters
    source: dict[str, Any] = (
        {"vocab": {t: i for i, t in enumerate(tokens)}}
        if "vocab" in params
        else {"vocab_file": str(vocab_path)}
    )
    return BertTokenizerFast(**source, tokenize_chinese_chars=True, do_lower_case=True)
