"""Digits read out one by one, as Whisper writes them from a telephone line.

Callers read phone numbers digit by digit in groups (幺三九，三幺八五，七二六四). Whisper base
writes most digits right, in Arabic or Chinese numerals, but often writes a digit as a
homophone or near-homophone: 幺 as 要/腰/妖/邀/由, 七 as 期/起/去, 四 as 是/时. Inside a group
that is otherwise digits, such a character (a *soft digit*) is read as the digit it sounds
like; at the edge of a group it may as well be a word (电话是139...), so the phone reader tries
both.

A group is a maximal run of digit characters and soft digits holding at least one real digit;
groups separated only by pauses (spaces, commas, 、, hyphens) form a chain, as in
:mod:`classify.entities.numerals`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from classify.entities.numerals import CHINESE_DIGITS, DIGIT_VALUES, is_han
from classify.phonetic import char_sounds, main_sound, near

# How each digit is read aloud (fuzzy toneless pinyin, see classify.phonetic).
_READINGS: dict[str, tuple[str, ...]] = {
    "0": ("lin", "dong"), "1": ("yi", "yao"), "2": ("er",), "3": ("san",),
    "4": ("si",), "5": ("wu",), "6": ("liu",), "7": ("qi",), "8": ("ba",), "9": ("jiu",),
}  # fmt: skip
# Numeral units, counters and date words are quantities, never one digit of a number.
_NEVER_SOFT = frozenset("十百千万亿拾佰仟号年月日点元块岁米层楼栋单室户区路街")
# Whisper's spellings of a digit that the sound rules do not reach: 幺 as 鸟 (yao, niao) at
# the head of a group (鸟八六，三三零五…, 鸟三三，八三鸟鸟…), seen in two calls.
_SPELT_AS = {"鸟": "1"}
# Pauses between groups; Whisper sometimes ends a "sentence" between two groups (三八。三幺),
# or asks one (幺三三？幺三一一…).
# ﹑ and ﹐ are the small forms Whisper writes after a prompt.
_GAP_CHARS = r"\s,，、﹑﹐。？?\-－—–_/"
_GAP_RE = re.compile(rf"[{_GAP_CHARS}]{{1,3}}")
# A digit, then a pause, right before a position (at most this many characters back).
_GAP_BEFORE_RE = re.compile(rf"[{''.join(DIGIT_VALUES)}][{_GAP_CHARS}]{{1,3}}$")
_GAP_BEFORE_REACH = 4


@functools.lru_cache(maxsize=16384)
def soft_digit(ch: str) -> str | None:
    """The digit a Chinese character sounds like when it stands among digits, else None.

    A character that sounds the same as a digit's reading (要 -> 1, 是 -> 4) counts; failing
    that, one whose usual reading is near exactly one digit's (去 -> 7, 由 -> 1), or one
    Whisper is known to write for a digit (鸟 -> 1).
    """
    if ch in _SPELT_AS:
        return _SPELT_AS[ch]
    if ch in DIGIT_VALUES or ch in _NEVER_SOFT or not is_han(ch):
        return None
    sounds = char_sounds(ch)
    same = {d for d, readings in _READINGS.items() if sounds & set(readings)}
    if len(same) == 1:
        return same.pop()
    if same:
        return None
    usual = main_sound(ch)
    close = {d for d, readings in _READINGS.items() if any(near(usual, r) for r in readings)}
    return close.pop() if len(close) == 1 else None


@dataclass(frozen=True)
class Group:
    """A run of digits said without a pause, soft digits included.

    Attributes:
        start: Index of the first character in the text.
        end: Index one past the last character.
        digits: One Arabic digit per character.
        soft: For each character, True when it is a homophone read as a digit.
        loose_tail: Trailing characters that may belong to the next word instead: soft
            digits, or a Chinese digit glued to a following word (the 一 of 一直).
    """

    start: int
    end: int
    digits: str
    soft: tuple[bool, ...]
    loose_tail: int

    @property
    def loose_head(self) -> int:
        """Leading soft digits, which may belong to the word before (是139...)."""
        count = 0
        for flag in self.soft:
            if not flag:
                break
            count += 1
        return count


def find_groups(text: str, skip: list[tuple[int, int]] | None = None) -> list[Group]:
    """All groups of digits in ``text`` that hold a real digit, outside the ``skip`` spans."""
    groups: list[Group] = []
    i = 0
    while i < len(text):
        if text[i] not in DIGIT_VALUES and soft_digit(text[i]) is None:
            i += 1
            continue
        start = i
        while i < len(text) and (text[i] in DIGIT_VALUES or soft_digit(text[i]) is not None):
            i += 1
        group = _group(text, start, i) or _lone_between(text, start, i)
        if group is not None and not any(s <= start < e for s, e in skip or ()):
            groups.append(group)
    return groups


def _lone_between(text: str, start: int, end: int) -> Group | None:
    """A lone soft digit said as a group of its own between two groups of digits, pauses
    either side (186，312 庆，五五零九: 七 heard 庆), else None."""
    if end - start != 1:
        return None
    after = _GAP_RE.match(text, end)
    if after is None or after.end() >= len(text):
        return None
    if _GAP_BEFORE_RE.search(text, max(0, start - _GAP_BEFORE_REACH), start) is None:
        return None
    if text[after.end()] not in DIGIT_VALUES:
        return None
    digit = soft_digit(text[start])
    return None if digit is None else Group(start, end, digit, (True,), 0)


def _group(text: str, start: int, end: int) -> Group | None:
    """The group ``text[start:end]`` trimmed to its real digits plus soft ones around them."""
    soft = tuple(text[k] not in DIGIT_VALUES for k in range(start, end))
    if all(soft):
        return None
    digits = "".join(DIGIT_VALUES.get(c) or soft_digit(c) or "" for c in text[start:end])
    tail = 0
    while tail < len(soft) and soft[len(soft) - 1 - tail]:
        tail += 1
    # A Chinese digit glued to the next word may begin it (一三八...五六七八一直打不通).
    glued = tail > 0 or (end < len(text) and is_han(text[end]) and text[end] not in DIGIT_VALUES)
    if glued and end - tail - start > 1 and text[end - tail - 1] in CHINESE_DIGITS:
        tail += 1
    return Group(start, end, digits, soft, tail)


def chain_groups(text: str, groups: list[Group]) -> list[list[Group]]:
    """Consecutive groups separated only by pauses (spaces, commas, 、, hyphens)."""
    chains: list[list[Group]] = []
    for group in groups:
        if chains and _GAP_RE.fullmatch(text[chains[-1][-1].end : group.start]):
            chains[-1].append(group)
        else:
            chains.append([group])
    return chains
