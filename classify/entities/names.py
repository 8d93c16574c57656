"""The caller's name, as far as the caller says it.

Only self-introductions are read, never people the caller talks about:

* 我姓王 / 免贵姓张 / 姓刘，文刀刘  -> the surname alone: ``"王"``, ``"张"``, ``"刘"``;
* 我是李先生 / 我是王女士 / 这边是赵老师 -> surname and title as said: ``"李先生"``;
* 我叫王小明 / 我的名字叫王小明 -> the full name as said: ``"王小明"``.

A surname must be one of the ~250 common surnames (百家姓 by population, plus common two-character
ones), which rejects hits like 我姓名... or 我是个... . A character description such as
弓长张 or 立早章 decides between homophones and overrides the surname Whisper wrote. When a caller
gives the same surname twice (我姓王，王先生) only the longest form is kept.
"""

from __future__ import annotations

import re

_HAN = "\u4e00-\u9fff"
_SURNAMES_SINGLE = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲"
    "房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟"
    "应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝封计栗郜相鞠"
)
_SURNAMES_DOUBLE = frozenset(
    str.split(
        "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 令狐 夏侯 司徒 端木 宇文 独孤 南宫"
    )
)
# How callers spell a surname out: 弓长张, 立早章, 文刀刘, ...
_DESCRIPTIONS = {
    "弓长": "张", "立早": "章", "文刀": "刘", "卯金刀": "刘", "木子": "李", "十八子": "李",
    "口天": "吴", "耳东": "陈", "草头": "黄", "古月": "胡", "双口": "吕", "禾口": "程",
    "言午": "许", "双木": "林", "人可": "何", "走肖": "赵", "关耳": "郑", "木易": "杨",
    "子小": "孙", "山今": "岑", "三横一竖": "王", "日月": "明",
}  # fmt: skip
_DESCRIPTION_RE = re.compile(
    "(" + "|".join(sorted(_DESCRIPTIONS, key=len, reverse=True)) + ")" + rf"的?([{_HAN}])"
)
_TITLES = "先生|女士|小姐|老师|师傅|大爷|大妈|阿姨|大姐|大哥|老板"
# 姓 after 我/免贵 anywhere, or opening a sentence; 性 is a common mishearing of 姓.
_SURNAME_RE = re.compile(
    rf"(?:(?:我|免贵|本人|这边)(?:姓|性)|(?:^|(?<=[，,。.！!？?\s：:]))姓(?!名))([{_HAN}]{{1,2}})"
)
_TITLED_RE = re.compile(rf"(?:我是|我叫|这边是|我这边是|本人)([{_HAN}]{{1,2}}?)({_TITLES})")
_FULL_NAME_RE = re.compile(rf"(?:我叫|我的名字叫|我的名字是|我的姓名是|本人叫)([{_HAN}]{{2,4}})")
# Where a name said after 我叫 ends: the words that usually follow it.
_NAME_END_RE = re.compile(r"[我你他她的是在住想要就了呢啊吧这那个男女今电手号]|家住|家在")


def extract_names(text: str) -> list[str]:
    """Names a caller gives for themselves, as said, in order.

    Args:
        text: The caller's words as transcribed.

    Returns:
        Surnames (``"王"``), surnames with a title (``"王先生"``) or full names (``"王小明"``),
        one entry per surname.

    Examples:
        >>> extract_names("免贵姓张，弓长张，电话是13812345678")
        ['张']
    """
    found: list[tuple[int, str, str]] = []  # (position, surname, form said)
    for m in _SURNAME_RE.finditer(text):
        surname = _surname_prefix(m.group(1))
        if surname:
            surname = _described(text, m.end(), surname)
            found.append((m.start(), surname, _with_title(text, m.end(), surname)))
    for m in _TITLED_RE.finditer(text):
        if m.group(1) in _SURNAMES_SINGLE or m.group(1) in _SURNAMES_DOUBLE:
            found.append((m.start(), m.group(1), m.group(1) + m.group(2)))
    for m in _FULL_NAME_RE.finditer(text):
        name = _full_name(m.group(1))
        if name:
            found.append((m.start(), _surname_prefix(name) or "", name))
    return _keep_longest(found)


def _surname_prefix(text: str) -> str | None:
    """The surname a name or name fragment starts with, if it is a known one."""
    if text[:2] in _SURNAMES_DOUBLE:
        return text[:2]
    if text[:1] in _SURNAMES_SINGLE:
        return text[:1]
    return None


def _described(text: str, pos: int, surname: str) -> str:
    """The surname a following description (姓章，立早章) spells out, else ``surname``."""
    window = text[pos : pos + 8]
    m = _DESCRIPTION_RE.search(window)
    if m is None:
        return surname
    spelled = _DESCRIPTIONS[m.group(1)]
    # The spelled-out character may itself be misheard (立早张), so either form confirms it.
    return spelled if m.group(2) in (spelled, surname) else surname


def _with_title(text: str, pos: int, surname: str) -> str:
    """``王先生`` when the caller adds the title soon after 我姓王, else the bare surname."""
    m = re.search(rf"{surname}({_TITLES})", text[pos : pos + 12])
    return surname + m.group(1) if m else surname


def _full_name(candidate: str) -> str | None:
    """Cut a full name (surname + 1-2 characters) out of the characters after 我叫."""
    surname = _surname_prefix(candidate)
    if surname is None:
        return None
    rest = candidate[len(surname) :]
    end = _NAME_END_RE.search(rest)
    given = rest[: end.start() if end else len(rest)][:2]
    return surname + given if given else None


def _keep_longest(found: list[tuple[int, str, str]]) -> list[str]:
    """One entry per surname, the longest form said, ordered by first mention."""
    best: dict[str, tuple[int, str]] = {}
    for pos, surname, form in sorted(found):
        first, current = best.get(surname, (pos, ""))
        best[surname] = (first, form if len(form) > len(current) else current)
    return [form for _, form in sorted(best.values())]
