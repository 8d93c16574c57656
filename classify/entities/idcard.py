"""Resident identity card numbers (居民身份证号码, GB 11643-1999).

An 18-character number: a 6-digit region code, the birth date (YYYYMMDD), a 3-digit sequence
number and a check character computed with ISO 7064 MOD 11-2 (``X`` stands for 10). Callers
read it digit by digit, so it may come as Chinese numerals, split by pauses, with the final X
said as 叉. A number is accepted only when its birth date is a real date and its check
character is right, so that 18-digit bank or account numbers are not mistaken for one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from classify.entities.numerals import (
    DigitRun,
    chain_runs,
    find_digit_runs,
    without_word_digit,
)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# What may follow 17 digits as the check character X.
_X_RE = re.compile(r"\s{0,2}([XxＸｘ×叉])")
_MAX_GROUPS = 8


@dataclass(frozen=True)
class IdMatch:
    """One ID number found in a text, with where it was said."""

    number: str
    start: int
    end: int


def check_char(first17: str) -> str:
    """The GB 11643 check character (``0``-``9`` or ``X``) for the first 17 digits.

    Raises:
        ValueError: if ``first17`` is not exactly 17 Arabic digits.
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"身份证号前17位必须是数字：{first17!r}")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def is_valid_id_number(number: str) -> bool:
    """True when ``number`` is a well-formed 18-character ID with a right check character.

    The region must start with a province digit (1-8) and the birth date must be a real date
    between 1900 and today.
    """
    number = number.upper()
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        return False
    if number[0] not in "12345678":
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= born <= dt.date.today():
        return False
    return check_char(number[:17]) == number[17]


def find_id_numbers(text: str) -> list[IdMatch]:
    """Every valid ID number in ``text`` with its span, in order of appearance."""
    found: list[IdMatch] = []
    for chain in chain_runs(text, find_digit_runs(text)):
        ids = _ids_in_chain(text, chain)
        shorter = None if ids else without_word_digit(text, chain)
        found.extend(ids or (_ids_in_chain(text, shorter) if shorter else []))
    return found


def _ids_in_chain(text: str, chain: list[DigitRun]) -> list[IdMatch]:
    """IDs formed by consecutive runs of one chain (17 digits + X, or 18 digits)."""
    out: list[IdMatch] = []
    i = 0
    while i < len(chain):
        match = None
        digits = ""
        for j in range(i, min(len(chain), i + _MAX_GROUPS)):
            digits += chain[j].digits
            if len(digits) > 18:
                break
            match = _as_id(text, digits, chain[i].start, chain[j].end) or match
        if match is None:
            i += 1
            continue
        out.append(match)
        while i < len(chain) and chain[i].start < match.end:
            i += 1
    return out


def _as_id(text: str, digits: str, start: int, end: int) -> IdMatch | None:
    """An ID if ``digits`` (from ``text[start:end]``) is one, possibly with a trailing X."""
    if len(digits) == 18 and is_valid_id_number(digits):
        return IdMatch(digits, start, end)
    if len(digits) == 17:
        x = _X_RE.match(text, end)
        if x and is_valid_id_number(digits + "X"):
            return IdMatch(digits + "X", start, x.end())
    return None


def extract_id_numbers(text: str) -> list[str]:
    """Valid resident ID numbers said in ``text``, deduplicated, in order.

    Args:
        text: The caller's words as transcribed (digits in any form, X as X/x/叉).

    Returns:
        18-character strings with an upper-case ``X`` check character where there is one.

    Examples:
        >>> extract_id_numbers("身份证号11010519491231002x")
        ['11010519491231002X']
    """
    return list(dict.fromkeys(m.number for m in find_id_numbers(text)))


def mask_id_number(number: str) -> str:
    """Hide all but the first two and last two characters: ``11**************2X``."""
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]
