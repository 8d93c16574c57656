"""Text normalisation for scoring transcripts, and the character error rate (CER).

References and hypotheses are both normalised the same way before scoring: simplified
characters, no punctuation or spaces, lower-case Latin letters, Arabic numbers spelt out in
Chinese numerals (Whisper writes "2020年" and "15个" where references say 二零二零年, 十五个),
and the spoken 幺 read as 一.
"""

from __future__ import annotations

import re
import unicodedata

from asr.postprocess import to_simplified

_DIGITS = "零一二三四五六七八九"
_SMALL_UNITS = ("", "十", "百", "千")
_BIG_UNITS = ("", "万", "亿", "万亿")
_NUMBER_RE = re.compile(r"(\d+)(?:\.(\d+))?(%)?")
_DIGIT_BY_DIGIT_MIN = 7  # phone numbers are always read digit by digit
_ROUND_MIN = 5  # 5-6 digit numbers: round ones (10000) are amounts, others (12345) codes


def _four_digits(value: int) -> str:
    """Spell 1..9999 (the part of a number below one 万)."""
    out: list[str] = []
    zero_pending = False
    for power in range(3, -1, -1):
        digit = value // 10**power % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[digit] + _SMALL_UNITS[power])
    return "".join(out)


def integer_to_chinese(value: int) -> str:
    """Spell a non-negative integer the way it is read: 15 -> 十五, 105 -> 一百零五.

    Numbers from 10 to 19 drop the leading 一 (十五), as in speech.
    """
    if value == 0:
        return "零"
    original, groups = value, []
    while value:
        groups.append(value % 10_000)
        value //= 10_000
    if len(groups) > len(_BIG_UNITS):
        raise ValueError(f"number too large to spell: {original}")
    out: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        if out and group < 1000:
            out.append("零")
        out.append(_four_digits(group) + _BIG_UNITS[index])
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text


def digits_to_chinese(digits: str) -> str:
    """Spell digit by digit: 2020 -> 二零二零."""
    return "".join(_DIGITS[int(d)] for d in digits)


def _spell_number(match: re.Match[str], following: str) -> str:
    whole, fraction, percent = match.group(1), match.group(2), match.group(3)
    if fraction is None and not percent and _read_digit_by_digit(whole, following):
        return digits_to_chinese(whole)
    spelt = integer_to_chinese(int(whole))
    if fraction is not None:
        spelt += "点" + digits_to_chinese(fraction)
    return "百分之" + spelt if percent else spelt


def _read_digit_by_digit(whole: str, following: str) -> bool:
    if following == "年" and len(whole) == 4:
        return True
    if len(whole) >= _DIGIT_BY_DIGIT_MIN or (len(whole) > 1 and whole.startswith("0")):
        return True
    return len(whole) >= _ROUND_MIN and not whole.endswith("0")


def numbers_to_chinese(text: str) -> str:
    """Replace Arabic numbers with Chinese numerals, guessing how they are read.

    Years before 年, long digit strings (phone numbers), numbers with a leading zero and
    five- or six-digit numbers that are not round (12345) are read digit by digit; other
    integers, decimals and percentages as quantities (3.5 -> 三点五, 50% -> 百分之五十).
    """
    text = unicodedata.normalize("NFKC", text)  # full-width digits to ASCII
    return _NUMBER_RE.sub(lambda m: _spell_number(m, text[m.end() : m.end() + 1]), text)


_SPOKEN_ONE = str.maketrans({"幺": "一"})  # "yao", how 1 is read in phone numbers


def normalize_for_scoring(text: str) -> str:
    """Canonical form for CER: simplified, numbers spelt out, no punctuation or spaces.

    The spoken digit 幺 (1 in phone numbers, 幺三三 = 133) is scored as 一.
    """
    text = numbers_to_chinese(to_simplified(text)).lower().translate(_SPOKEN_ONE)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def edit_distance(reference: str, hypothesis: str) -> int:
    """Levenshtein distance between two strings (substitutions, insertions, deletions)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref_char in enumerate(reference, start=1):
        current = [i]
        for j, hyp_char in enumerate(hypothesis, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_char != hyp_char))
            )
        previous = current
    return previous[-1]


def character_error_rate(reference: str, hypothesis: str) -> float:
    """CER of ``hypothesis`` against ``reference`` after :func:`normalize_for_scoring`.

    Returns:
        Edit distance divided by the reference length (can exceed 1 for long garbage).

    Raises:
        ValueError: The reference is empty after normalisation.
    """
    ref, hyp = normalize_for_scoring(reference), normalize_for_scoring(hypothesis)
    if not ref:
        raise ValueError("reference transcript is empty after normalisation")
    return edit_distance(ref, hyp) / len(ref)
