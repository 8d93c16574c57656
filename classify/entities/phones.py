"""Phone numbers in a caller's words.

Accepted forms, in Arabic or Chinese digits (幺 = 1, 洞/零/〇 = 0, 两 = 2) or a mix of both, and
split over spaces, commas or hyphens the way Whisper writes pauses:

* mobile numbers, 11 digits starting 13-19 (an 86 country prefix is dropped);
* landlines with an area code: 0311 (石家庄) + 8 digits, 010/02x + 8, any other 0xxx + 7-8;
* 7-8 digit local numbers, only right after a word that says a phone number follows
  (电话, 手机, 座机, 号码, 联系方式, 打, 拨), because bare 7-8 digit numbers are usually
  something else.

Numbers that belong to an ID card, a bank or utility account, money, dates, house numbers or
lengths are not returned: ID numbers are removed first, and a number followed by a unit
(号, 元, 年, 楼, 米, ...) or preceded by 卡号/户号/账号/身份证 is skipped. The hotline's own
number (12345, 幺二三四五) said on its own is never a phone number or part of one; inside a
phone number read in groups it is a misheard 1234 (see below).

Whisper base on telephone audio mishears digits (see :mod:`classify.entities.spoken_digits`):

* a digit written as a homophone (要33 for 幺三三, 312去 for 三一二七) is read as the digit it
  sounds like when it stands among digits; at the edge of a group it is read only when the
  number needs it (电话是139... keeps 是 out). A number with such digits must follow a word
  like 电话 closely or be read in three groups, since Chinese text is full of characters
  that sound like digits (于1993年 is no phone number);
* one spurious extra digit (1135,9246,0317 for 135 9246 0317; 03111 for 0311) is repaired
  when a single deletion gives a valid number and the choice is clear. When several
  deletions give different numbers, the one that restores the usual grouping (3-4-4 for a
  mobile, 4-4-4 or 4-3-4 for a landline) is taken; if that still leaves several, the 5 of a
  group written 12345 is dropped (Whisper completes 幺二三四 to the hotline's number), else a
  digit said twice in a row (the commonest Whisper error: 03111, 86011);
  failing that, an extra digit at the end of the last group or the start of the first is
  dropped (72645 for 7264: Whisper adds digits at the ends of a group more often than in
  the middle); failing that, a digit repeated across the pause between two groups
  (要512 2783 9046 for 151 2783 9046); failing that, a character read as a digit only by
  its sound (150指 3014 6682: 指 is no digit said). Otherwise nothing is returned rather
  than a guess;
* a missing digit (10 digits for a mobile, 11 for a landline with area code) is restored
  only when the grouping shows which group is short, it is not the last, and it holds a 1 to
  say twice: 幺幺 is the pair Whisper most often merges (186,031,2468 for 186 0311 2468). Any
  other missing digit could be anything, so nothing is returned.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from classify.entities.idcard import find_id_numbers
from classify.entities.spoken_digits import Group, chain_groups, find_groups

_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
# Landlines: 010/02x + 8 digits; 0311 (石家庄, the default city) + 8 digits; other area
# codes + 7 or 8.
_LANDLINE_RE = re.compile(r"0(?:10|2\d)\d{8}|0311[2-9]\d{7}|0(?!311)[3-9]\d{2}[2-9]\d{6,7}")
_LOCAL_RE = re.compile(r"[2-9]\d{6,7}")
_LOCAL_DIGITS = 8
_HOTLINE = "12345"
# The default city's area code, and how Whisper writes it when it merges 幺幺.
_AREA_CODE = "0311"
_MERGED_AREA_CODE = "031"
_MAX_DIGITS = 13
_MAX_GROUPS = 12
# Soft digits kept in one number: at most this many, and no more than its real digits.
_MAX_SOFT = 5
# A phone cue must end at most this many characters before the number.
_CUE_WINDOW = 8
# A number read with soft digits needs a cue this close, or three groups (138，1234，5678).
_SOFT_CUE_WINDOW = 12
_SOFT_MIN_GROUPS = 3
# ... or another group of its chain, this long, that says part of it again (最后是二四七八，
# 腰三九三腰腰六二四七八), or this many real digits with a soft one among them (零三要要，
# 八七三九二六一五; a soft digit only at the start may be a word: 他说要三八六六…).
_ECHO_MIN_DIGITS = 4
_SOFT_MIN_HARD = 8
_PHONE_CUE_RE = re.compile(
    r"(电话|手机|[座作坐]机|固话|号码|联系方式|联系我|打|拨|致电)"
)  # 作机: Whisper
_NOT_PHONE_CUE_RE = re.compile(r"(身份证|证件|卡号|账号|帐号|户号|编号|单号|订单|车牌|发票|密码)")
# A unit or decimal part right after the digits means a quantity, date or house number.
_UNIT_AFTER_RE = re.compile(
    r"\s?(号|元|块|年|月|日|米|平|岁|路|栋|单元|室|层|楼|万|千|百|分|斤|公里|个|次|天|克|度|%|人|位|台|辆|期|届)"
    r"|\.\d"  # a decimal: 18112525462.26 is a figure in a table
)
# Dates written with separators (2019-6-12, 2019/06/12, 2019.6.12) are not local numbers,
# nor are years (1991年至1999年).
_DATE_RE = re.compile(
    r"(?<!\d)(?:19|20)\d{2}[-/.－—年]\d{1,2}[-/.－—月]\d{1,2}(?!\d)|(?<!\d)(?:19|20)\d{2}年"
)
# A long chain of groups is a card or account number unless it splits cleanly into phones.
# A group at least this long and this similar to a number found before it in the chain is
# that number said again, not unexplained digits.
_RESTATED_MIN_DIGITS = 7
_RESTATED_MIN_RATIO = 0.8
_LONG_CHAIN_DIGITS = 15
_LONG_CHAIN_LEFTOVER = 4
# Usual groupings when a number is read out, by kind.
_MOBILE_GROUPS = ((3, 4, 4),)
_LANDLINE_GROUPS = ((4, 4, 4), (4, 3, 4), (4, 8), (4, 7))


@dataclass(frozen=True)
class _Reading:
    """One way of reading a window of groups: which edge characters are left out."""

    digits: str
    groups: tuple[int, ...]
    start: int
    end: int
    soft: int
    # soft digits after the first character: flanked by digits, so digits all the more
    inner_soft: int = 0
    # which of ``digits`` are soft
    soft_at: tuple[bool, ...] = ()


@dataclass(frozen=True)
class _Found:
    """A phone number read from groups ``first``..``last`` of a chain."""

    phone: str
    last: int
    repaired: bool
    soft: int
    digits: int


def extract_phones(text: str) -> list[str]:
    """Phone numbers said in ``text``, as Arabic digit strings, deduplicated, in order.

    Args:
        text: The caller's words as transcribed.

    Returns:
        Digits only: ``"13812345678"``, ``"031186654321"``, ``"86654321"``.

    Examples:
        >>> extract_phones("我电话是幺三八 1234，五六七八")
        ['13812345678']
        >>> extract_phones("电话要七八、零三二一、五五六六")
        ['17803215566']
    """
    skip_spans = [(m.start, m.end) for m in find_id_numbers(text)]
    skip_spans += [m.span() for m in _DATE_RE.finditer(text)]
    phones: list[str] = []
    for chain in chain_groups(text, find_groups(text, skip_spans)):
        while chain and _is_hotline(chain[0]):
            chain = chain[1:]  # 您好，12345，...: only after another group is it a 1234
        if chain:
            phones.extend(_phones_in_chain(text, chain))
    return list(dict.fromkeys(phones))


def _is_hotline(group: Group) -> bool:
    """True for the hotline's own number, possibly with a soft digit around it (市12345)."""
    digits = group.digits
    for head in range(group.loose_head + 1):
        for tail in range(group.loose_tail + 1):
            if digits[head : len(digits) - tail] == _HOTLINE:
                return True
    return False


def _phones_in_chain(text: str, chain: list[Group]) -> list[str]:
    """Split one chain of groups into phone numbers, longest first at each group."""
    found: list[str] = []
    unread: list[Group] = []
    used = 0
    i = 0
    while i < len(chain):
        best = _best_from(text, chain, i)
        if best is None:
            unread.append(chain[i])
            i += 1
            continue
        found.append(best.phone)
        used += best.digits
        i = best.last + 1
    # Groups that repeat a number found, before or after it (read back, or a group said
    # again just before the whole number: 最后是七八，二四七八，幺三九…二四七八), are accounted for.
    used += sum(len(g.digits) for g in unread if any(_said_again(g.digits, p) for p in found))
    total = sum(len(g.digits) for g in chain)
    if total >= _LONG_CHAIN_DIGITS and total - used >= _LONG_CHAIN_LEFTOVER:
        return _after_fragment(text, chain)
    return found


def _after_fragment(text: str, chain: list[Group]) -> list[str]:
    """The numbers of a long chain that reads cleanly once the groups before the number
    are left out, when they only repeat part of it (是1305，186，1305，5724: a group said,
    then the whole number); [] otherwise (a card or account number)."""
    for k in range(1, len(chain) - 1):
        rest = chain[k:]
        if sum(len(g.digits) for g in rest) >= _LONG_CHAIN_DIGITS:
            continue
        found = _phones_in_chain(text, rest)
        heads = [g.digits[g.loose_head :] for g in chain[:k]]  # 是1305: 是 is a word
        if found and all(d and _said_again(d, found[0]) for d in heads):
            return found
    return []


def _said_again(digits: str, phone: str) -> bool:
    """Whether a group that gave no number repeats ``phone``: part of it, or all of it read
    back with a digit or two wrong (031187023358，0318702338548)."""
    if digits in phone:
        return True
    return len(digits) >= _RESTATED_MIN_DIGITS and (
        difflib.SequenceMatcher(None, digits, phone).ratio() >= _RESTATED_MIN_RATIO
    )


def _best_from(text: str, chain: list[Group], i: int) -> _Found | None:
    """The best phone number starting at group ``i``: read as said before repaired, then
    spanning more groups, then a full number before a local one (腰三二，九二六五零三八腰 is
    132 9265 0381, not 3292 6503), then with fewer soft digits."""
    options: list[_Found] = []
    digits = 0
    for j in range(i, min(len(chain), i + _MAX_GROUPS)):
        digits += len(chain[j].digits)
        if digits - chain[i].loose_head - chain[j].loose_tail > _MAX_DIGITS:
            break
        whole_chain = i == 0 and j == len(chain) - 1
        others = [g.digits for g in chain[:i] + chain[j + 1 :] if len(g.digits) >= _ECHO_MIN_DIGITS]
        for reading in _readings(chain, i, j):
            echoed = any(digits in reading.digits for digits in others)
            found = _read_phone(text, reading, j - i + 1, whole_chain, echoed)
            if found is not None:
                options.append(_Found(found[0], j, found[1], reading.soft, len(reading.digits)))
    if not options:
        return None
    return min(options, key=lambda f: (f.repaired, -f.last, len(f.phone) <= _LOCAL_DIGITS, f.soft))


def _read_phone(
    text: str, reading: _Reading, groups: int, whole_chain: bool, echoed: bool = False
) -> tuple[str, bool] | None:
    """The phone number in one reading and whether it was repaired, or None. ``echoed``:
    another group of the chain says part of it again."""
    if (
        reading.soft
        and groups < _SOFT_MIN_GROUPS
        and not echoed
        and not (reading.inner_soft and len(reading.digits) - reading.soft >= _SOFT_MIN_HARD)
        and not _has_cue(text, reading.start, _SOFT_CUE_WINDOW)
    ):
        return None
    phone = _as_phone(text, reading.digits, reading.start, reading.end)
    repaired = False
    if groups > 1 and reading.groups[0] == 3 and reading.digits.startswith(_MERGED_AREA_CODE):
        # 031，8652，3380: no area code is 031, and 0318 would be read 0318，652，3380;
        # it is the default city's 0311 with 幺幺 merged.
        phone = _as_phone(text, _AREA_CODE + reading.digits[3:], reading.start, reading.end)
        repaired = True
    if phone is None and (groups > 1 or _has_cue(text, reading.start)):
        phone = _repair(text, reading)
        repaired = True
    if phone is None:
        return None
    if len(phone) <= 8 and (reading.soft or not whole_chain):
        # A local number is weak evidence: real digits only, and a whole chain
        # (3210,775 after 139 is the rest of a mobile number, not a local one).
        return None
    return phone, repaired


def _readings(chain: list[Group], i: int, j: int) -> list[_Reading]:
    """Every way of reading groups ``i``..``j``, leaving out loose characters at the edges."""
    first, last = chain[i], chain[j]
    readings: list[_Reading] = []
    for head in range(first.loose_head + 1):
        for tail in range(last.loose_tail + 1):
            parts = [(g.digits, g.soft) for g in chain[i : j + 1]]
            digits, soft = parts[0]
            parts[0] = (digits[head:], soft[head:])
            digits, soft = parts[-1]
            parts[-1] = (digits[: len(digits) - tail], soft[: len(soft) - tail])
            if any(not d for d, _ in parts):
                continue
            n_soft = sum(sum(flags) for _, flags in parts)
            n_hard = sum(len(flags) - sum(flags) for _, flags in parts)
            if n_soft > min(_MAX_SOFT, n_hard):
                continue
            readings.append(
                _Reading(
                    digits="".join(d for d, _ in parts),
                    groups=tuple(len(d) for d, _ in parts),
                    start=first.start + head,
                    end=last.end - tail,
                    soft=n_soft,
                    inner_soft=n_soft - (1 if parts[0][1][0] else 0),
                    soft_at=tuple(flag for _, flags in parts for flag in flags),
                )
            )
    return readings


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
    if text[start : start + 1] == "两" and _MOBILE_RE.fullmatch("1" + digits[1:]):
        # No mobile begins with 2, and 两 is no way to read a phone's digit 2 at its start:
        # Whisper heard the opening 幺 as 两 (两三八三一二七五九四六).
        return "1" + digits[1:]
    if _LOCAL_RE.fullmatch(digits) and cue >= 0:
        return digits
    return None


def _has_cue(text: str, start: int, window: int = _CUE_WINDOW) -> bool:
    """True when a word saying that a phone number follows ends just before ``start``."""
    return _last_end(_PHONE_CUE_RE, text[max(0, start - window) : start]) >= 0


def _repair(text: str, reading: _Reading) -> str | None:
    """The number ``reading`` gives with one digit too many or too few, when the choice is
    clear (see the module docstring for the order of preference)."""
    digits = reading.digits
    valid: dict[int, str] = {}
    if len(digits) in (12, 13):
        for k in range(len(digits)):
            valid[k] = digits[:k] + digits[k + 1 :]
    elif len(digits) in (10, 11) and len(reading.groups) > 1:
        for k in range(len(digits)):
            valid[k] = digits[:k] + digits[k] + digits[k:]
    valid = {
        k: n
        for k, n in valid.items()
        if (_MOBILE_RE.fullmatch(n) or _LANDLINE_RE.fullmatch(n))
        and _as_phone(text, n, reading.start, reading.end) is not None
    }
    grown = len(digits) < 12
    valid = _by_grouping(valid, reading, grown) or ({} if grown else valid)
    if len(set(valid.values())) == 1:
        return next(iter(valid.values()))
    rules = (
        (_doubled_one,)
        if grown
        else (_hotline_habit, _doubled, _at_group_ends, _doubled_across, _soft_extra)
    )
    for rule in rules:
        results = set(rule(valid, reading).values())
        if len(results) == 1:
            return results.pop()
    return None


def _group_of(position: int, groups: tuple[int, ...]) -> tuple[int, int]:
    """Index of the group holding digit ``position``, and that group's first digit."""
    first = 0
    for index, size in enumerate(groups):
        if position < first + size:
            return index, first
        first += size
    return len(groups) - 1, first - groups[-1]


def _by_grouping(valid: dict[int, str], reading: _Reading, grown: bool) -> dict[int, str]:
    """Repairs after which the groups read as a mobile or landline usually is."""
    kept = {}
    for k, number in valid.items():
        index, _ = _group_of(k, reading.groups)
        groups = list(reading.groups)
        groups[index] += 1 if grown else -1
        usual = _MOBILE_GROUPS if number.startswith("1") else _LANDLINE_GROUPS
        if tuple(g for g in groups if g) in usual:
            kept[k] = number
    return kept


def _doubled(valid: dict[int, str], reading: _Reading) -> dict[int, str]:
    """Deletions of a digit said twice in a row within one group (03111 -> 0311)."""
    digits = reading.digits
    kept = {}
    for k, number in valid.items():
        group = _group_of(k, reading.groups)[0]
        for other in (k - 1, k + 1):
            same_group = 0 <= other < len(digits) and _group_of(other, reading.groups)[0] == group
            if same_group and digits[other] == digits[k]:
                kept[k] = number
    return kept


def _doubled_across(valid: dict[int, str], reading: _Reading) -> dict[int, str]:
    """Deletions of a digit repeated across a pause between groups (512 2783 -> 512 783)."""
    digits = reading.digits
    kept = {}
    for k, number in valid.items():
        group = _group_of(k, reading.groups)[0]
        for other in (k - 1, k + 1):
            across = 0 <= other < len(digits) and _group_of(other, reading.groups)[0] != group
            if across and digits[other] == digits[k]:
                kept[k] = number
    return kept


def _doubled_one(valid: dict[int, str], reading: _Reading) -> dict[int, str]:
    """Repairs that say a 1 twice: 幺幺 is the pair Whisper most often merges (031 for 0311).

    Not in the last group: a last group one short has lost a digit anywhere (七零幺四 heard
    零一四), and saying its 1 twice was wrong for all four such numbers of the frozen
    transcripts and dev54 (188,3295,014 is no 188 3295 0114), while in a short middle group
    it was right for 16 of 22 (186,031,2468)."""
    last = len(reading.groups) - 1
    return {
        k: n
        for k, n in valid.items()
        if reading.digits[k] == "1" and _group_of(k, reading.groups)[0] < last
    }


def _soft_extra(valid: dict[int, str], reading: _Reading) -> dict[int, str]:
    """Deletions of a soft digit: a word Whisper wrote in a pause, read as a digit because
    digits stand around it (150指 3014 6682)."""
    return {k: n for k, n in valid.items() if reading.soft_at[k]}


def _hotline_habit(valid: dict[int, str], reading: _Reading) -> dict[int, str]:
    """The 5 of a group written 12345: Whisper completes 幺二三四 to the hotline's number."""
    kept = {}
    first = 0
    for size in reading.groups:
        last = first + size - 1
        if reading.digits[first : last + 1] == _HOTLINE and last in valid:
            kept[last] = valid[last]
        first += size
    return kept


def _at_group_ends(valid: dict[int, str], reading: _Reading) -> dict[int, str]:
    """Deletion of the last digit of the last group, else the first digit of the first."""
    last = len(reading.digits) - 1
    if last in valid and reading.groups[-1] > 1:
        return {last: valid[last]}
    if 0 in valid and reading.groups[0] > 1:
        return {0: valid[0]}
    return {}


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
