"""Digits as Whisper writes them: Arabic, full-width, or spoken Chinese numerals.

Callers read phone and ID numbers digit by digit (一三八, 幺 for 1, 洞 for 0, 两 for 2) and
Whisper writes them in any mix of Arabic and Chinese digits, often split by spaces, commas or
hyphens where the speaker paused. House and building numbers are instead read as quantities
(一百二十八号). This module turns both forms into Arabic digit strings and finds digit runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Every character that stands for one digit when a number is read digit by digit.
DIGIT_VALUES: dict[str, str] = {
    **{str(d): str(d) for d in range(10)},
    **{chr(0xFF10 + d): str(d) for d in range(10)},  # full-width ０-９
    "零": "0", "〇": "0", "○": "0", "洞": "0",
    "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4",
    "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
}  # fmt: skip
CHINESE_DIGITS = frozenset(c for c in DIGIT_VALUES if not ("0" <= c <= "9" or "０" <= c <= "９"))
_UNITS = {"十": 10, "百": 100, "千": 1000}
_WAN = "万"
# A number written as a quantity or digit by digit, in Arabic or Chinese characters.
NUMBER_PATTERN = r"(?:[0-9０-９]+|[零〇○一二两三四五六七八九十百千幺洞]+)"
# What may stand between the groups of one number that Whisper split up.
# A full stop is not one of them: "3.87" is a decimal, not two groups of a phone number.
_GROUP_GAP_RE = re.compile(r"[\s,，、﹑﹐\-－—–_/]{1,3}")


@dataclass(frozen=True)
class DigitRun:
    """A maximal run of digit characters in a text.

    Attributes:
        start: Index of the first character in the text.
        end: Index one past the last character.
        digits: The run as Arabic digits, one per character.
    """

    start: int
    end: int
    digits: str


def is_han(ch: str) -> bool:
    """True for a CJK unified ideograph (the common Chinese characters)."""
    return "\u4e00" <= ch <= "\u9fff"


def digits_of(text: str) -> str:
    """Read ``text`` digit by digit: 一三八1234 -> ``"1381234"``.

    Raises:
        ValueError: if a character is not a digit in any of the accepted forms.
    """
    try:
        return "".join(DIGIT_VALUES[c] for c in text)
    except KeyError as exc:
        raise ValueError(f"不是数字：{text!r}") from exc


def chinese_to_int(text: str) -> int:
    """Value of a Chinese quantity such as 一百二十八, 十五, 两千零三 or 三万五千.

    Digits without units (一二八) are read digit by digit, as people say house numbers.

    Raises:
        ValueError: if ``text`` is empty or contains something other than numerals.
    """
    if not text:
        raise ValueError("空的数字")
    if not any(c in _UNITS or c == _WAN for c in text):
        return int(digits_of(text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch == _WAN:
            section += digit or 0
            total += (section or 1) * 10_000
            section, digit = 0, None
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        elif ch in DIGIT_VALUES:
            digit = int(DIGIT_VALUES[ch])
        else:
            raise ValueError(f"不是数字：{text!r}")
    return total + section + (digit or 0)


# 十 before 二百, 三千, 八十 or 十: the 是 said before a number, heard 十 (no numeral begins
# 十X百, 十X十 or 十十).
_SHI_BEFORE_NUMBER_RE = re.compile(r"十(?:[一二两三四五六七八九][十百千]|十)")


def _restart_dropped(text: str) -> str:
    """``text`` less the beginning of a number said again whole without a pause between
    (六十六十二 -> 六十二, 三百三百二十四 -> 三百二十四): a numeral with a unit never repeats
    its own beginning, so the repeat is a caller's restart."""
    for k in range(2, len(text) // 2 + 1):
        head = text[:k]
        if any(c in _UNITS for c in head) and text.startswith(head, k):
            return text[k:]
    return text


def number_to_arabic(text: str) -> str:
    """Arabic form of a house, building or room number: 一百二十八 -> ``"128"``.

    Digits read one by one stay in order (五零二 -> ``"502"``).

    Arabic digits pass through (full-width ones are narrowed); leading zeros of a digit-by-digit
    reading are kept (零五 -> ``"05"``) because door numbers can have them.

    A 十 before a count of hundreds, thousands or tens, or before another 十 (十二百一十七,
    十八十九, 十十八) is no numeral's: it is the 是 Whisper wrote as 十 before the number
    (应该是二百一十七号, 不对，是八十九号), and is dropped; so is a beginning said again
    whole with no pause between (六十六十二 -> ``"62"``).
    """
    text = _restart_dropped(text.strip())
    if _SHI_BEFORE_NUMBER_RE.match(text):
        text = text[1:]
    if not text:
        raise ValueError("空的数字")
    if any(c in _UNITS or c == _WAN for c in text):
        return str(chinese_to_int(text))
    return digits_of(text)


def find_digit_runs(text: str) -> list[DigitRun]:
    """All maximal runs of digit characters (Arabic, full-width or Chinese) in ``text``."""
    runs: list[DigitRun] = []
    start = None
    for i, ch in enumerate(text + "\0"):
        if ch in DIGIT_VALUES:
            if start is None:
                start = i
        elif start is not None:
            runs.append(DigitRun(start, i, digits_of(text[start:i])))
            start = None
    return runs


def chain_runs(text: str, runs: list[DigitRun]) -> list[list[DigitRun]]:
    """Group runs that are separated only by spaces, commas or hyphens.

    Whisper writes "138 1234 5678" or "138，1234，5678" for one phone number said in groups, so
    such runs may belong together; callers decide which consecutive runs form one number.
    """
    chains: list[list[DigitRun]] = []
    for run in runs:
        if chains:
            prev = chains[-1][-1]
            if _GROUP_GAP_RE.fullmatch(text[prev.end : run.start]):
                chains[-1].append(run)
                continue
        chains.append([run])
    return chains


def without_word_digit(text: str, chain: list[DigitRun]) -> list[DigitRun] | None:
    """The chain without a trailing Chinese digit that begins the next word, if it has one.

    In "一三八一二三四五六七八一直打不通" the run swallows the 一 of 一直; a caller that finds
    no number in the whole chain can retry with this shorter one. Returns None when the last
    character is not a Chinese digit glued to a following Chinese character.
    """
    last = chain[-1]
    if last.end >= len(text) or not is_han(text[last.end]) or text[last.end] in DIGIT_VALUES:
        return None
    if text[last.end - 1] not in CHINESE_DIGITS:
        return None
    if last.end - last.start == 1:
        return chain[:-1] or None
    return [*chain[:-1], DigitRun(last.start, last.end - 1, last.digits[:-1])]
