"""How Chinese characters sound, for matching what Whisper wrote against what was meant.

Whisper base on 8 kHz telephone speech writes many words with a character that sounds the
same or nearly the same (常安区 for 长安区, 媒气味 for 煤气味, 腰 for 幺). Matching therefore
compares toneless pinyin syllables at two levels:

* *same*: equal after merging the sounds speakers and recognisers confuse all the time
  (zh/z, ch/c, sh/s, n/l, ang/an, eng/en, ing/in) -- :func:`fuzzy`;
* *near*: one step further apart, either the initial swapped within a group of similar
  consonants (j/q/x, z/c/s, b/p, d/t, g/k, f/h, l/r) with the same final, or the same initial
  with a final one letter off (jia/jie, ta/tan, yan/yuan, lu/lou, yi/yu) or one of a few
  pairs that recognisers swap (ie/ian, ao/ou, ong/ou) -- :func:`near`.

Readings come from ``pypinyin`` (toneless, every heteronym of a character). Without it no
character has a reading, so only exact spellings match.
"""

from __future__ import annotations

import functools
import logging

logger = logging.getLogger(__name__)

try:
    import pypinyin
except ImportError:  # pragma: no cover - exercised only where pypinyin is missing
    pypinyin = None  # type: ignore[assignment]
    logger.warning("pypinyin is not installed: characters match by spelling only")

_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))
# Initials (after fuzzy merging) in the order pinyin writes them; two-letter ones first.
_ALL_INITIALS = ("b", "p", "m", "f", "d", "t", "l", "g", "k", "h", "j", "q", "x", "z", "c", "s",
                 "r", "y", "w")  # fmt: skip
_SIMILAR_INITIALS = (
    frozenset("jqx"),
    frozenset("zcs"),
    frozenset("bp"),
    frozenset("dt"),
    frozenset("gk"),
    frozenset("fh"),
    frozenset("lr"),
)
_PLOSIVES = frozenset("bpdtgk")
# Finals more than one letter apart that recognisers still swap (街/建, 号/后, 楼/龙).
_SIMILAR_FINALS = frozenset(
    {frozenset({"ie", "ian"}), frozenset({"ao", "ou"}), frozenset({"ong", "ou"})}
)


def fuzzy(syllable: str) -> str:
    """Merge the sounds speakers and recognisers confuse: zh->z, n->l, ang->an, ..."""
    for long, short in _INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FINALS:
        if syllable.endswith(long):
            return syllable[: -len(long)] + short
    return syllable


def is_han(ch: str) -> bool:
    """True for a CJK unified ideograph (the common Chinese characters)."""
    return "\u4e00" <= ch <= "\u9fff"


@functools.lru_cache(maxsize=16384)
def char_sounds(ch: str) -> frozenset[str]:
    """All fuzzy toneless readings of one character; empty for non-Chinese characters."""
    if pypinyin is None or not is_han(ch):
        return frozenset()
    readings = pypinyin.pinyin(ch, style=pypinyin.Style.NORMAL, heteronym=True)[0]
    return frozenset(fuzzy(r) for r in readings if r.isalpha())


@functools.lru_cache(maxsize=16384)
def exact_sounds(ch: str) -> frozenset[str]:
    """Toneless readings of one character without any merging (十 -> shi, 四 -> si)."""
    if pypinyin is None or not is_han(ch):
        return frozenset()
    readings = pypinyin.pinyin(ch, style=pypinyin.Style.NORMAL, heteronym=True)[0]
    return frozenset(r for r in readings if r.isalpha())


@functools.lru_cache(maxsize=16384)
def main_sound(ch: str) -> str:
    """The usual fuzzy toneless reading of one character (要 -> ``yao``); "" if none."""
    if pypinyin is None or not is_han(ch):
        return ""
    reading = pypinyin.lazy_pinyin(ch, style=pypinyin.Style.NORMAL)[0]
    return fuzzy(reading) if reading.isalpha() else ""


def syllables(text: str) -> str:
    """The usual readings of ``text``'s characters, space-separated (向洋 -> ``xiang yang``),
    for comparing words by sound."""
    return " ".join(main_sound(ch) for ch in text)


def word_sounds(word: str) -> tuple[frozenset[str], ...]:
    """Readings of each character of a word: its phrase reading plus every heteronym."""
    phrase = pypinyin.lazy_pinyin(word, style=pypinyin.Style.NORMAL) if pypinyin else []
    if len(phrase) != len(word):
        phrase = [""] * len(word)
    return tuple(
        char_sounds(ch) | ({fuzzy(p)} if p.isalpha() else set())
        for ch, p in zip(word, phrase, strict=True)
    )


def phrase_sounds(word: str) -> tuple[str, ...]:
    """The one reading of each character of ``word`` as a phrase (着火 -> zao, huo)."""
    if pypinyin is None:
        return ("",) * len(word)
    phrase = pypinyin.lazy_pinyin(word, style=pypinyin.Style.NORMAL)
    if len(phrase) != len(word):
        return ("",) * len(word)
    return tuple(fuzzy(p) if p.isalpha() else "" for p in phrase)


def split_syllable(syllable: str) -> tuple[str, str]:
    """Initial and final of a fuzzy syllable: ``"qiao"`` -> ``("q", "iao")``."""
    for initial in _ALL_INITIALS:
        if syllable.startswith(initial) and len(syllable) > len(initial):
            return initial, syllable[len(initial) :]
    return "", syllable


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one insertion, deletion or substitution."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@functools.lru_cache(maxsize=65536)
def near(a: str, b: str) -> bool:
    """True when two different fuzzy syllables are one confusion apart (see module doc)."""
    if a == b or not a or not b:
        return False
    ia, fa = split_syllable(a)
    ib, fb = split_syllable(b)
    if fa == fb:
        return any(ia in g and ib in g for g in _SIMILAR_INITIALS)
    if ia != ib:
        return False
    return _one_edit(fa, fb) or frozenset({fa, fb}) in _SIMILAR_FINALS


def plosive_swap(a: str, b: str) -> bool:
    """True when two syllables differ only in a plosive initial (biao/diao, gai/dai).

    Stops differ mostly in the bursts that an 8 kHz telephone line cuts off, so a
    recogniser confuses their place of articulation; other initials are not swapped.
    """
    ia, fa = split_syllable(a)
    ib, fb = split_syllable(b)
    return fa == fb and ia != ib and ia in _PLOSIVES and ib in _PLOSIVES


def sound_distance(ch: str, wanted: frozenset[str], usual: str) -> float:
    """How far ``ch`` sounds from a character read ``wanted`` (usually ``usual``).

    Returns:
        0 when one reading of ``ch`` is one of ``wanted``; 0.5 when the usual reading of
        ``ch`` is near ``usual`` (rare readings are not stretched further); 1 otherwise.
    """
    if char_sounds(ch) & wanted:
        return 0.0
    if near(main_sound(ch), usual):
        return 0.5
    return 1.0


@functools.lru_cache(maxsize=65536)
def loose_distance(heard: str, name: str) -> float:
    """How far the character ``heard`` sounds from ``name``'s character, loosely.

    Finer than :func:`sound_distance` at the far end, for ranking place names that *might*
    have been said (a prompt for a second decoding), not for accepting one:

    Returns:
        0 for the same sound (or character), 0.5 for a near one (:func:`near`), 0.75 when
        the usual readings share the initial or the final (zhong/zhuang, jian/zhen), 1
        otherwise.
    """
    if heard == name or char_sounds(heard) & char_sounds(name):
        return 0.0
    a, b = main_sound(heard), main_sound(name)
    if not a or not b:
        return 1.0
    if near(a, b):
        return 0.5
    (ia, fa), (ib, fb) = split_syllable(a), split_syllable(b)
    return 0.75 if ia == ib or fa == fb else 1.0
