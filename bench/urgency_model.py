"""Held-out quality of the urgency model beside the urgency rules, on Whisper transcripts.

Each set of calls in ``data/transcripts/whisper_base_calls.jsonl`` is scored by a model
trained on every other set (transcripts and call scripts of the held-out set left out), as
:func:`classify.urgency_model.held_out` does; the rules (:func:`classify.urgency.detect_urgency`,
the agent's triage counted on mono calls, as the pipeline does) are run on the same text.
The rules were shaped on these very calls, so their figures here are a ceiling, not a
held-out estimate; the model's are held out.

Reports, for each threshold: urgent calls the model flags, routine calls it flags, and
urgent calls flagged by rules or model; the highest score of a routine call; and the urgent
calls the model scores lowest. Output: JSON and a markdown table on stdout; the JSON also
goes to ``bench/results/urgency_model_<UTC time>.json`` (git-ignored).

Usage::

    .venv/bin/python bench/urgency_model.py
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from classify.urgency import detect_urgency
from classify.urgency_model import held_out, load_scripts, load_transcripts

REPO = Path(__file__).resolve().parent.parent
TRANSCRIPTS = REPO / "data" / "transcripts" / "whisper_base_calls.jsonl"
SCRIPTS = REPO / "data" / "calls"
RESULTS = REPO / "bench" / "results"
THRESHOLDS = (0.5, 0.6, 0.65, 0.7, 0.8)


def evaluate(transcripts: Path, scripts: Path) -> dict[str, Any]:
    """The held-out scores and the rules' flags, summarised per threshold."""
    tests = load_transcripts(transcripts)
    files = [
        json.loads(line)["file"]
        for line in transcripts.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    pool = [*tests, *load_scripts(scripts)]
    scores = {id(e): p for e, p in held_out(pool, tests)}
    rows = []
    for example, file in zip(tests, files, strict=True):
        whole = example.text if file.endswith(".wav") else None
        rows.append(
            {
                "set": example.group,
                "file": file,
                "urgent": example.urgent,
                "model": round(scores[id(example)], 4),
                "rules": detect_urgency(example.text, whole_call=whole).urgent,
            }
        )
    urgent = [r for r in rows if r["urgent"]]
    routine = [r for r in rows if not r["urgent"]]
    per_threshold = [
        {
            "threshold": t,
            "model_flags_urgent": sum(r["model"] >= t for r in urgent),
            "model_false_alarms": sum(r["model"] >= t for r in routine),
            "either_flags_urgent": sum(r["model"] >= t or r["rules"] for r in urgent),
            "either_false_alarms": sum(r["model"] >= t or r["rules"] for r in routine),
        }
        for t in THRESHOLDS
    ]
    return {
        "calls": len(rows),
        "urgent": len(urgent),
        "rules_flag_urgent": sum(r["rules"] for r in urgent),
        "rules_false_alarms": sum(r["rules"] for r in routine),
        "max_routine_score": max(r["model"] for r in routine),
        "per_threshold": per_threshold,
        "lowest_urgent": sorted(urgent, key=lambda r: r["model"])[:8],
        "highest_routine": sorted(routine, key=lambda r: -r["model"])[:5],
        "rows": rows,
    }


def markdown(report: dict[str, Any]) -> str:
    """A short table: one line per threshold."""
    n_urgent, n_routine = report["urgent"], report["calls"] - report["urgent"]
    lines = [
        f"{report['calls']} calls ({n_urgent} urgent), held out one set at a time; rules: "
        f"{report['rules_flag_urgent']}/{n_urgent} urgent, {report['rules_false_alarms']} "
        f"false alarms; highest routine score {report['max_routine_score']:.2f}",
        "",
        "| threshold | model: urgent flagged | model: false alarms | rules or model: urgent "
        "| rules or model: false alarms |",
        "| --- | --- | --- | --- | --- |",
    ]
    for t in report["per_threshold"]:
        lines.append(
            f"| {t['threshold']} | {t['model_flags_urgent']}/{n_urgent} "
            f"| {t['model_false_alarms']}/{n_routine} | {t['either_flags_urgent']}/{n_urgent} "
            f"| {t['either_false_alarms']}/{n_routine} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the held-out evaluation and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transcripts", type=Path, default=TRANSCRIPTS)
    parser.add_argument("--scripts", type=Path, default=SCRIPTS)
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results")
    args = parser.parse_args(argv)
    report = evaluate(args.transcripts, args.scripts)
    summary = {k: v for k, v in report.items() if k != "rows"}
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    print()
    print(markdown(report))
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        out = RESULTS / f"urgency_model_{stamp}.json"
        out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
