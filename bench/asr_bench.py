"""Benchmark the speech-recognition stage: CER, place names, real-time factor, memory, speed.

Data, read at run time and never copied into the repository:

* ``dev``: the clips of ``../shared/data/asr/manifest.tsv`` (reference transcripts);
* ``calls``: the committed synthetic hotline calls ``data/calls/*.wav`` with
  ``*.truth.json`` (reference = every turn in time order; place names = the districts and
  roads of the gazetteer found in the true address).

Modes (each run is a fresh spawned process, so its peak RSS is its own; JSON per run goes to
``bench/results/``, a markdown table to stdout)::

    .venv/bin/python bench/asr_bench.py                                # default options, dev
    .venv/bin/python bench/asr_bench.py --preset default --preset hotwords --set dev --set calls
    .venv/bin/python bench/asr_bench.py --backend openai-whisper --beam-size 1
    .venv/bin/python bench/asr_bench.py --matrix        # both backends x int8/float32 x beam 1/5
    .venv/bin/python bench/asr_bench.py --agreement     # greedy, no VAD: do the backends agree?
    .venv/bin/python bench/asr_bench.py --speed data/calls/fire_hazard_01.wav   # whole processes
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import logging
import multiprocessing
import re
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from asr import AudioError, TranscribeOptions, Transcriber
from asr.biasing import domain_hotwords, domain_prompt
from asr.postprocess import to_simplified
from asr.textnorm import edit_distance, normalize_for_scoring

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "asr"
CALLS = REPO / "data" / "calls"
GAZETTEER = REPO / "data" / "gazetteer" / "shijiazhuang.yaml"
TAXONOMY = REPO / "data" / "taxonomy.yaml"
RESULTS = REPO / "bench" / "results"
PROMPT = "以下是普通话的句子。"
GREEDY_EXACT = {"beam_size": 1, "temperature": (0.0,), "vad_filter": False}

PRESETS: dict[str, dict[str, Any]] = {
    "default": {},
    "prompt": {"initial_prompt": PROMPT},
    "no_condition": {"condition_on_previous_text": False},
    "greedy": {"beam_size": 1},
    "float32": {"compute_type": "float32"},
    "no_vad": {"vad_filter": False},
    "vad_fw_defaults": {"vad_threshold": 0.5, "vad_speech_pad_ms": 400},
    "openai": {"backend": "openai-whisper"},
    "openai_greedy": {"backend": "openai-whisper", "beam_size": 1},
    "hotwords": {"hotwords": "<domain>"},
    "domain_prompt": {"initial_prompt": "<domain>"},
}
MATRIX = [
    ("fw_int8_b1", {"compute_type": "int8", "beam_size": 1}),
    ("fw_int8_b5", {"compute_type": "int8", "beam_size": 5}),
    ("fw_f32_b1", {"compute_type": "float32", "beam_size": 1}),
    ("fw_f32_b5", {"compute_type": "float32", "beam_size": 5}),
    ("ow_f32_b1", {"backend": "openai-whisper", "compute_type": "float32", "beam_size": 1}),
    ("ow_f32_b5", {"backend": "openai-whisper", "compute_type": "float32", "beam_size": 5}),
]


@dataclass
class Item:
    """One recording to score."""

    set: str
    path: Path
    reference: str
    places: list[str]


@dataclass
class ItemResult:
    """Score of one recording."""

    set: str
    filename: str
    duration: float
    seconds: float
    reference: str
    hypothesis: str
    edits: int
    ref_chars: int
    places: list[str]
    places_found: list[str]


def dev_items(data_dir: Path) -> list[Item]:
    """The shared development clips (exits with a clear message when absent)."""
    manifest = data_dir / "manifest.tsv"
    if not manifest.is_file():
        sys.exit(f"找不到评测数据 {manifest}：需要 ../shared/data/asr (pass --data-dir)")
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [Item("dev", data_dir / r["filename"], r["reference_transcript"], []) for r in rows]


def place_names(address: str) -> list[str]:
    """Gazetteer districts and roads named in ``address`` (longest names only)."""
    gazetteer = yaml.safe_load(GAZETTEER.read_text(encoding="utf-8"))
    names = [e["name"] for kind in ("districts", "roads") for e in gazetteer.get(kind, [])]
    found = [n for n in names if n in address]
    return [n for n in found if not any(n != m and n in m for m in found)]


def call_items() -> list[Item]:
    """The committed sample calls with their truth files."""
    items = []
    for truth_path in sorted(CALLS.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        turns = sorted(truth["turns"], key=lambda t: t["start"])
        reference = "".join(t["text"] for t in turns)
        places = place_names(truth.get("address") or "")
        items.append(Item("calls", CALLS / truth["file"], reference, places))
    if not items:
        sys.exit(f"没有样例通话 {CALLS}/*.truth.json (no sample calls)")
    return items


def _plain(text: str) -> str:
    return re.sub(r"\W", "", to_simplified(text))


def run_items(transcriber: Transcriber, items: list[Item]) -> list[ItemResult]:
    """Transcribe and score every item; a bad file is reported and skipped."""
    results = []
    for item in items:
        start = time.perf_counter()
        try:
            transcript = transcriber.transcribe(item.path)
        except AudioError as exc:
            logging.error("skipping %s: %s", item.path.name, exc)
            continue
        elapsed = time.perf_counter() - start
        ref, hyp = normalize_for_scoring(item.reference), normalize_for_scoring(transcript.text)
        found = [p for p in item.places if p in _plain(transcript.text)]
        results.append(
            ItemResult(
                item.set,
                item.path.name,
                transcript.duration,
                elapsed,
                item.reference,
                transcript.text,
                edit_distance(ref, hyp),
                len(ref),
                item.places,
                found,
            )
        )
    return results


def _set_summary(results: list[ItemResult]) -> dict[str, Any]:
    places = sum(len(r.places) for r in results)
    return {
        "items": len(results),
        "cer": sum(r.edits for r in results) / max(1, sum(r.ref_chars for r in results)),
        "mean_item_cer": sum(r.edits / r.ref_chars for r in results) / max(1, len(results)),
        "places": places,
        "place_accuracy": (sum(len(r.places_found) for r in results) / places) if places else None,
    }


def summarise(name: str, options: TranscribeOptions, results: list[ItemResult], load_s: float):
    """The JSON-ready summary of one run."""
    audio = sum(r.duration for r in results)
    sets = sorted({r.set for r in results})
    return {
        "name": name,
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(options).items()},
        "sets": {s: _set_summary([r for r in results if r.set == s]) for s in sets},
        "rtf": sum(r.seconds for r in results) / audio if audio else None,
        "audio_s": round(audio, 2),
        "model_load_s": round(load_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "per_item": [asdict(r) for r in results],
    }


def run_isolated(name: str, options: TranscribeOptions, items: list[Item]) -> dict:
    """One benchmark run in a fresh process, so that its peak RSS is its own."""
    start = time.perf_counter()
    transcriber = Transcriber(options)
    load_s = time.perf_counter() - start
    return summarise(name, options, run_items(transcriber, items), load_s)


def markdown(summaries: list[dict]) -> str:
    """A markdown table of the runs."""
    sets = sorted({s for summary in summaries for s in summary["sets"]})
    head = "| run | backend | compute | beam | " + " | ".join(
        f"{s} CER | {s} places" if s == "calls" else f"{s} CER" for s in sets
    )
    head += " | RTF | peak RSS MB |"
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for summary in summaries:
        o, cells = summary["options"], []
        for s in sets:
            r = summary["sets"].get(s)
            cells.append(f"{r['cer']:.3f}" if r else "-")
            if s == "calls":
                acc = r and r["place_accuracy"]
                cells.append(f"{acc:.2f} ({r['places']})" if acc is not None else "-")
        lines.append(
            f"| {summary['name']} | {o['backend']} | {o['compute_type']} | {o['beam_size']} | "
            + " | ".join(cells)
            + f" | {summary['rtf']:.3f} | {summary['peak_rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def _resolve_domain(overrides: dict[str, Any]) -> dict[str, Any]:
    resolved = dict(overrides)
    if resolved.get("hotwords") == "<domain>":
        resolved["hotwords"] = domain_hotwords(GAZETTEER, TAXONOMY)
    if resolved.get("initial_prompt") == "<domain>":
        resolved["initial_prompt"] = domain_prompt(GAZETTEER, TAXONOMY)
    return resolved


def run_many(runs: list[tuple[str, TranscribeOptions]], items: list[Item], out_dir: Path):
    """Run each configuration in its own process; write and return the summaries."""
    out_dir.mkdir(parents=True, exist_ok=True)
    summaries, spawn = [], multiprocessing.get_context("spawn")
    for name, options in runs:
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=spawn) as pool:
            summary = pool.submit(run_isolated, name, options, items).result()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        (out_dir / f"asr_{name}_{stamp}.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        summaries.append(summary)
    return summaries


def agreement(base: TranscribeOptions, items: list[Item], out_dir: Path) -> int:
    """Greedy, no-VAD, float32 transcripts of both backends: exact equality and CER between."""
    options = replace(base, compute_type="float32", **GREEDY_EXACT)
    runs = [
        (f"agree_{b}", replace(options, backend=b)) for b in ("faster-whisper", "openai-whisper")
    ]
    fast, ref = (s["per_item"] for s in run_many(runs, items, out_dir))
    equal = edits = chars = 0
    for a, b in zip(fast, ref, strict=True):
        reference = normalize_for_scoring(b["hypothesis"])  # openai-whisper as the reference
        edits += edit_distance(reference, normalize_for_scoring(a["hypothesis"]))
        chars += max(1, len(reference))
        equal += a["hypothesis"] == b["hypothesis"]
        if a["hypothesis"] != b["hypothesis"]:
            print(f"differs: {a['filename']}\n  fw: {a['hypothesis']}\n  ow: {b['hypothesis']}")
    print(
        f"exact equality {equal}/{len(fast)} ({equal / len(fast):.0%}); "
        f"CER(faster-whisper vs openai-whisper) {edits / chars:.4f}"
    )
    return 0


_ONCE = """
import json, sys, time
t0 = time.perf_counter()
from asr import TranscribeOptions, Transcriber
tr = Transcriber(TranscribeOptions(backend=sys.argv[2], cpu_threads=int(sys.argv[3])))
t1 = time.perf_counter()
text = tr.transcribe(sys.argv[1]).text
t2 = time.perf_counter()
print(json.dumps({"import_load_s": t1 - t0, "transcribe_s": t2 - t1, "text": text}))
"""


def speed(path: Path, cpu_threads: int, repeat: int) -> int:
    """Time whole processes (start, imports, model load, transcription) of both backends."""
    from asr.textnorm import character_error_rate

    rows: dict[str, list[dict[str, Any]]] = {}
    for _ in range(repeat):
        for backend in ("faster-whisper", "openai-whisper"):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", _ONCE, str(path), backend, str(cpu_threads)],
                capture_output=True,
                text=True,
                check=True,
                cwd=REPO,
            )
            row = json.loads(done.stdout.strip().splitlines()[-1])
            rows.setdefault(backend, []).append({**row, "process_s": time.perf_counter() - start})
    best = {b: min(r, key=lambda x: x["process_s"]) for b, r in rows.items()}
    fw, ow = best["faster-whisper"], best["openai-whisper"]
    for backend, row in best.items():
        print(
            f"{backend}: process {row['process_s']:.1f} s (imports+load {row['import_load_s']:.1f}"
            f" s, transcription {row['transcribe_s']:.1f} s)\n  {row['text']}"
        )
    print(
        f"speed-up (whole process): {ow['process_s'] / fw['process_s']:.2f}x; "
        f"transcription only: {ow['transcribe_s'] / fw['transcribe_s']:.2f}x; "
        f"CER between transcripts: {character_error_rate(ow['text'], fw['text']):.3f}"
    )
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out-dir", type=Path, default=RESULTS)
    parser.add_argument("--set", action="append", choices=["dev", "calls"], dest="sets")
    parser.add_argument("--preset", action="append", choices=sorted(PRESETS))
    parser.add_argument("--matrix", action="store_true", help="both backends, int8/f32, beam 1/5")
    parser.add_argument("--agreement", action="store_true", help="greedy backends, compared")
    parser.add_argument("--speed", type=Path, metavar="FILE", help="time whole processes")
    parser.add_argument("--repeat", type=int, default=1, help="--speed: runs per backend")
    parser.add_argument("--backend", default="faster-whisper")
    parser.add_argument("--model", default=None, help="model directory or 'base'")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--cpu-threads", type=int, default=2)
    parser.add_argument("--initial-prompt", default=None)
    parser.add_argument("--no-vad", action="store_true")
    parser.add_argument("--show", action="store_true", help="print each hypothesis")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.speed:
        return speed(args.speed, args.cpu_threads, args.repeat)
    base = TranscribeOptions(
        backend=args.backend,
        model=args.model,
        beam_size=args.beam_size,
        compute_type=args.compute_type,
        cpu_threads=args.cpu_threads,
        initial_prompt=args.initial_prompt,
        vad_filter=not args.no_vad,
    )
    sets = args.sets or ["dev"]
    items = (dev_items(args.data_dir) if "dev" in sets else []) + (
        call_items() if "calls" in sets else []
    )
    if args.agreement:
        return agreement(base, items, args.out_dir)
    if args.matrix:
        runs = [(name, replace(base, **overrides)) for name, overrides in MATRIX]
    else:
        chosen = args.preset or []
        runs = [(n, replace(base, **_resolve_domain(PRESETS[n]))) for n in chosen] or [
            ("custom", base)
        ]
    summaries = run_many(runs, items, args.out_dir)
    if args.show:
        for summary in summaries:
            for r in summary["per_item"]:
                cer = r["edits"] / r["ref_chars"]
                print(f"{summary['name']} {cer:.3f} {r['filename']}: {r['hypothesis']}")
    print(markdown(summaries))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
