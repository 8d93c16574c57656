"""Score phone numbers, addresses and urgency of pipeline outputs against the calls' truth.

Input is a JSONL file with one pipeline output per line, as ``minsheng process --json``
writes it (``source``, ``transcript`` with ``text`` and ``segments``, ``entities``,
``urgent``). Each line is matched to ``<id>.truth.json`` (``id`` is the recording's file name
up to the first dot, so ``gas_leak_01.stereo.flac`` is ``gas_leak_01``), looked up in
``--truth-dir`` (default ``data/calls``) and then next to the recording.

By default the entities and urgency stored in the JSONL are scored (what the pipeline gave
when it ran). With ``--reextract`` they are computed again from the transcript with the
current code, from the caller's words as the pipeline takes them (the caller's segments of a
two-channel call, else the whole text).

Per call and in total it reports:

- ``phone``: the first phone number (the one a ticket gets) equals the truth;
- ``address``: the first address equals the truth's canonical address exactly;
- ``address_loose``: the same, except that the compound name (小区 and the like, free text
  that Whisper garbles: 金百小区 for 金柏小区) only has to sound alike: same length, and at
  most one character wrong or two near-sounding (see :mod:`classify.phonetic`);
- ``address_core``: the first address starts with the truth's district, road and house
  number (for a village address without a number, with everything up to its 村), as
  written: the part a dispatcher needs to send someone;
- ``urgent``: the urgency flag equals the truth; totals also count urgent calls flagged and
  routine calls flagged (false alarms);
- ``top``, ``sub``, ``department``: the stored category's top level, sub-category code and
  department equal the truth (stored outputs only: ``--reextract`` does not classify).

Output: the JSON report and a markdown table on stdout; the JSON also goes to
``bench/results/entities_<name>_<UTC time>.json`` (git-ignored).

Usage::

    .venv/bin/python bench/entities_eval.py /tmp/asr_outputs_round1.jsonl --name round1
    .venv/bin/python bench/entities_eval.py /tmp/asr_outputs_round1.jsonl --reextract
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asr.types import Segment, Transcript
from classify.entities import extract_entities, parse_addresses
from classify.entities.numerals import number_to_arabic
from classify.phonetic import char_sounds, main_sound, near, phrase_sounds
from classify.urgency import detect_urgency

REPO = Path(__file__).resolve().parent.parent
CALLS = REPO / "data" / "calls"
RESULTS = REPO / "bench" / "results"
# How far two compound names may sound apart and still be "the same" for address_loose.
_MAX_COMPOUND_COST = 1.0
# The core of a canonical address: up to the house number, or up to the village.
_CORE_RE = re.compile(r"^(.*?\d+号)(?!楼)")
_VILLAGE_RE = re.compile(r"^(.*?村)")
# A number in Chinese numerals before 号, 号楼, 单元, 栋, 楼 or 室.
_CHINESE_NUMBER_RE = re.compile(r"([零〇一二两三四五六七八九十百千]+)(?=号|单元|栋|楼|室)")
# 和 or 跟 joining the two roads of a junction.
_JUNCTION_JOINER_RE = re.compile(r"(?<=[路街道])[和跟](?=[^，,]{2,8}交叉口)")


def transcript_of(transcript: dict[str, Any]) -> Transcript:
    """A transcript as the CLI's JSON gives it, back as :class:`asr.types.Transcript`."""
    segments = [
        Segment(
            float(s.get("start", 0.0)),
            float(s.get("end", 0.0)),
            str(s.get("text", "")),
            str(s.get("speaker", "")),
        )
        for s in transcript.get("segments") or []
    ]
    return Transcript(text=str(transcript.get("text", "")), segments=segments)


def caller_text(transcript: dict[str, Any]) -> str:
    """The caller's words, as ``asr.types.Transcript.caller_text`` gives them."""
    return transcript_of(transcript).caller_text


def find_truth(source: str, truth_dirs: list[Path]) -> dict[str, Any] | None:
    """The truth JSON of the call recorded in ``source``, or None when there is none."""
    call_id = Path(source).name.split(".")[0]
    for folder in [*truth_dirs, Path(source).parent]:
        path = folder / f"{call_id}.truth.json"
        if path.is_file():
            return dict(json.loads(path.read_text(encoding="utf-8")))
    return None


def compound_cost(said: str, truth: str) -> float:
    """1 per character that does not sound alike, 0.5 per near one; inf if lengths differ."""
    if len(said) != len(truth):
        return float("inf")
    cost = 0.0
    for s, t, usual in zip(said, truth, phrase_sounds(truth), strict=True):
        if s == t or char_sounds(s) & char_sounds(t):
            continue
        cost += 0.5 if near(main_sound(s), usual) else 1.0
    return cost


def same_address_loosely(said: str, truth: str) -> bool:
    """Every part equal except the compound name, which need only sound alike.

    Only the truth is parsed (it is canonical); the said string must begin with the truth's
    district, road and number and end with its building, as written.
    """
    if said == truth:
        return True
    parsed = parse_addresses(truth)
    if len(parsed) != 1 or parsed[0].text != truth or not parsed[0].compound:
        return False
    district, road, number, compound, building = parsed[0].parts()
    head = district + road + number
    if not said.startswith(head) or not said.endswith(building):
        return False
    middle = said[len(head) : len(said) - len(building)]
    return compound_cost(middle, compound) <= _MAX_COMPOUND_COST


def canonical_truth(truth: str) -> str:
    """A truth address as the extractor writes it: a junction joined by 与 and numbers in
    Arabic digits (call scripts also write 槐安东路和体育南大街交叉口, 三百零六号, 十二号楼)."""
    truth = _JUNCTION_JOINER_RE.sub("与", truth)
    return _CHINESE_NUMBER_RE.sub(lambda m: number_to_arabic(m.group(1)), truth)


def address_core(truth: str) -> str:
    """District, road and house number of a canonical address (up to 村 for a village)."""
    truth = canonical_truth(truth)
    m = _CORE_RE.match(truth) or _VILLAGE_RE.match(truth)
    return m.group(1) if m else truth


def score_line(record: dict[str, Any], truth: dict[str, Any], reextract: bool) -> dict[str, Any]:
    """Per-call result for one pipeline output."""
    if reextract:
        transcript = transcript_of(record.get("transcript") or {})
        text = transcript.caller_text
        entities = extract_entities(text, agent_text=transcript.agent_text)
        phones, addresses = entities.phones, entities.addresses
        urgent = detect_urgency(text, whole_call=transcript.text).urgent
    else:
        stored = record.get("entities") or {}
        phones, addresses = list(stored.get("phones", [])), list(stored.get("addresses", []))
        urgent = bool(record.get("urgent"))
    phone = phones[0] if phones else ""
    address = addresses[0] if addresses else ""
    truth_address = canonical_truth(truth["address"])
    category = record.get("category") or {}
    return {
        "source": record.get("source", ""),
        "id": truth["id"],
        "top": bool(category) and category.get("top") == truth.get("top"),
        "sub": bool(category) and category.get("code") == truth.get("code"),
        "department": bool(record.get("department"))
        and record.get("department") == truth.get("department"),
        "phone": phone == truth["phone"],
        "address": address == truth_address,
        "address_loose": bool(address) and same_address_loosely(address, truth_address),
        "address_core": bool(address) and address.startswith(address_core(truth_address)),
        "urgent": urgent == truth["urgent"],
        "truth_urgent": bool(truth["urgent"]),
        "flagged": urgent,
        "said_phone": phone,
        "truth_phone": truth["phone"],
        "said_address": address,
        "truth_address": truth["address"],
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals over all calls."""
    urgent = [r for r in rows if r["truth_urgent"]]
    routine = [r for r in rows if not r["truth_urgent"]]
    return {
        "calls": len(rows),
        "top": sum(r["top"] for r in rows),
        "sub": sum(r["sub"] for r in rows),
        "department": sum(r["department"] for r in rows),
        "phone": sum(r["phone"] for r in rows),
        "address_core": sum(r["address_core"] for r in rows),
        "address": sum(r["address"] for r in rows),
        "address_loose": sum(r["address_loose"] for r in rows),
        "urgent_correct": sum(r["urgent"] for r in rows),
        "urgent_calls": len(urgent),
        "urgent_flagged": sum(r["flagged"] for r in urgent),
        "false_alarms": sum(r["flagged"] for r in routine),
    }


def markdown(rows: list[dict[str, Any]], totals: dict[str, Any]) -> str:
    """Per-call markdown table and a totals line."""
    mark = {True: "✓", False: "✗"}
    lines = [
        "| call | top | sub | dept | phone | address core | loose | exact | urgent "
        "| said phone | said address |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {Path(r['source']).name} | {mark[r['top']]} | {mark[r['sub']]} "
            f"| {mark[r['department']]} | {mark[r['phone']]} | {mark[r['address_core']]} "
            f"| {mark[r['address_loose']]} | {mark[r['address']]} | {mark[r['urgent']]} "
            f"| {r['said_phone'] or '-'} | {r['said_address'] or '-'} |"
        )
    n = totals["calls"]
    lines.append(
        f"| **total ({n})** | {totals['top']}/{n} | {totals['sub']}/{n} "
        f"| {totals['department']}/{n} | {totals['phone']}/{n} | {totals['address_core']}/{n} "
        f"| {totals['address_loose']}/{n} | {totals['address']}/{n} "
        f"| flagged {totals['urgent_flagged']}/{totals['urgent_calls']}, "
        f"false alarms {totals['false_alarms']} | | |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Score a JSONL of pipeline outputs and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("jsonl", type=Path, help="pipeline outputs, one JSON per line")
    parser.add_argument("--truth-dir", type=Path, action="append", help="default: data/calls")
    parser.add_argument("--reextract", action="store_true", help="recompute from transcripts")
    parser.add_argument("--name", help="name in the results file (default: the JSONL's stem)")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results")
    args = parser.parse_args(argv)
    truth_dirs = args.truth_dir or [CALLS]
    rows: list[dict[str, Any]] = []
    missing: list[str] = []
    for line in args.jsonl.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        truth = find_truth(str(record.get("source", "")), truth_dirs)
        if truth is None:
            missing.append(str(record.get("source", "")))
            continue
        rows.append(score_line(record, truth, args.reextract))
    if not rows:
        print(f"没有可评分的通话（找不到真值文件：{missing}）", file=sys.stderr)
        return 1
    totals = summarise(rows)
    name = args.name or args.jsonl.stem
    report = {
        "name": name,
        "input": str(args.jsonl),
        "reextract": args.reextract,
        "totals": totals,
        "missing_truth": missing,
        "calls": rows,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    print()
    print(markdown(rows, totals))
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        mode = "reextract" if args.reextract else "stored"
        out = RESULTS / f"entities_{name}_{mode}_{stamp}.json"
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
