"""Word segmentation with jieba and the hotline's domain dictionary."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import jieba

logger = logging.getLogger(__name__)

_DATA_DIR = Path(__file__).resolve().parents[1] / "data"
DEFAULT_USER_DICT = _DATA_DIR / "dict" / "hotline.txt"

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def get_tokenizer(user_dict: Path | None = None) -> jieba.Tokenizer:
    """Return the shared jieba tokenizer, loading the domain dictionary once."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            tok = jieba.Tokenizer()
            path = user_dict or DEFAULT_USER_DICT
            if path.exists():
                tok.load_userdict(str(path))
            else:
                logger.warning("domain dictionary %s not found; using jieba's own", path)
            _tokenizer = tok
        return _tokenizer


def segment(text: str) -> list[str]:
    """Split text into words, dropping whitespace-only tokens."""
    return [w for w in get_tokenizer().lcut(text) if w.strip()]
