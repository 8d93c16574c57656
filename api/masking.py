"""Hide personal data in anything the public can read: phone numbers, ID numbers, names.

Speech recognition writes numbers as Arabic digits, full-width digits or Chinese numerals,
sometimes with spaces or hyphens between groups, so every form is masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# 腰 is how speech recognition often writes 幺 ("one" when reading out numbers).
_DIGIT = "0-9０-９零〇一二三四五六七八九幺腰两"
_SEPARATORS = " \t\u3000-—－，,、"
# Speech recognition groups digits with spaces, hyphens or commas ("幺三九，零三幺幺，七八二五").
_SEP = r"[\s\-—－，,、]{0,2}"
# Seven or more digits (optionally separated), optionally ending in the ID check letter X.
_NUMBER_RE = re.compile(rf"[{_DIGIT}](?:{_SEP}[{_DIGIT}]){{6,}}(?:{_SEP}[XxＸｘ])?")
_HAN = r"[\u4e00-\u9fff]"
_SURNAME_RE = re.compile(rf"(?<!百)(姓)(?!名)({_HAN})")
_FIELD_NAME_RE = re.compile(rf"(姓名[:：]?\s*)({_HAN}{{2,4}})")
_SELF_NAME_RE = re.compile(
    rf"(我叫|名叫|叫做|名字是|名字叫|^叫|(?<=[，,。；;：:！!？?\s])叫)({_HAN}{{2,3}})"
)
_HONORIFIC_RE = re.compile(rf"({_HAN})(?=先生|女士|小姐|师傅|阿姨|大爷|大妈|大姐|大哥|老师|同志)")


def mask_number(raw: str) -> str:
    """Mask one number: mobile ``138****5678``, ID ``13**************2X``, other ``*****12``."""
    chars = [c for c in raw if not c.isspace() and c not in _SEPARATORS]
    if len(chars) == 11 and chars[0] in "1１一幺腰":
        return "".join(chars[:3]) + "****" + "".join(chars[-4:])
    if len(chars) == 18:
        return "".join(chars[:2]) + "*" * 14 + "".join(chars[-2:])
    return "*" * (len(chars) - 2) + "".join(chars[-2:])


def mask_phone(phone: str | None) -> str | None:
    """Mask a phone number field (keep at most the last four digits)."""
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    if len(digits) <= 4:
        return "*" * len(digits)
    return mask_number(digits) if len(digits) == 11 else "*" * (len(digits) - 4) + digits[-4:]


def mask_text(text: str | None, names: Iterable[str] = ()) -> str | None:
    """Mask phone numbers, ID numbers and personal names inside free text.

    Args:
        text: Transcript, reply or summary text.
        names: Names known to belong to the caller (from the ticket and its entities); every
            occurrence is hidden, besides the generic patterns (姓X, 我叫XX, X先生).

    Returns:
        The text with every character of personal data replaced by ``*``.
    """
    if not text:
        return text
    known = {n.strip() for n in names if n and len(n.strip()) >= 2}
    for name in sorted(known, key=len, reverse=True):
        text = text.replace(name, "*" * len(name))
    text = _FIELD_NAME_RE.sub(lambda m: m.group(1) + "*" * len(m.group(2)), text)
    text = _SELF_NAME_RE.sub(lambda m: m.group(1) + "*" * len(m.group(2)), text)
    text = _SURNAME_RE.sub(r"\1*", text)
    text = _HONORIFIC_RE.sub("*", text)
    return _NUMBER_RE.sub(lambda m: mask_number(m.group(0)), text)
