"""Benchmark the speech-recognition stage: CER, real-time factor and peak memory.

Reads the development clips listed in ``../shared/data/asr/manifest.tsv`` (columns
``filename``, ``reference_transcript``, ...) at run time, transcribes each with
:class:`asr.Transcriber`, scores with :func:`asr.textnorm.character_error_rate` (simplified,
no punctuation, Arabic numbers spelt out) and writes one JSON file per run to
``bench/results/``, then prints a markdown table.

Usage::

    .venv/bin/python bench/asr_bench.py                       # default options
    .venv/bin/python bench/asr_bench.py --preset default --preset prompt
    .venv/bin/python bench/asr_bench.py --beam-size 1 --compute-type int8_float32
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import logging
import multiprocessing
import resource
import sys
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asr import AudioError, TranscribeOptions, Transcriber
from asr.textnorm import edit_distance, normalize_for_scoring

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "asr"
RESULTS = REPO / "bench" / "results"
PROMPT = "以下是普通话的句子。"

PRESETS: dict[str, dict[str, Any]] = {
    "default": {},
    "prompt": {"initial_prompt": PROMPT},
    "no_condition": {"condition_on_previous_text": False},
    "prompt_no_condition": {"initial_prompt": PROMPT, "condition_on_previous_text": False},
    "greedy": {"beam_size": 1},
    "float32": {"compute_type": "float32"},
    "no_vad": {"vad_filter": False},
    "vad_fw_defaults": {"vad_threshold": 0.5, "vad_speech_pad_ms": 400},
    "vad_500ms": {"vad_min_silence_ms": 500},
    "prompt_float32": {"initial_prompt": PROMPT, "compute_type": "float32"},
}


@dataclass
class ClipResult:
    """Score of one clip."""

    filename: str
    duration: float
    seconds: float
    reference: str
    hypothesis: str
    edits: int
    ref_chars: int

    @property
    def cer(self) -> float:
        return self.edits / self.ref_chars


def read_manifest(data_dir: Path) -> list[tuple[str, str]]:
    """(filename, reference) pairs from ``manifest.tsv``."""
    manifest = data_dir / "manifest.tsv"
    if not manifest.is_file():
        sys.exit(
            f"找不到评测数据 {manifest}：需要 ../shared/data/asr (manifest.tsv and clips); "
            "pass --data-dir"
        )
    with manifest.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [(row["filename"], row["reference_transcript"]) for row in rows]


def run_clips(transcriber: Transcriber, data_dir: Path) -> list[ClipResult]:
    """Transcribe and score every clip of the manifest; a bad file is reported and skipped."""
    results = []
    for filename, reference in read_manifest(data_dir):
        start = time.perf_counter()
        try:
            transcript = transcriber.transcribe(data_dir / filename)
        except AudioError as exc:
            logging.error("skipping %s: %s", filename, exc)
            continue
        elapsed = time.perf_counter() - start
        ref, hyp = normalize_for_scoring(reference), normalize_for_scoring(transcript.text)
        results.append(
            ClipResult(
                filename,
                transcript.duration,
                elapsed,
                reference,
                transcript.text,
                edit_distance(ref, hyp),
                len(ref),
            )
        )
    return results


def summarise(name: str, options: TranscribeOptions, clips: list[ClipResult], load_s: float):
    """The JSON-ready summary of one run."""
    audio = sum(c.duration for c in clips)
    busy = sum(c.seconds for c in clips)
    return {
        "name": name,
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(options).items()},
        "clips": len(clips),
        "cer": sum(c.edits for c in clips) / sum(c.ref_chars for c in clips),
        "mean_clip_cer": sum(c.cer for c in clips) / len(clips),
        "rtf": busy / audio,
        "audio_s": round(audio, 2),
        "model_load_s": round(load_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "per_clip": [{**asdict(c), "cer": round(c.cer, 4)} for c in clips],
    }


def run_isolated(name: str, options: TranscribeOptions, data_dir: Path) -> dict:
    """One benchmark run in a fresh process, so that its peak RSS is its own."""
    start = time.perf_counter()
    transcriber = Transcriber(options)
    load_s = time.perf_counter() - start
    return summarise(name, options, run_clips(transcriber, data_dir), load_s)


def markdown(summaries: list[dict]) -> str:
    """A small markdown table of the runs."""
    lines = [
        "| run | CER | mean clip CER | RTF | peak RSS MB | beam | compute | prompt | cond. prev |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for s in summaries:
        o = s["options"]
        lines.append(
            f"| {s['name']} | {s['cer']:.3f} | {s['mean_clip_cer']:.3f} | {s['rtf']:.3f} "
            f"| {s['peak_rss_mb']:.0f} | {o['beam_size']} | {o['compute_type']} "
            f"| {o['initial_prompt'] or '-'} | {o['condition_on_previous_text']} |"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out-dir", type=Path, default=RESULTS)
    parser.add_argument("--preset", action="append", choices=sorted(PRESETS))
    parser.add_argument("--model", default=None, help="model directory or 'base'")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--cpu-threads", type=int, default=2)
    parser.add_argument("--initial-prompt", default=None)
    parser.add_argument("--no-vad", action="store_true")
    parser.add_argument(
        "--no-condition", action="store_true", help="condition_on_previous_text=False"
    )
    parser.add_argument("--show", action="store_true", help="print each clip's hypothesis")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    base = TranscribeOptions(
        model=args.model,
        beam_size=args.beam_size,
        compute_type=args.compute_type,
        cpu_threads=args.cpu_threads,
        initial_prompt=args.initial_prompt,
        vad_filter=not args.no_vad,
        condition_on_previous_text=not args.no_condition,
    )
    runs = [(name, replace(base, **PRESETS[name])) for name in args.preset or []] or [
        ("custom", base)
    ]
    args.out_dir.mkdir(parents=True, exist_ok=True)
    summaries = []
    spawn = multiprocessing.get_context("spawn")
    for name, options in runs:
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=spawn) as pool:
            summary = pool.submit(run_isolated, name, options, args.data_dir).result()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        (args.out_dir / f"asr_{name}_{stamp}.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        summaries.append(summary)
        if args.show:
            for clip in summary["per_clip"]:
                print(f"{clip['cer']:.3f} {clip['filename']}: {clip['hypothesis']}")
    print(markdown(summaries))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
