"""Address words as Whisper mishears them: 号楼, house numbers and compound suffixes.

Place names are matched against the gazetteer elsewhere; this module deals with the small
words around them, which Whisper base also gets wrong on telephone audio:

* a building number read as one digit comes out as a homophone (遗号楼 for 一号楼, 寺号楼 for
  四号楼), and 楼 itself as a near-homophone (三号龙);
* 号 after a house number comes out as a near-homophone (五十行, 二百一十后);
* the suffix of a compound name comes out as a homophone (翠竹元 for 翠竹园, 天山家元) or a
  near-homophone with one character right (和平家延 for 和平家园).

:func:`respell_buildings` rewrites the first two in a copy of the text of the same length;
:func:`compound_at` and :func:`house_number_at` read the others where the address reader
expects a compound or a house number.
"""

from __future__ import annotations

import re

from classify.entities.numerals import NUMBER_PATTERN, number_to_arabic
from classify.phonetic import (
    char_sounds,
    exact_sounds,
    is_han,
    main_sound,
    near,
    phrase_sounds,
)

# The Chinese digit a lone character stands for when it sounds exactly like one.
_DIGIT_BY_SOUND = {
    "lin": "零", "yi": "一", "yao": "一", "er": "二", "san": "三", "si": "四",
    "wu": "五", "liu": "六", "qi": "七", "ba": "八", "jiu": "九",
}  # fmt: skip
_NUMERAL_CHARS = frozenset("0123456789０１２３４５６７８９零〇○一二两三四五六七八九十百千幺洞")
# A lone character before 号楼, 栋 or 单元 (a building read as one digit).
_LONE_BEFORE_UNIT_RE = re.compile(
    r"(?<=[^\d０-９零〇○一二两三四五六七八九十百千幺洞])([\u4e00-\u9fff])(?=号楼|栋|单元)"
)
# What follows 号 in a building number, respelt to 楼 when it sounds near (三号龙).
_AFTER_HAO_RE = re.compile(rf"{NUMBER_PATTERN}\s*号([\u4e00-\u9fff])")
_NOT_LOU = frozenset("楼路院线码口")
# 单元 after a number, its 元 written as another yuan (二单园, 3单员).
_UNIT_YUAN_RE = re.compile(rf"{NUMBER_PATTERN}\s*单([\u4e00-\u9fff])")
# Compound suffixes in the spelling written into work orders; sound-alikes map to these.
_COMPOUND_SUFFIXES = (
    "家属院", "小区", "花园", "家园", "公寓", "宿舍", "大厦", "社区", "新村", "嘉园",
    "名苑", "公馆", "广场", "苑", "村", "园",
)  # fmt: skip
# One-character suffixes matched by sound too; 园 stands for every yuan (元, 苑, 原).
_ONE_CHAR_BY_SOUND = {"园": "园"}
# Words that end a compound name wherever they stand; other stop words only may not begin
# one, because Whisper puts them inside misheard names (新市这家园 for 新世纪家园).
_NEVER_IN_NAME = frozenset("的了是在我你他她们吗呢啊吧")
# ... and words that ask or point (槐树镇哪个村, heard 每个村: the agent's question).
_NEVER_IN_NAME_WORDS = ("哪个", "每个", "那个", "这个", "几个", "整个")
_NOT_YUAN = frozenset("院愿")
_ONE_CHAR_END_RE = re.compile(rf"$|[\s，,。、！？!?；;]|{NUMBER_PATTERN}\s*(?:号楼|栋|幢|座|单元)")
_HOUSE_NUMBER_RE = re.compile(rf"({NUMBER_PATTERN})\s*([\u4e00-\u9fff])(院)?")
_NOT_HOUSE_NUMBER_AFTER = frozenset("楼线码")
# No house number in the city runs to five digits.
_MAX_HOUSE_DIGITS = 4
_PAUSE_RE = re.compile(r"$|[\s，,。、！？!?；;]")
# Units and words of amount that may follow a number right after a road (中山东路100米), and
# numeral units (三百，三百二十几: a number begun and left, no house number).
_UNITS = frozenset("米元块岁层楼栋室户路街年月日天分点度斤个次多来余几号条辆趟站十百千万")
_JI_SOUNDS = char_sounds("几")
# Numerals of a house number said as a quantity, by their exact reading (时 -> 十).
_NUMERAL_BY_SOUND = {
    "ling": "零", "yi": "一", "er": "二", "san": "三", "si": "四", "wu": "五", "liu": "六",
    "qi": "七", "ba": "八", "jiu": "九", "shi": "十", "bai": "百", "qian": "千",
}  # fmt: skip
_CHINESE_DIGIT = dict(zip("0123456789", "零一二三四五六七八九", strict=True))
_CHINESE_NUMBER_RE = re.compile(r"[零〇○一二两三四五六七八九十百千幺洞]")
# No numeral has 十 twice in a row, or 十 and a digit followed by another digit or unit
# (十十八, 十五十七, 九十三一八, 九十三百): words that read like numerals (是十八号, 是五十七号,
# 就是318号) began no number there.
_NO_NUMERAL_RE = re.compile(r"十十|十[零一二两三四五六七八九][零一二两三四五六七八九十百千]")


def respell_buildings(text: str) -> str:
    """``text`` with misheard building numbers respelt, same length: 遗号楼 -> 一号楼.

    Only a lone character right before 号楼/栋/单元 that sounds exactly like a digit, a
    character after ``<number>号`` that sounds near 楼, and a 元 of ``<number>单元`` written
    as another yuan (二单园) are changed.
    """
    chars = list(text)
    for m in _LONE_BEFORE_UNIT_RE.finditer(text):
        ch = m.group(1)
        if ch in _NUMERAL_CHARS:
            continue
        digit = next(
            (_DIGIT_BY_SOUND[s] for s in sorted(char_sounds(ch)) if s in _DIGIT_BY_SOUND), None
        )
        if digit is not None and main_sound(ch) in _DIGIT_BY_SOUND:
            chars[m.start(1)] = digit
    for m in _AFTER_HAO_RE.finditer(text):
        ch = m.group(1)
        # near 楼 by its usual reading: a rare reading does not count here, where the next
        # word may be a compound's name (318号仅成家园: 仅 may be read lu)
        sound = main_sound(ch) or ""
        if ch not in _NOT_LOU and (sound == "lou" or near(sound, "lou")):
            chars[m.start(1)] = "楼"
    for m in _UNIT_YUAN_RE.finditer(text):
        if main_sound(m.group(1)) == "yuan":  # 二单园 -> 二单元
            chars[m.start(1)] = "元"
    return "".join(chars)


def _sounds_like(ch: str, want: str) -> bool:
    """True when ``ch`` is ``want`` or one of its readings sounds the same as or near it.

    Every reading counts here (行 may be hang), since the slot itself says what is meant.
    """
    if ch == want:
        return True
    usual = phrase_sounds(want)[0]
    said = char_sounds(ch)
    return bool(said & char_sounds(want)) or any(near(s, usual) for s in said)


def house_number_at(text: str, pos: int, stop_chars: str) -> tuple[str, bool, int] | None:
    """A house number at ``pos``: (``"128号"``, whether 院 follows, end), else None.

    号 may be misheard as a near-homophone (五十行, 一百后), and one stray character may
    stand between the road and the number (大建立102号), as long as it is not a word
    boundary or a numeral.
    """
    starts = [pos]
    if (
        pos < len(text)
        and is_han(text[pos])
        and text[pos] not in stop_chars + "".join(_NUMERAL_CHARS)
    ):
        starts.append(pos + 1)
    for start in starts:
        m = _HOUSE_NUMBER_RE.match(_respell_numerals(text, start), start)
        if m is None or not _is_hao(text, m):
            continue
        after = text[m.end(2) : m.end(2) + 1]
        if after in _NOT_HOUSE_NUMBER_AFTER:
            continue
        number = number_to_arabic(m.group(1))
        if len(number) > _MAX_HOUSE_DIGITS:  # 2202909号: beginnings run together, no number
            return None
        return number + "号", bool(m.group(3)), m.end()
    return None


def _is_hao(text: str, m: re.Match[str]) -> bool:
    """Whether the character after the number in ``m`` is 号, as heard or misheard.

    It is when it sounds the same or near (后, 行, 毫); or when any character but a unit ends
    the clause (126横，, 三百四十七红，): a bare number right after a road is a house number,
    and what Whisper wrote for 号 can be far off.
    """
    ch = m.group(2)
    # 一百四十级: 几, a number begun; 一百四，: a numeral, the number cut short
    if ch in "楼路" or ch in _NUMERAL_CHARS or char_sounds(ch) & _JI_SOUNDS:
        return False
    if _sounds_like(ch, "号"):
        return True
    pause = _PAUSE_RE.match(text, m.end(2)) is not None
    return pause and ch not in _UNITS and not m.group(3)


def _respell_numerals(text: str, start: int) -> str:
    """``text`` with homophones of numerals in a number at ``start`` respelt, same length.

    A character that reads exactly like a numeral continues a number (二百一时后 ->
    二百一十后) or begins one when another Chinese numeral or homophone follows it (期时7号
    -> 七十7号); the number must hold at least one real numeral (是时候 is no number).
    """
    chars = list(text)
    real = 0
    end = start
    while end < len(text):
        ch = text[end]
        if ch in _NUMERAL_CHARS:
            real += 1
            chars[end] = _CHINESE_DIGIT.get(ch, ch)  # one script: 七十7 -> 七十七
        else:
            numeral = _numeral_by_sound(ch)
            if numeral is None:
                break
            if end == start and not _numeral_or_sound(text[end + 1 : end + 2]):
                break  # 是128号: a word before digits, not a numeral
            if end == start and numeral in "百千万":
                break  # 门排时388号: no number begins with 百 (排 sounds like it)
            chars[end] = numeral
        end += 1
    changed = any(text[k] not in _NUMERAL_CHARS for k in range(start, end))
    if changed and _NO_NUMERAL_RE.search("".join(chars[start:end])):
        return text
    return "".join(chars) if real and changed else text


def _numeral_by_sound(ch: str) -> str | None:
    """The Chinese numeral ``ch`` reads exactly like (时 -> 十), else None."""
    return next(
        (_NUMERAL_BY_SOUND[r] for r in sorted(exact_sounds(ch)) if r in _NUMERAL_BY_SOUND), None
    )


def _numeral_or_sound(ch: str) -> bool:
    """True for a Chinese numeral or a character that reads exactly like one."""
    return bool(ch) and (
        _CHINESE_NUMBER_RE.match(ch) is not None or _numeral_by_sound(ch) is not None
    )


def compound_at(text: str, pos: int, stop_chars: str) -> tuple[str, int] | None:
    """A compound name at ``pos`` with its suffix respelt: (``"和平家园"``, end), else None.

    The name is the shortest run of two to eight Chinese characters, not beginning with one
    of ``stop_chars`` and without particles or pronouns, that ends in a compound suffix,
    written or misheard.
    """
    for end in range(pos + 3, min(len(text), pos + 11) + 1):
        for by_sound in (False, True):
            suffix = _suffix_ending_at(text, pos, end, stop_chars, by_sound)
            if suffix is not None:
                return text[pos : end - len(suffix)] + suffix, end
    return None


def _suffix_ending_at(text: str, pos: int, end: int, stop_chars: str, by_sound: bool) -> str | None:
    """The compound suffix that ``text[pos:end]`` ends in, as written or by sound."""
    for suffix in _COMPOUND_SUFFIXES:
        name = text[pos : end - len(suffix)]
        if not 2 <= len(name) <= 8 or not all(map(is_han, name)) or name[0] in stop_chars:
            continue
        if any(c in _NEVER_IN_NAME for c in name) or any(w in name for w in _NEVER_IN_NAME_WORDS):
            continue
        said = text[end - len(suffix) : end]
        if not (_suffix_sounds_like(said, suffix) if by_sound else said == suffix):
            continue
        if by_sound and text.startswith("村", end):
            continue  # 西韩家云村: a village's name goes on to its 村, no 家园 in it
        # 园 ends many words (园林, 住院 misheard): only at a pause or before a building.
        one_char_guess = len(suffix) == 1 and (by_sound or suffix == "园")
        if one_char_guess and not _ONE_CHAR_END_RE.match(text, end):
            continue
        return suffix
    return None


def _suffix_sounds_like(said: str, suffix: str) -> bool:
    """A misheard compound suffix: every character the same sound, or one near and one right."""
    if len(suffix) == 1:
        # 院 sounds like 园 but ends words of its own (住院, 医院, 法院).
        return (
            suffix in _ONE_CHAR_BY_SOUND
            and said not in _NOT_YUAN
            and bool(char_sounds(said) & char_sounds(suffix))
        )
    pairs = list(zip(said, suffix, strict=True))
    same = sum(1 for a, b in pairs if a == b or char_sounds(a) & char_sounds(b))
    spelt = sum(1 for a, b in pairs if a == b)
    if same == len(suffix):
        return True
    usual = phrase_sounds(suffix)
    close = sum(1 for a, u in zip(said, usual, strict=True) if near(main_sound(a), u))
    return spelt >= 1 and same + close == len(suffix) and close == 1
