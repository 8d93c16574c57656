"""Salient words of a call, for operators scanning a ticket and for search.

Words come from the shared tokenizer (:func:`classify.segment.segment`, with the hotline's
dictionary) and are ranked by TF-IDF: term frequency in the call times the inverse document
frequency from jieba's bundled table (``jieba/analyse/idf.txt``, read directly so the heavier
``jieba.analyse`` is not imported). Words of the hotline dictionary (井盖, 没人收, 中山东路) count
as at least median-rare and get a boost, since they are what operators look for. Misheard place
names are respelt from the gazetteer first (常安区 -> 长安区). Filler words
of phone speech (那个, 就是, 然后), generic hotline words (反映, 问题, 情况), numbers and the
caller's name are dropped.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

import jieba

from classify.gazetteer import GazetteerError, load_gazetteer
from classify.segment import DEFAULT_USER_DICT, segment

logger = logging.getLogger(__name__)

_IDF_FILE = Path(jieba.__file__).resolve().parent / "analyse" / "idf.txt"
_DOMAIN_BOOST = 1.5
_WORD_RE = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_QUANTITY_RE = re.compile(
    r"^[零〇一二两三四五六七八九十百千万几半]+[点天个号年月日分块元次岁楼层周]?$"
)
_PERSON_RE = re.compile(r"^.{1,2}(?:先生|女士|小姐|师傅|阿姨|大爷|大妈|老师)$")
STOP_WORDS = frozenset(
    str.split(
        """
    的 了 着 过 吗 呢 吧 啊 呀 哦 嗯 哎 喂 哈 么 嘛 啦 呗 和 与 跟 或 及 而 但 却
    就 都 也 还 又 再 才
    我 你 他 她 它 我们 你们 他们 她们 咱们 大家 自己 人家 别人 这 那 这个 那个 这些 那些 这里 那里
    这边 那边 这样 那样 这么 那么 怎么 怎么样 怎样 什么 为什么 哪个 哪里 哪儿 多少 几个 一个 一些
    一下 一点 一直 一样 一般 一定 一起 一次 有点 有些 还有 还是 就是 然后 但是 因为 所以 如果 虽然
    而且 或者 可是 不过 只是 而是 的话 比较 非常 特别 真的 确实 其实 已经 现在 刚才 马上 以后 之前
    以前 后来 今天 昨天 明天 前天 每天 天天 每天晚上 每天早上 早上 上午 中午 下午 白天
    时候 时间 今年 去年 一天 两天 三天 好几天 这种 那种 各种
    可以 能够 应该 需要 必须 不能 不会 没有 不是 是不是 有没有 能不能 会不会 可能 好像 觉得 认为
    知道 希望 想 要 想要 需要 希望 帮忙 帮助 麻烦 谢谢 您好 你好 请问 请 一下子 喂喂 对 对对 好的
    是的 嗯嗯 行 好 没事 不好意思 打扰 打电话 电话 打 说 讲 问 看 看看 来 去 给 让 把 被 在 是 有
    反映 反应 问题 情况 事情 这件 那件 事 一件 东西 地方 方面 处理 解决 相关 部门 有关 政府 热线
    市民 老百姓 我家 家里 我这 我这边 那块 这块 一块 这儿 那儿 里面 外面 上面 下面 旁边 附近 周围
    市长热线 12345 号码 手机 手机号 联系 联系方式 姓名 名字 先生 女士 小姐 师傅
    """
    )
)


@functools.lru_cache(maxsize=1)
def _idf_table() -> tuple[dict[str, float], float]:
    """jieba's IDF table and its median, read once."""
    table: dict[str, float] = {}
    try:
        with _IDF_FILE.open(encoding="utf-8") as fh:
            for line in fh:
                word, _, value = line.strip().partition(" ")
                if value:
                    table[word] = float(value)
    except OSError as exc:
        logger.warning("jieba IDF table %s unreadable (%s); ranking by frequency", _IDF_FILE, exc)
        return {}, 1.0
    values = sorted(table.values())
    return table, values[len(values) // 2]


@functools.lru_cache(maxsize=1)
def _domain_words() -> frozenset[str]:
    """Words of the hotline's jieba dictionary."""
    try:
        lines = DEFAULT_USER_DICT.read_text(encoding="utf-8").splitlines()
    except OSError:
        return frozenset()
    return frozenset(line.split()[0] for line in lines if line.strip())


def _is_candidate(word: str) -> bool:
    """A word worth showing: two or more characters with letters or Chinese, not filler."""
    return (
        len(word) >= 2
        and word not in STOP_WORDS
        and bool(_WORD_RE.search(word))
        and not any(ch.isdigit() for ch in word)
        and not _PERSON_RE.match(word)
        and not _QUANTITY_RE.match(word)
    )


def _canonical_places(text: str) -> str:
    """The text with misheard place names respelt as in the gazetteer (常安区 -> 长安区)."""
    try:
        matches = load_gazetteer().find(text)
    except GazetteerError as exc:
        logger.warning("gazetteer unavailable for keywords: %s", exc)
        return text
    for m in reversed(matches):
        text = text[: m.start] + m.place.name + text[m.end :]
    return text


def extract_keywords(text: str, k: int = 8) -> list[str]:
    """The ``k`` most salient words of ``text``, most salient first.

    Args:
        text: The caller's words as transcribed.
        k: How many words to return at most.

    Returns:
        Distinct words; ties keep the order in which they were said.

    Raises:
        ValueError: if ``k`` is negative.

    Examples:
        >>> extract_keywords("我们小区的垃圾三天没人收了，垃圾桶都满了", k=3)
        ['没人收', '垃圾桶', '垃圾']
    """
    if k < 0:
        raise ValueError(f"k must be 0 or more, got {k}")
    words = [w for w in segment(_canonical_places(text)) if _is_candidate(w)]
    if not words or k == 0:
        return []
    idf, median = _idf_table()
    domain = _domain_words()
    counts: dict[str, int] = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    scores: dict[str, float] = {}
    for w, n in counts.items():
        weight = idf.get(w, median)
        if w in domain:
            weight = max(weight, median) * _DOMAIN_BOOST
        scores[w] = n * weight
    order = {w: i for i, w in reversed(list(enumerate(words)))}
    ranked = sorted(scores, key=lambda w: (-scores[w], order[w]))
    return ranked[:k]
