"""Place names of the city (districts, roads, landmarks) and tolerant matching against them.

Whisper often writes a place name with a homophone (常安区 for 长安区, 钟山东路 for 中山东路,
玉华区 for 裕华区, 桥溪区 for 桥西区). Names are therefore matched by pinyin, not by characters:
a stretch of text matches a name when each character shares a reading with the name's character
(toneless, with the usual confusions z/zh, c/ch, s/sh, n/l, an/ang, en/eng, in/ing merged).
Names of four or more characters also match with one character wrong, unless that character is
a direction (东西南北中) or the result is ambiguous. The last character (区, 县, 路, 街, 道, 河)
must be spelt right, which keeps ordinary words from looking like places.

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

logger = logging.getLogger(__name__)

DEFAULT_GAZETTEER = Path(__file__).resolve().parents[1] / "data" / "gazetteer" / "shijiazhuang.yaml"
KINDS = ("district", "road", "landmark")
_SECTIONS = {"districts": "district", "roads": "road", "landmarks": "landmark"}
_ENTRY_KEYS = {"name", "aliases", "districts", "former"}
_DIRECTIONS = frozenset("东西南北中")
_MIN_LEN_FOR_TYPO = 4
_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"))
_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))

try:
    import pypinyin
except ImportError:  # pragma: no cover - exercised only where pypinyin is missing
    pypinyin = None  # type: ignore[assignment]
    logger.warning("pypinyin is not installed: place names match by spelling only")


class GazetteerError(ValueError):
    """The gazetteer file is missing or malformed."""


@dataclass(frozen=True)
class Place:
    """A named place of the city.

    Attributes:
        name: Canonical spelling, written into work orders.
        kind: ``district``, ``road`` or ``landmark``.
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
    """

    place: Place
    start: int
    end: int
    said: str
    typos: int

    @property
    def exact(self) -> bool:
        """True when the place was spelt as the canonical name or an alias."""
        return self.said == self.place.name or self.said in self.place.aliases


def _fuzzy(syllable: str) -> str:
    """Merge the sounds speakers and recognisers confuse: zh->z, n->l, ang->an, ..."""
    for long, short in _INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FINALS:
        if syllable.endswith(long):
            return syllable[: -len(long)] + short
    return syllable


@functools.lru_cache(maxsize=16384)
def char_sounds(ch: str) -> frozenset[str]:
    """All fuzzy toneless readings of one character; empty for non-Chinese characters."""
    if pypinyin is None or not "\u4e00" <= ch <= "\u9fff":
        return frozenset()
    readings = pypinyin.pinyin(ch, style=pypinyin.Style.NORMAL, heteronym=True)[0]
    return frozenset(_fuzzy(r) for r in readings if r.isalpha())


def _name_sounds(name: str) -> tuple[frozenset[str], ...]:
    """Readings of each character of a name: its phrase reading plus every heteronym."""
    phrase = pypinyin.lazy_pinyin(name, style=pypinyin.Style.NORMAL) if pypinyin else []
    if len(phrase) != len(name):
        phrase = [""] * len(name)
    return tuple(
        char_sounds(ch) | ({_fuzzy(p)} if p.isalpha() else set())
        for ch, p in zip(name, phrase, strict=True)
    )


@dataclass(frozen=True)
class _Spelling:
    """One spelling (name or alias) of a place, prepared for matching."""

    text: str
    place: Place
    sounds: tuple[frozenset[str], ...]


class Gazetteer:
    """The city's places, searchable in free text."""

    def __init__(self, places: list[Place], city: str = "", province: str = "") -> None:
        """Index ``places`` by their last character (the suffix that must be spelt right)."""
        self.places = places
        self.city = city
        self.province = province
        self._by_name = {p.name: p for p in places}
        self._by_suffix: dict[str, list[_Spelling]] = defaultdict(list)
        for place in places:
            for text in (place.name, *place.aliases):
                self._by_suffix[text[-1]].append(_Spelling(text, place, _name_sounds(text)))

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
            Matches; where spans overlap the one with fewer typos, then the longer, wins.
        """
        candidates: list[PlaceMatch] = []
        for end, ch in enumerate(text, start=1):
            for spelling in self._by_suffix.get(ch, ()):
                if spelling.place.kind in kinds:
                    match = _match_at(text, end, spelling)
                    if match is not None:
                        candidates.append(match)
        return _resolve(candidates)


def _match_at(text: str, end: int, spelling: _Spelling) -> PlaceMatch | None:
    """Match ``spelling`` against the text ending at ``end``, allowing sound-alikes."""
    start = end - len(spelling.text)
    if start < 0:
        return None
    typos = 0
    typo_at = -1
    for k in range(len(spelling.text) - 1):
        ch, want = text[start + k], spelling.text[k]
        if ch == want or char_sounds(ch) & spelling.sounds[k]:
            continue
        typos += 1
        typo_at = k
        if typos > 1:
            return None
    if typos and (
        len(spelling.text) < _MIN_LEN_FOR_TYPO or not _typo_allowed(text, start, typo_at, spelling)
    ):
        return None
    return PlaceMatch(spelling.place, start, end, text[start:end], typos)


def _typo_allowed(text: str, start: int, k: int, spelling: _Spelling) -> bool:
    """A wrong character is tolerated unless it changes a direction or is not Chinese."""
    said = text[start + k]
    return (
        spelling.text[k] not in _DIRECTIONS
        and said not in _DIRECTIONS
        and "\u4e00" <= said <= "\u9fff"
    )


def _resolve(candidates: list[PlaceMatch]) -> list[PlaceMatch]:
    """Keep the best non-overlapping matches; drop spans two places claim equally well."""
    by_span: dict[tuple[int, int], list[PlaceMatch]] = defaultdict(list)
    for m in candidates:
        by_span[(m.start, m.end)].append(m)
    unique: list[PlaceMatch] = []
    for group in by_span.values():
        best = min(group, key=lambda m: (m.typos, not m.exact))
        rivals = {m.place.name for m in group if (m.typos, m.exact) == (best.typos, best.exact)}
        if len(rivals) == 1:
            unique.append(best)
    unique.sort(key=lambda m: (m.typos, -(m.end - m.start), not m.exact, m.start))
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
        raise GazetteerError(f"{path}: expected a mapping with districts, roads, landmarks")
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
