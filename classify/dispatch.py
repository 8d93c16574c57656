"""Which department does the agent say the call goes to?

Agents close a call by saying where it goes: 我们会转交环卫部门尽快清理, 马上联系消防紧急处理.
That is the agent's own classification, made with the whole call in mind, and the model
should hear it. Whisper garbles department names like any other word (环位部门, 卫生建康部门,
交通艺术部门), so names are compared by toneless syllables (:func:`classify.phonetic.main_sound`):
a department's name or alias matches when most of its syllables sound the same, a syllable
that shares its initial or its final counting half.

Only what follows a hand-over verb (转交, 转到, 通知, 联系 ...) is read: a caller naming a
department elsewhere (物业说找城管, 城管不管) is describing the problem, not its destination.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from classify.phonetic import main_sound, split_syllable
from classify.taxonomy import Taxonomy

# A hand-over verb and what may stand between it and the department's name.
# (转胶, 转教: Whisper's 转交.)
_HANDOVER = re.compile(
    r"(?:转交|转胶|转教|转到|转给|转达|交给|移交|通知|联系|连续|反映给)(?:给|到)?(?:相关的?)?"
    # 马上转生态环境部门: 转 alone, right after the agent says when (同时转住建部门: as well)
    # or for whom (我给您转园林部门)
    # ... or after the ticket it goes as (按紧急工单转城管部门, 工单 heard 公单)
    r"|(?:马上|立即|立刻|这就|会|已经|同时|给您|帮您|给你|帮你|[工公]单)转(?![交胶教到给达])"
)  # 连续: Whisper's 联系 (立即连续消防)
# How far after the verb a name may start and how long it may be (syllables).
_MAX_OFFSET = 2
_WINDOW = 10
# A name of three or more syllables matches with at least this share of them (half credit
# for a near one); a two-syllable name must sound exactly right.
_MIN_SCORE = 0.75
# A two-syllable name said with 部门 (four syllables) must have one of its own syllables
# exactly right and the other near.
_BUMEN = ["bu", "men"]
_MIN_BUMEN_SCORE = 0.875
# Short names the agents use that are not in the taxonomy's aliases: key -> names.
_SPOKEN_NAMES: dict[str, tuple[str, ...]] = {
    "gas": ("燃气",),
    "heating": ("供热", "供暖", "热力"),
    "water": ("供水", "自来水", "水务"),
    "health": ("卫生健康", "卫健", "卫生"),
    "ecology": ("生态环境", "环保", "环境"),
    "transport": ("交通运输", "交通", "公交"),
    "housing": ("住建", "住房建设", "房管"),
    "approval": ("审批", "行政审批", "政务服务"),
    "market": ("市场监管", "市场监督"),
    "hrss": ("人社", "劳动监察", "社保"),
    "garden": ("园林", "绿化"),
    "urban": ("城管", "城市管理"),
    "sanitation": ("环卫", "环境卫生"),
    "police": ("公安", "派出所", "警察"),
    "fire": ("消防",),
    "street": ("街道", "社区"),
    "medical": ("医保",),
    "education": ("教育",),
    "emergency": ("应急",),
}


def _syllable_score(heard: str, meant: str) -> float:
    if heard == meant:
        return 1.0
    (hi, hf), (mi, mf) = split_syllable(heard), split_syllable(meant)
    return 0.5 if (hi and hi == mi) or hf == mf else 0.0


def _sounds(text: str) -> list[str]:
    return [main_sound(ch) or "" for ch in text]


def _names(taxonomy: Taxonomy) -> list[tuple[str, list[str]]]:
    """(department key, syllables of one of its names), for every name of every department."""
    names: list[tuple[str, list[str]]] = []
    for key, department in taxonomy.departments.items():
        spoken = [department.name.removeprefix("市"), *department.aliases]
        spoken += list(_SPOKEN_NAMES.get(key, ()))
        # A two-syllable name must sound exactly right; said with 部门 after it, it is four
        # syllables of which one may be near (住建部门 heard 注进部门).
        spoken += [f"{name}部门" for name in spoken if len(name) == 2]
        for name in dict.fromkeys(spoken):
            syllables = _sounds(name)
            if len(syllables) >= 2 and all(syllables):
                names.append((key, syllables))
    return names


def _match(heard: Sequence[str], names: list[tuple[str, list[str]]]) -> tuple[float, set[str]]:
    """Best score of any name at the start of ``heard`` (or a syllable or two later)."""
    best, keys = 0.0, set()
    for key, syllables in names:
        n = len(syllables)
        for offset in range(_MAX_OFFSET + 1):
            part = heard[offset : offset + n]
            if len(part) < n:
                break
            score = sum(_syllable_score(h, m) for h, m in zip(part, syllables, strict=True)) / n
            if n == 2 and score < 1.0:
                continue
            bumen = n == 4 and syllables[2:] == _BUMEN
            if bumen and score < _MIN_BUMEN_SCORE:
                continue  # 住建部门 heard 注进部门, but not 研究部门 for 应急部门
            # Longer names are better evidence: 卫生健康 beats 卫生 when both match (and
            # 环境卫生 beats 卫生部门: 部门 is no part of the name).
            score += 0.01 * (n - 2 if bumen else n)
            if score > best + 1e-9:
                best, keys = score, {key}
            elif abs(score - best) <= 1e-9:
                keys.add(key)
    return best, keys


def dispatch_departments(text: str, taxonomy: Taxonomy) -> set[str]:
    """Keys of the departments the call is said to be handed to (empty when none is named).

    Examples:
        >>> tax = Taxonomy.load()
        >>> sorted(dispatch_departments("好的任女士，我们会转交环位部门尽快清理", tax))
        ['sanitation']
        >>> sorted(dispatch_departments("我们会转交卫生建康部门协调处理", tax))
        ['health']
        >>> sorted(dispatch_departments("我们马上按紧急公单转程馆部门处理", tax))
        ['urban']
        >>> dispatch_departments("我们会转交相关部门处理", tax)
        set()
    """
    names = _names(taxonomy)
    found: set[str] = set()
    for m in _HANDOVER.finditer(text):
        heard = _sounds(text[m.end() : m.end() + _WINDOW])
        score, keys = _match(heard, names)
        if score >= _MIN_SCORE:
            found |= keys
    return found
