"""Place names of the city (districts, roads, landmarks, towns) and tolerant matching against them.

Whisper often writes a place name with a homophone (常安区 for 长安区, 钟山东路 for 中山东路,
玉华区 for 裕华区, 桥溪区 for 桥西区) or a near-homophone (小夕区 for 桥西区, 坦南路 for 塔南路,
胜利北达加 for 胜利北大街). Names are therefore matched by sound, not by characters (see
:mod:`classify.phonetic`): each character of the text is compared with the name's character
and costs nothing when it sounds the same, 0.5 when it sounds near, 1 (a typo) otherwise.

* Names of two characters must sound exactly right.
* Districts and roads of three characters (..区, ..路) may have one near-sounding character
  (cost 0.5); other three-character names (..市, ..县, ..街) must sound right, because 市 and
  县 follow too many ordinary words (进了市, 向县).
* Names of four or more characters may cost up to 1: one wrong character, one near one, or
  (five characters or more) two near ones.
* A near or wrong character never changes a direction (东西南北中), must be Chinese, and is
  never a numeral (六十七路公交车 is a bus route, not 石清路; a numeral that sounds right is
  fine: 中三东路). A particle never stands for a character of a name, even one that sounds
  the same (成了全区 is not 鹿泉区; 东风路与广东路 has no 裕华东路).
  Near means near in the character's usual reading, not in a rare heteronym.
* The last character (区, 县, 路, 街, 道, 河) must be spelt right, which keeps ordinary words
  from looking like places; only names of four or more characters may end in a character
  that sounds the same or near (北大建, 北达加 for 北大街), at cost 0.5, and then everything
  else must sound exactly right (five or more characters) or be spelt right (four: 红旗大监).
* Landmarks (公园, 广场, ...) are common words: they take no wrong character at all.

:meth:`Gazetteer.closest` is looser (a whole short string compared with every name of its
length, the last character included) for places where a district is expected anyway, such as
right before a road.

Pinyin comes from ``pypinyin``; without it, only exact spellings and one-character errors match.
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from classify.phonetic import (
    char_sounds,
    is_han,
    loose_distance,
    phrase_sounds,
    sound_distance,
    word_sounds,
)

__all__ = [
    "DEFAULT_GAZETTEER",
    "KINDS",
    "Gazetteer",
    "GazetteerError",
    "Place",
    "PlaceMatch",
    "char_sounds",
    "load_gazetteer",
    "read_gazetteer",
]

logger = logging.getLogger(__name__)

DEFAULT_GAZETTEER = Path(__file__).resolve().parents[1] / "data" / "gazetteer" / "shijiazhuang.yaml"
KINDS = ("district", "road", "landmark", "town")
_SECTIONS = {"districts": "district", "roads": "road", "landmarks": "landmark", "towns": "town"}
_ENTRY_KEYS = {"name", "aliases", "districts", "former"}
_DIRECTIONS = frozenset("东西南北中")
_MIN_LEN_FOR_TYPO = 4
# Particles never stand for a character of a name, even one that sounds the same: 成了全区
# is not 鹿泉区, 东风路与广东路 has no 裕华东路. Numerals only when they sound right
# (中三东路): 六十七路 (a bus route) is not 石清路.
_PARTICLES = frozenset("了的地得着过吗呢吧啊呀是在和与跟及或就也都还又很")
_NUMERALS = frozenset("零〇一二两三四五六七八九十百千幺")
_NEAR = 0.5
_TYPO = 1.0
# Three-character names that may have a near-sounding character: districts and roads.
# 市 and 县 follow too many ordinary words (进了市, 向县) to be stretched.
_NEAR_SHORT_SUFFIXES = frozenset("区路")
# Names at least this long may end in a character that sounds the same or near.
_MIN_LEN_FOR_SUFFIX_SOUND = 5


class GazetteerError(ValueError):
    """The gazetteer file is missing or malformed."""


@dataclass(frozen=True)
class Place:
    """A named place of the city.

    Attributes:
        name: Canonical spelling, written into work orders.
        kind: ``district``, ``road``, ``landmark`` or ``town`` (镇, 乡).
        aliases: Other spellings callers use.
        districts: Districts a road runs through, when known.
        former: True for a name no longer in official use.
    """

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    former: bool = False


@dataclass(frozen=True)
class PlaceMatch:
    """Where a place was named in a text.

    Attributes:
        place: The gazetteer entry.
        start: Index of the first character of the spoken form.
        end: Index one past the last character.
        said: The text as written (``常安区``).
        typos: Characters that matched neither by spelling nor by sound (0 or 1).
        near: Characters that only sound near the name's (小夕区 for 桥西区: 1).
    """

    place: Place
    start: int
    end: int
    said: str
    typos: int
    near: int = 0

    @property
    def exact(self) -> bool:
        """True when the place was spelt as the canonical name or an alias."""
        return self.said == self.place.name or self.said in self.place.aliases

    @property
    def cost(self) -> float:
        """How far the text is from the name: 1 per wrong character, 0.5 per near one."""
        return self.typos * _TYPO + self.near * _NEAR


@dataclass(frozen=True)
class _Spelling:
    """One spelling (name or alias) of a place, prepared for matching."""

    text: str
    place: Place
    sounds: tuple[frozenset[str], ...]
    usual: tuple[str, ...]

    @property
    def max_cost(self) -> float:
        """How far a text may be from this spelling and still name the place."""
        if self.place.kind == "landmark":
            return _NEAR if len(self.text) >= _MIN_LEN_FOR_TYPO else 0.0
        if self.place.kind == "town":
            return 0.0  # town names are short and alike (新城铺镇, 夏层铺镇): sound exactly right
        if len(self.text) >= _MIN_LEN_FOR_TYPO:
            return _TYPO
        return _NEAR if len(self.text) == 3 and self.text[-1] in _NEAR_SHORT_SUFFIXES else 0.0

    def accepts(self, typos: int, near: int) -> bool:
        """Whether so many wrong and near characters still name this place.

        Two near characters are as bad as a wrong one, and only names of five or more
        characters may have them (金沙北路 is not 新石北路).
        """
        if typos * _TYPO + near * _NEAR > self.max_cost:
            return False
        return near < 2 or len(self.text) >= _MIN_LEN_FOR_SUFFIX_SOUND


class Gazetteer:
    """The city's places, searchable in free text."""

    def __init__(self, places: list[Place], city: str = "", province: str = "") -> None:
        """Index ``places`` by their last character (the suffix that must be spelt right)."""
        self.places = places
        self.city = city
        self.province = province
        self._by_name = {p.name: p for p in places}
        self._by_suffix: dict[str, list[_Spelling]] = defaultdict(list)
        self._by_length: dict[int, list[_Spelling]] = defaultdict(list)
        for place in places:
            for text in (place.name, *place.aliases):
                spelling = _Spelling(text, place, word_sounds(text), phrase_sounds(text))
                self._by_suffix[text[-1]].append(spelling)
                self._by_length[len(text)].append(spelling)
        # Suffixes of long names, which may also be matched by sound.
        self._long_suffixes = {
            s: (word_sounds(s)[0], phrase_sounds(s)[0])
            for s, group in self._by_suffix.items()
            if any(len(sp.text) >= _MIN_LEN_FOR_TYPO for sp in group)
        }
        self._sound_suffix_cache: dict[str, list[tuple[_Spelling, float]]] = {}

    def lookup(self, name: str) -> Place | None:
        """The place with canonical name ``name``, if any."""
        return self._by_name.get(name)

    def names(self, kind: str | None = None) -> list[str]:
        """Canonical names of all places, or of one kind."""
        return [p.name for p in self.places if kind is None or p.kind == kind]

    def district_of(self, road: str) -> str | None:
        """The district a road lies in, when the gazetteer maps it to exactly one."""
        place = self._by_name.get(road)
        if place is None or len(place.districts) != 1:
            return None
        return place.districts[0]

    def find(self, text: str, kinds: tuple[str, ...] = KINDS) -> list[PlaceMatch]:
        """Places named in ``text``, non-overlapping, in order of appearance.

        Args:
            text: Free text, e.g. a transcript.
            kinds: Which kinds of place to look for.

        Returns:
            Matches; where spans overlap the one that costs less, then the longer, wins.
        """
        candidates: list[PlaceMatch] = []
        for end, ch in enumerate(text, start=1):
            options = [(sp, 0.0) for sp in self._by_suffix.get(ch, ())]
            options += self._sound_suffixed(ch)
            for spelling, suffix_cost in options:
                if spelling.place.kind in kinds:
                    match = _match_at(text, end, spelling, suffix_cost)
                    if match is not None:
                        candidates.append(match)
        return _resolve(candidates)

    def closest(
        self,
        said: str,
        kind: str,
        max_cost: float = _TYPO,
        max_near: int | None = None,
        prefer: tuple[str, ...] = (),
    ) -> Place | None:
        """The one place of ``kind`` whose name ``said`` is closest to, the suffix included.

        Meant for a slot where such a place is expected (a district right before a road):
        every character, the last one too, may sound near (0.5) or be wrong (1), up to
        ``max_cost`` in all with at most one wrong character (and at most ``max_near`` near
        ones, when given). None when nothing is close enough or two places are equally close
        and ``prefer`` (names, e.g. the districts a road runs through) does not pick one.
        """
        scored: dict[str, float] = {}
        for spelling in self._by_length.get(len(said), ()):
            if spelling.place.kind != kind:
                continue
            cost = _cost(said, 0, spelling, range(len(said)), numeral_near=True)
            if max_near is not None and cost is not None and cost[1] > max_near:
                continue
            if cost is not None and cost[0] + cost[1] * _NEAR <= max_cost:
                name = spelling.place.name
                scored[name] = min(scored.get(name, max_cost), cost[0] + cost[1] * _NEAR)
        if not scored:
            return None
        best = min(scored.values())
        winners = [n for n, c in scored.items() if c == best]
        if len(winners) > 1:
            winners = [n for n in winners if n in prefer]
        return self._by_name[winners[0]] if len(winners) == 1 else None

    def sounding_like(
        self,
        text: str,
        kinds: tuple[str, ...] = ("district", "road", "town"),
        max_cost: float = 0.5,
        limit: int = 10,
    ) -> list[str]:
        """Canonical names of places that may have been said in ``text``, closest first.

        Every name is slid over the Chinese characters of ``text`` and scored by its best
        window's mean :func:`~classify.phonetic.loose_distance` per character, among windows
        whose last character (the 路, 区 or 镇) shares its initial or final with what was
        heard and where one character sounds exactly right; names scoring at most
        ``max_cost`` are kept (建设打监 keeps 建设大街, 近周是 晋州市). This is far looser
        than :meth:`find`: it only proposes names, e.g. to prompt a second decoding, and
        never decides that a place was named.

        Examples:
            >>> load_gazetteer().sounding_like("我家在建设打监一百号", limit=1)
            ['建设大街']
        """
        scored: dict[str, float] = {}
        for place in self.places:
            if place.kind not in kinds:
                continue
            name = place.name
            size = len(name)
            best = max_cost + 1.0
            for start in range(len(text) - size + 1):
                window = text[start : start + size]
                if not all(map(is_han, window)):
                    continue
                costs = [
                    loose_distance(heard, want) for heard, want in zip(window, name, strict=True)
                ]
                if costs[-1] == _TYPO or min(costs) > 0.0:
                    continue  # the suffix (路, 区, 镇) shares a sound, one character is right
                best = min(best, sum(costs) / size)
                if best == 0.0:
                    break
            if best <= max_cost:
                scored[name] = best
        return sorted(scored, key=scored.__getitem__)[:limit]

    def _sound_suffixed(self, ch: str) -> list[tuple[_Spelling, float]]:
        """Long spellings whose last character sounds the same as or near ``ch``."""
        cached = self._sound_suffix_cache.get(ch)
        if cached is None:
            cached = []
            if is_han(ch) and ch not in _DIRECTIONS:
                for suffix, (sounds, usual) in self._long_suffixes.items():
                    if suffix != ch and sound_distance(ch, sounds, usual) <= _NEAR:
                        cached += [
                            (sp, _NEAR)
                            for sp in self._by_suffix[suffix]
                            if len(sp.text) >= _MIN_LEN_FOR_TYPO
                        ]
            self._sound_suffix_cache[ch] = cached
        return cached


def _match_at(text: str, end: int, spelling: _Spelling, suffix_cost: float) -> PlaceMatch | None:
    """Match ``spelling`` against the text ending at ``end``, allowing sound-alikes."""
    start = end - len(spelling.text)
    if start < 0:
        return None
    cost = _cost(text, start, spelling, range(len(spelling.text) - 1))
    if cost is None:
        return None
    typos, near = cost[0], cost[1]
    if suffix_cost:
        # A misheard last character is accepted only when the rest sounds exactly right,
        # and in a four-character name only when the rest is spelt right (红旗大监).
        if typos or near:
            return None
        if (
            len(spelling.text) < _MIN_LEN_FOR_SUFFIX_SOUND
            and text[start : end - 1] != spelling.text[:-1]
        ):
            return None
        near = 1
    if not spelling.accepts(typos, near):
        return None
    return PlaceMatch(spelling.place, start, end, text[start:end], typos, near)


def _cost(
    text: str, start: int, spelling: _Spelling, positions: range, numeral_near: bool = False
) -> tuple[int, int] | None:
    """Wrong and near characters of ``spelling`` at ``start`` over ``positions``.

    None when more than one character is wrong, or when a wrong or near character is not
    Chinese or changes a direction, or is a numeral (but one that sounds near, where
    ``numeral_near``: 一滑区 for 裕华区 in a district's slot).
    """
    typos = near = 0
    for k in positions:
        ch, want = text[start + k], spelling.text[k]
        if ch == want:
            continue
        if ch in _PARTICLES and len(spelling.text) < _MIN_LEN_FOR_SUFFIX_SOUND:
            return None  # in a long name (地营南大街 for 翟营南大街) one is just a wrong character
        distance = sound_distance(ch, spelling.sounds[k], spelling.usual[k])
        if distance == 0:
            continue
        if not is_han(ch) or ch in _DIRECTIONS or want in _DIRECTIONS:
            return None
        if ch in _NUMERALS and not (numeral_near and distance < _TYPO):
            return None
        if distance < _TYPO:
            near += 1
        else:
            typos += 1
            if typos > 1:
                return None
    return typos, near


def _resolve(candidates: list[PlaceMatch]) -> list[PlaceMatch]:
    """Keep the best non-overlapping matches; drop spans two places claim equally well."""
    by_span: dict[tuple[int, int], list[PlaceMatch]] = defaultdict(list)
    for m in candidates:
        by_span[(m.start, m.end)].append(m)
    unique: list[PlaceMatch] = []
    for group in by_span.values():
        best = min(group, key=lambda m: (m.cost, not m.exact))
        rivals = {m.place.name for m in group if (m.cost, m.exact) == (best.cost, best.exact)}
        if len(rivals) == 1:
            unique.append(best)
    unique.sort(key=lambda m: (m.cost, -(m.end - m.start), not m.exact, m.start))
    taken: list[PlaceMatch] = []
    for m in unique:
        if all(m.end <= t.start or m.start >= t.end for t in taken):
            taken.append(m)
    return sorted(taken, key=lambda m: m.start)


def _parse_entry(raw: Any, kind: str, source: Path) -> Place:
    """One YAML entry as a Place, with a clear error for a malformed one."""
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
        raise GazetteerError(f"{source}: every {kind} needs a name, got {raw!r}")
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise GazetteerError(f"{source}: {raw['name']} has unknown keys {sorted(unknown)}")
    return Place(
        name=raw["name"],
        kind=kind,
        aliases=tuple(raw.get("aliases") or ()),
        districts=tuple(raw.get("districts") or ()),
        former=bool(raw.get("former", False)),
    )


def read_gazetteer(path: Path) -> Gazetteer:
    """Read a gazetteer YAML file (see ``data/gazetteer/shijiazhuang.yaml`` for the format).

    Raises:
        GazetteerError: if the file is missing, not YAML, or an entry is malformed.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GazetteerError(f"cannot read gazetteer {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise GazetteerError(f"{path}: expected a mapping with districts, roads, landmarks, towns")
    places = [
        _parse_entry(raw, kind, path)
        for section, kind in _SECTIONS.items()
        for raw in data.get(section) or []
    ]
    districts = {p.name for p in places if p.kind == "district"}
    for p in places:
        for d in p.districts:
            if d not in districts:
                raise GazetteerError(f"{path}: {p.name} lists unknown district {d}")
    return Gazetteer(places, city=str(data.get("city", "")), province=str(data.get("province", "")))


@functools.lru_cache(maxsize=4)
def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """The gazetteer at ``path`` (default: Shijiazhuang's), read once and cached."""
    return read_gazetteer(path or DEFAULT_GAZETTEER)
