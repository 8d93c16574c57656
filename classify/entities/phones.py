"""Phone numbers in a caller's words.

Accepted forms, in Arabic or Chinese digits (幺 = 1, 洞/零/〇 = 0, 两 = 2) or a mix of both, and
split over spaces, commas or hyphens the way Whisper writes pauses:

* mobile numbers, 11 digits starting 13-19 (an 86 country prefix is dropped);
* landlines with an area code, 0311 + 7-8 digits (any 0xx/0xxx code is accepted);
* 7-8 digit local numbers, only right after a word that says a phone number follows
  (电话, 手机, 座机, 号码, 联系方式, 打, 拨), because bare 7-8 digit numbers are usually
  something else.

Numbers that belong to an ID card, a bank or utility account, money, dates, house numbers or
lengths are not returned: ID numbers are removed first, and a number followed by a unit
(号, 元, 年, 楼, 米, ...) or preceded by 卡号/户号/账号/身份证 is skipped.
"""

from __future__ import annotations

import re

from classify.entities.idcard import find_id_numbers
from classify.entities.numerals import (
    DigitRun,
    chain_runs,
    find_digit_runs,
    without_word_digit,
)

_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_LANDLINE_RE = re.compile(r"0(?:10|2\d)\d{8}|0[3-9]\d{2}[2-9]\d{6,7}")
_LOCAL_RE = re.compile(r"[2-9]\d{6,7}")
_MAX_DIGITS = 13
_MAX_GROUPS = 12
# A phone cue must end at most this many characters before the number.
_CUE_WINDOW = 8
_PHONE_CUE_RE = re.compile(r"(电话|手机|座机|固话|号码|联系方式|联系我|打|拨|致电)")
_NOT_PHONE_CUE_RE = re.compile(r"(身份证|证件|卡号|账号|帐号|户号|编号|单号|订单|车牌|发票|密码)")
# A unit or decimal part right after the digits means a quantity, date or house number.
_UNIT_AFTER_RE = re.compile(
    r"\s?(号|元|块|年|月|日|米|平|岁|路|栋|单元|室|层|楼|万|千|百|分|斤|公里|个|次|天|克|度|%|人|位|台|辆|期|届)"
    r"|\.\d"  # a decimal: 18112525462.26 is a figure in a table
)
# Dates written with separators (2019-6-12, 2019/06/12, 2019.6.12) are not local numbers.
_DATE_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}[-/.－—年]\d{1,2}[-/.－—月]\d{1,2}(?!\d)")
# A long chain of groups is a card or account number unless it splits cleanly into phones.
_LONG_CHAIN_DIGITS = 15
_LONG_CHAIN_LEFTOVER = 4


def extract_phones(text: str) -> list[str]:
    """Phone numbers said in ``text``, as Arabic digit strings, deduplicated, in order.

    Args:
        text: The caller's words as transcribed.

    Returns:
        Digits only: ``"13812345678"``, ``"031186654321"``, ``"86654321"``.

    Examples:
        >>> extract_phones("我电话是幺三八 1234，五六七八")
        ['13812345678']
    """
    skip_spans = [(m.start, m.end) for m in find_id_numbers(text)]
    skip_spans += [m.span() for m in _DATE_RE.finditer(text)]
    runs = [r for r in find_digit_runs(text) if not any(s <= r.start < e for s, e in skip_spans)]
    phones: list[str] = []
    for chain in chain_runs(text, runs):
        found = _phones_in_chain(text, chain)
        if not found:
            shorter = without_word_digit(text, chain)
            found = _phones_in_chain(text, shorter) if shorter else []
        phones.extend(found)
    return list(dict.fromkeys(phones))


def _phones_in_chain(text: str, chain: list[DigitRun]) -> list[str]:
    """Split one chain of digit runs into phone numbers, longest first at each run."""
    found: list[str] = []
    used = 0
    i = 0
    while i < len(chain):
        best: tuple[int, str] | None = None
        digits = ""
        for j in range(i, min(len(chain), i + _MAX_GROUPS)):
            digits += chain[j].digits
            if len(digits) > _MAX_DIGITS:
                break
            phone = _as_phone(text, digits, chain[i].start, chain[j].end)
            if phone:
                best = (j, phone)
        if best is None:
            i += 1
            continue
        found.append(best[1])
        used += sum(len(r.digits) for r in chain[i : best[0] + 1])
        i = best[0] + 1
    total = sum(len(r.digits) for r in chain)
    if total >= _LONG_CHAIN_DIGITS and total - used >= _LONG_CHAIN_LEFTOVER:
        return []
    return found


def _as_phone(text: str, digits: str, start: int, end: int) -> str | None:
    """``digits`` as a phone number if it is one in this place of ``text``, else None."""
    if _UNIT_AFTER_RE.match(text, end):
        return None
    before = text[max(0, start - _CUE_WINDOW) : start]
    cue = _last_end(_PHONE_CUE_RE, before)
    if _last_end(_NOT_PHONE_CUE_RE, before) > cue:
        return None
    if len(digits) == 13 and digits.startswith("86") and _MOBILE_RE.fullmatch(digits[2:]):
        return digits[2:]
    if _MOBILE_RE.fullmatch(digits) or _LANDLINE_RE.fullmatch(digits):
        return digits
    if _LOCAL_RE.fullmatch(digits) and cue >= 0:
        return digits
    return None


def _last_end(pattern: re.Pattern[str], text: str) -> int:
    """End of the last match of ``pattern`` in ``text``, or -1 when there is none."""
    ends = [m.end() for m in pattern.finditer(text)]
    return ends[-1] if ends else -1


def mask_phone(phone: str) -> str:
    """Hide the middle of a phone number: ``138****5678``, ``0311****4321``, ``86****21``.

    Separators are dropped; fewer than 7 digits are hidden entirely.
    """
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(digits)
    if len(digits) <= 8:
        return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]
    head = 4 if digits.startswith("0") else 3
    return digits[:head] + "*" * (len(digits) - head - 4) + digits[-4:]
