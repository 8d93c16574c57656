"""Cleaning Whisper's raw text: simplified characters, no phantom phrases, no loops.

Whisper was trained on subtitled video, so on silence, music or noise it sometimes "hears" the
credits of a video (字幕由Amara.org社群提供, 谢谢观看, ...), and it can fall into repetition
loops. Phrases that never occur in real hotline speech are removed wherever they appear;
phrases that could be real (谢谢观看 could end a sentence) are removed only when they make up a
whole segment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import opencc

# Removed wherever they occur (after conversion to simplified characters).
_ALWAYS_PHANTOM = [
    r"(小编)?字幕由\s*Amara\.org\s*社[群区]提供",
    r"请不吝点赞\s*订阅\s*转发\s*打赏支持明镜与点点栏目",
    r"明镜(需要您的)?支持[，,\s]*欢迎订阅明镜",
    r"优优独播剧场\s*(——|-+)?\s*(YoYo\s*Television\s*Series\s*Exclusive)?",
    r"YoYo\s*Television\s*Series\s*Exclusive",
    r"MING\s*PAO\s*(CANADA|TORONTO)(\s*MING\s*PAO\s*(CANADA|TORONTO))*",
    r"点赞\s*订阅\s*转发\s*打赏",
]

# Removed only when a whole segment consists of them (punctuation and spaces ignored).
_WHOLE_SEGMENT_PHANTOM = [
    r"(谢谢|感谢)(大家|各位|您|你)?的?(观看|收看|收听)",
    r"(请|欢迎|记得)?(点赞|订阅|关注|转发|分享)((和|与|并|、)?(点赞|订阅|关注|转发|分享|收藏))*"
    r"(我的|本)?(频道|节目)?",
    r"(我们)?下(期|集|次节目)(节目)?再见",
    r"(中文)?字幕(组|制作|校对|翻译|提供|志愿者)?[:：]?.{0,12}",
    r"(字幕|翻译|校对|时间轴)(由|by).{0,16}",
    r"(作词|作曲|词曲|编曲)[:：]?.{0,8}",
    r"thank\s*you\s*(so\s*much\s*)?for\s*watching",
    r"please\s*subscribe.*",
]

_ALWAYS_RE = re.compile("|".join(f"(?:{p})" for p in _ALWAYS_PHANTOM), re.IGNORECASE)
_WHOLE_RE = re.compile("|".join(f"(?:{p})" for p in _WHOLE_SEGMENT_PHANTOM), re.IGNORECASE)

# A unit of 2..12 characters repeated 4+ times in a row (optionally separated by punctuation),
# or one character 6+ times.
_PHRASE_LOOP_RE = re.compile(r"(.{2,12}?)(?:[，,、。.\s]*\1){3,}", re.DOTALL)
_CHAR_LOOP_RE = re.compile(r"(.)\1{5,}", re.DOTALL)
_CHAR_LOOP_KEEP = 3
# Numbers (phone numbers, amounts) legitimately repeat digits: never collapse those.
_NUMERAL_CHARS = frozenset("0123456789０１２３４５６７８９零〇一二三四五六七八九十百千万亿幺两点.")

MAX_SAME_SEGMENTS = 3
"""Consecutive segments with the same text kept before the rest are treated as a loop."""


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional Chinese characters to simplified ones (OpenCC ``t2s``)."""
    return _converter().convert(text) if text else text


def _strip_punctuation(text: str) -> str:
    return "".join(ch for ch in text if not (unicodedata.category(ch)[0] in "PZS" or ch.isspace()))


_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_HALF_TO_FULL = str.maketrans({",": "，", "?": "？", "!": "！", ";": "；", ":": "："})
_ASCII_PUNCT_RE = re.compile(rf"(?<={_CJK})\s*([,?!;:])\s*|\s*([,?!;:])\s*(?={_CJK})")
_ASCII_STOP_RE = re.compile(rf"(?<={_CJK})\.(?![0-9A-Za-z])")
_CJK_SPACE_RE = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def normalize_punctuation(text: str) -> str:
    """Use Chinese punctuation next to Chinese characters ("好,对" -> "好，对").

    A space between two Chinese characters (Whisper's pause marker) becomes "，". Latin text
    ("Amara.org", "3.5") is left alone.
    """
    text = _ASCII_PUNCT_RE.sub(lambda m: (m.group(1) or m.group(2)).translate(_HALF_TO_FULL), text)
    text = _ASCII_STOP_RE.sub("。", text)
    return _CJK_SPACE_RE.sub("，", text)


def is_phantom(text: str) -> bool:
    """True when a segment is nothing but a known Whisper phantom phrase (or empty)."""
    simplified = to_simplified(text)
    key = _strip_punctuation(_ALWAYS_RE.sub("", simplified))
    return not key or _WHOLE_RE.fullmatch(key) is not None


def remove_embedded_phantoms(text: str) -> str:
    """Remove phantom phrases that are never real speech wherever they occur."""
    return _ALWAYS_RE.sub("", text)


def collapse_repetitions(text: str) -> str:
    """Cut repetition loops: a phrase repeated 4+ times becomes one, a character 6+ times three.

    Ordinary repetition in speech ("对对对", "好的好的") and repeated digits in numbers
    ("13131313131", "1000000") are left alone.
    """
    text = _CHAR_LOOP_RE.sub(lambda m: _shorten(m, _CHAR_LOOP_KEEP), text)
    return _PHRASE_LOOP_RE.sub(lambda m: _shorten(m, 1), text)


def words_before_loop(text: str) -> int | None:
    """How many characters of speech come before a repetition loop that ends ``text``
    (二号楼楼楼楼楼楼楼: 3), or None when ``text`` does not end in one. Whisper base caught
    in such a loop writes nothing more for the rest of the segment, though the caller goes
    on speaking (dev39: a 10 s segment, the name and phone after it lost)."""
    stripped = text.rstrip("，,、。.！!？? ")
    for pattern in (_CHAR_LOOP_RE, _PHRASE_LOOP_RE):
        loop = next((m for m in pattern.finditer(stripped) if m.end() == len(stripped)), None)
        if loop is not None and not set(loop.group(1)) <= _NUMERAL_CHARS:
            before = stripped[: loop.start()] + loop.group(1)
            return len(_strip_punctuation(before))
    return None


def _shorten(match: re.Match[str], keep: int) -> str:
    unit = match.group(1)
    if set(unit) <= _NUMERAL_CHARS:
        return match.group(0)
    return unit * keep


def clean_segment_text(text: str) -> str:
    """Full clean-up of one segment's text; returns ``""`` when nothing real is left."""
    text = to_simplified(text).strip()
    if is_phantom(text):
        return ""
    text = remove_embedded_phantoms(text).strip()
    text = normalize_punctuation(collapse_repetitions(text)).strip()
    return "" if not _strip_punctuation(text) else text


def drop_repeated_runs(texts: Iterable[str], max_same: int = MAX_SAME_SEGMENTS) -> list[bool]:
    """Which texts to keep when consecutive segments repeat the same text (a decoding loop).

    Args:
        texts: Segment texts in order.
        max_same: How many equal consecutive texts are kept.

    Returns:
        One flag per text, True to keep it.
    """
    keep: list[bool] = []
    previous, run = None, 0
    for text in texts:
        key = _strip_punctuation(text)
        run = run + 1 if key == previous else 1
        previous = key
        keep.append(run <= max_same)
    return keep


_SENTENCE_END = "。！？!?，,、；;：:…"


def join_texts(texts: Iterable[str]) -> str:
    """Join segment texts, adding "，" between segments that carry no punctuation of their own.

    Whisper often leaves Chinese segments unpunctuated; gluing them would merge the last word of
    one segment with the first of the next.
    """
    parts: list[str] = []
    for text in texts:
        if not text:
            continue
        if parts and parts[-1][-1] not in _SENTENCE_END:
            parts.append("，")
        parts.append(text)
    return "".join(parts)
