"""Respell words Whisper misheard as homophones, so that word lists can find them.

Whisper base on telephone audio writes 媒气味 for 煤气味, 紧盖 for 井盖, 找火 for 着火 and
标下去 for 掉下去. Matching a short list of important words by sound instead of spelling
finds them again. :func:`respell` returns a copy of the text, of the same length, in which
every stretch that sounds like one of the words is written as that word.

A stretch of text is respelt as a word when

* it is not the word already, and not a common word of its own in jieba's dictionary
  (手上 is not 受伤, 这伙 is not 着火);
* it begins and ends where jieba (hotline dictionary, no HMM guessing) puts word
  boundaries, so no word is cut in two (出电梯 has no 触电, 接受上户口 no 受伤, 扳倒他 no
  倒塌); words of four or more characters may cut one (调建合理论 holds 掉进河里);
* at least one of its characters is the word's own character (媒气 shares 气 with 煤气), so
  that no short word is made up from sound alone (他先 never becomes 塌陷); words of four or
  more characters need no such character (调建合理 for 掉进河里): four syllables in a row
  are evidence enough;
* every other character sounds the same as the word's (toneless, zh/z, n/l, in/ing merged;
  the word's phrase reading and the character's usual reading only: 着火 is zhao huo, and
  立 is li, not its rare reading wei), except that one character may sound near or differ
  only in a plosive initial (标 for 掉, see :func:`classify.phonetic.plosive_swap`): in a
  word of three characters when all the others are spelt right, in a longer word always.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable

from classify.phonetic import main_sound, near, phrase_sounds, plosive_swap
from classify.segment import get_tokenizer

logger = logging.getLogger(__name__)

# A stretch this frequent in jieba's dictionary is a word in its own right.
_COMMON_WORD_FREQ = 10
# Words this long may be respelt from sound alone, without a character spelt right.
_LONG_WORD = 4


def _word_boundaries(text: str) -> tuple[set[int], dict[str, int]]:
    """Offsets where jieba's words begin or end in ``text``, and jieba's word frequencies."""
    try:
        tokenizer = get_tokenizer()
        bounds = {0, len(text)}
        for _, start, end in tokenizer.tokenize(text, HMM=False):
            bounds.update((start, end))
        return bounds, tokenizer.FREQ
    except Exception as exc:  # pragma: no cover - jieba is a dependency; be safe anyway
        logger.warning("jieba unavailable for respelling: %s", exc)
        return set(range(len(text) + 1)), {}


@functools.lru_cache(maxsize=65536)
def _char_cost(said: str, want: str, usual: str) -> int:
    """0 when ``said`` is ``want`` or sounds like it, 1 when near, 2 otherwise."""
    heard = main_sound(said)  # rare readings (立 as wei) are not what Whisper heard
    if said == want or heard == usual:
        return 0
    if near(heard, usual) or plosive_swap(heard, usual):
        return 1
    return 2


@functools.lru_cache(maxsize=1024)
def _usual(word: str) -> tuple[str, ...]:
    return phrase_sounds(word)


def sounds_like(said: str, word: str) -> bool:
    """True when the text ``said`` is ``word`` misheard (see the module docstring)."""
    if said == word or len(said) != len(word):
        return False
    costs = [_char_cost(s, w, u) for s, w, u in zip(said, word, _usual(word), strict=True)]
    spelt = sum(1 for s, w in zip(said, word, strict=True) if s == w)
    if 2 in costs or costs.count(1) > 1:
        return False
    if len(word) >= _LONG_WORD:
        return True  # four syllables in a row are evidence enough (调建合理 for 掉进河里)
    if spelt == 0:
        return False
    return 1 not in costs or (len(word) >= 3 and spelt == len(word) - 1)


def respell(text: str, words: Iterable[str]) -> str:
    """``text`` with every stretch that sounds like one of ``words`` written as that word.

    Args:
        text: Any text, e.g. a transcript.
        words: The words to look for, longest first when they overlap.

    Returns:
        A string of the same length as ``text``.
    """
    chars = list(text)
    bounds, freq = _word_boundaries(text)
    for word in sorted(set(words), key=len, reverse=True):
        n = len(word)
        if n >= _LONG_WORD:
            # Only where the first character sounds right or near: cheap, and enough.
            first = (word[0], _usual(word)[0])
            starts = {i for i in range(len(text) - n + 1) if _char_cost(text[i], *first) < 2}
        else:
            starts = _starts_sharing_a_char(text, word)
        for start in sorted(starts):
            said = "".join(chars[start : start + n])
            cuts_a_word = start not in bounds or start + n not in bounds
            if (cuts_a_word and n < _LONG_WORD) or not sounds_like(said, word):
                continue
            if freq.get(said, 0) >= _COMMON_WORD_FREQ:
                continue
            chars[start : start + n] = word
    return "".join(chars)


def _starts_sharing_a_char(text: str, word: str) -> set[int]:
    """Where a stretch of ``text`` as long as ``word`` has one of its characters in place."""
    starts: set[int] = set()
    for k, ch in enumerate(word):
        pos = text.find(ch)
        while pos >= 0:
            if 0 <= pos - k <= len(text) - len(word):
                starts.add(pos - k)
            pos = text.find(ch, pos + 1)
    return starts


# Latin letters Whisper writes for a syllable that sounds like them: 梯 (ti) as T in 电梯 and
# 楼梯 (店TQ的, 3号电T). Same length, so evidence positions stay put.
_LETTER_TI_RE = re.compile(r"([电店点垫])[Tt]|(楼)[Tt]")


def letters_respelt(text: str) -> str:
    """``text`` with Latin letters Whisper wrote for a word's syllable written as that
    word (电T and 店T -> 电梯, 楼T -> 楼梯).

    Examples:
        >>> letters_respelt("卡在3号电T里了")
        '卡在3号电梯里了'
    """
    return _LETTER_TI_RE.sub(lambda m: "楼梯" if m.group(2) else "电梯", text)
