"""Domain biasing: steer Whisper towards Shijiazhuang place names and hotline vocabulary.

Whisper can be *prompted*: text given as "previous text" makes the words in it, and the script
it is written in, more likely. Two forms are built here from the project's own data files
(``data/gazetteer/shijiazhuang.yaml``: districts, roads, landmarks; ``data/taxonomy.yaml``:
departments):

* :func:`domain_hotwords`: a list of terms for ``TranscribeOptions.hotwords`` (faster-whisper
  puts it before every 30-second window's prompt; the openai-whisper backend carries it the
  same way);
* :func:`domain_prompt`: the same terms in a short simplified-Chinese sentence, for
  ``TranscribeOptions.initial_prompt`` (first window only, then Whisper's own text).

Whisper's prompt holds at most 223 tokens and Chinese characters take one to two tokens each, so
terms are taken in priority order up to ``max_chars`` characters: the hotline's name, the city's
districts (names ending in 区), roads in gazetteer order (major axes first) with one name per
stem (:func:`road_stems`), department short names, then counties and landmarks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from asr.errors import AsrError

logger = logging.getLogger(__name__)

DEFAULT_MAX_CHARS = 100
"""Characters of terms in a prompt: about 140 Whisper tokens, well inside the 223-token limit."""
HOTLINE_TERMS: tuple[str, ...] = ("石家庄", "12345", "市民服务热线")
_SEPARATOR = "、"


class BiasingDataError(AsrError):
    """A gazetteer or taxonomy file is missing or malformed."""


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BiasingDataError(
            f"无法读取领域词表文件 {path}：{exc} (cannot read gazetteer/taxonomy file)"
        ) from exc
    if not isinstance(data, dict):
        raise BiasingDataError(f"领域词表文件 {path} 格式不对：应为 YAML 映射 (not a mapping)")
    return data


def _names(entries: Iterable[Any], *, skip_former: bool = True) -> list[str]:
    names = []
    for entry in entries or []:
        wanted = isinstance(entry, dict) and entry.get("name")
        if wanted and not (skip_former and entry.get("former")):
            names.append(str(entry["name"]))
    return names


def gazetteer_terms(gazetteer_path: Path) -> dict[str, list[str]]:
    """District, road and landmark names (canonical spellings; former names left out)."""
    data = _read_yaml(gazetteer_path)
    return {
        "districts": _names(data.get("districts", [])),
        "roads": _names(data.get("roads", [])),
        "landmarks": _names(data.get("landmarks", [])),
    }


def department_terms(taxonomy_path: Path) -> list[str]:
    """Short department names callers and agents say (first alias, e.g. 城管, 医保局)."""
    departments = _read_yaml(taxonomy_path).get("departments") or {}
    terms = []
    for entry in departments.values():
        aliases = entry.get("aliases") or [] if isinstance(entry, dict) else []
        short = next((a for a in aliases if "/" not in a), None)
        if short:
            terms.append(str(short))
    return terms


_DIRECTED_ROAD = re.compile(r"^(.+?)[东西南北](路|大街|大道|街)$")


def road_stems(roads: Sequence[str]) -> list[str]:
    """Roads without their directional variants: 中山东路 goes when 中山路 is listed.

    Whisper mishears the stem (裕华 -> 域华), rarely the direction, so one name per stem
    carries most of the benefit for a fraction of the prompt.
    """
    listed = set(roads)
    stems = []
    for road in roads:
        match = _DIRECTED_ROAD.match(road)
        if not (match and match.group(1) + match.group(2) in listed):
            stems.append(road)
    return stems


def domain_terms(gazetteer_path: Path, taxonomy_path: Path) -> list[str]:
    """All biasing terms in priority order, without duplicates."""
    places = gazetteer_terms(gazetteer_path)
    urban = [d for d in places["districts"] if d.endswith("区")]
    counties = [d for d in places["districts"] if not d.endswith("区")]
    ordered = [
        *HOTLINE_TERMS,
        *urban,
        *road_stems(places["roads"]),
        *department_terms(taxonomy_path),
        *counties,
        *places["landmarks"],
    ]
    return list(dict.fromkeys(ordered))


def _within_budget(terms: Sequence[str], max_chars: int) -> list[str]:
    chosen: list[str] = []
    used = 0
    for term in terms:
        cost = len(term) + (1 if chosen else 0)
        if used + cost > max_chars:
            break
        chosen.append(term)
        used += cost
    return chosen


def domain_hotwords(
    gazetteer_path: Path, taxonomy_path: Path, *, max_chars: int = DEFAULT_MAX_CHARS
) -> str:
    """Terms for ``TranscribeOptions.hotwords``, e.g. ``"石家庄、12345、市民服务热线、长安区…"``.

    Raises:
        BiasingDataError: A file is missing or not valid YAML.
    """
    chosen = _within_budget(domain_terms(gazetteer_path, taxonomy_path), max_chars)
    logger.debug("hotwords: %d terms, %d characters", len(chosen), sum(map(len, chosen)))
    return _SEPARATOR.join(chosen)


def domain_prompt(
    gazetteer_path: Path, taxonomy_path: Path, *, max_chars: int = DEFAULT_MAX_CHARS
) -> str:
    """A simplified-Chinese sentence naming the terms, for ``TranscribeOptions.initial_prompt``.

    Raises:
        BiasingDataError: A file is missing or not valid YAML.
    """
    frame = "石家庄12345市民服务热线通话记录。涉及：{}。"
    budget = max_chars - len(frame) + 2
    terms = [t for t in domain_terms(gazetteer_path, taxonomy_path) if t not in HOTLINE_TERMS]
    return frame.format(_SEPARATOR.join(_within_budget(terms, budget)))
