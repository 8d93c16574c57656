"""The ``minsheng`` command line: process, transcribe, classify, train, models, serve."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from asr.options import BACKENDS
from pipeline.settings import MODELS_DIR, Settings

logger = logging.getLogger("minsheng")


def _emit(obj: dict[str, Any]) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "whisper_model", None):
        overrides["whisper_model"] = args.whisper_model
    if getattr(args, "model", None):
        overrides["classifier_dir"] = Path(args.model)
    if getattr(args, "beam_size", None):
        overrides["whisper_beam_size"] = args.beam_size
    if getattr(args, "backend", None):
        overrides["whisper_backend"] = args.backend
    return Settings(**overrides)


def _for_each_file(
    files: Sequence[str],
    work: Callable[[str], dict[str, Any]],
    as_json: bool,
    summary: Callable[[dict[str, Any]], str],
) -> int:
    """Run ``work`` on each file in its own try/except; one bad file does not stop the batch."""
    failed = 0
    for name in files:
        try:
            result = work(name)
        except Exception as exc:  # report and continue with the next file
            failed += 1
            logger.debug("failed on %s", name, exc_info=True)
            message = str(exc) or type(exc).__name__
            if as_json:
                _emit({"source": name, "error": message})
            else:
                print(f"错误：{name}：{message}", file=sys.stderr)
            continue
        if as_json:
            _emit(result)
        else:
            print(summary(result))
    return 1 if failed else 0


def cmd_process(args: argparse.Namespace) -> int:
    from pipeline.report import draft_summary
    from pipeline.service import Pipeline

    pipeline = Pipeline.from_settings(_settings(args))
    drafts: dict[str, Any] = {}

    def work(name: str) -> dict[str, Any]:
        draft = pipeline.process_file(name, source=name)
        drafts[name] = draft
        return draft.to_json()

    return _for_each_file(args.files, work, args.json, lambda r: draft_summary(drafts[r["source"]]))


def cmd_transcribe(args: argparse.Namespace) -> int:
    from pipeline.service import Pipeline

    pipeline = Pipeline.from_settings(_settings(args))
    if args.dir:
        return _transcribe_folder(pipeline, args)
    if not args.files:
        raise ValueError("请给出录音文件，或用 --dir 指定文件夹 (give files or --dir)")

    def work(name: str) -> dict[str, Any]:
        t = pipeline.transcribe(name)
        return {
            "source": name,
            "text": t.text,
            "language": t.language,
            "duration": round(t.duration, 2),
            "segments": [asdict(s) for s in t.segments],
        }

    def summary(r: dict[str, Any]) -> str:
        return f"== {r['source']}（{r['duration']} 秒）==\n{r['text'] or '（未检测到语音）'}"

    return _for_each_file(args.files, work, args.json, summary)


def _transcribe_folder(pipeline: Any, args: argparse.Namespace) -> int:
    from asr.batch import transcribe_folder

    if not args.out:
        raise ValueError("--dir 需要 --out 输出文件 (JSONL)")
    summary = transcribe_folder(pipeline.transcriber, Path(args.dir), Path(args.out))
    print(
        f"共 {summary.total} 个文件：新转写 {summary.transcribed}，已跳过 {summary.skipped}，"
        f"失败 {summary.failed}",
        file=sys.stderr,
    )
    return 1 if summary.failed else 0


def cmd_classify(args: argparse.Namespace) -> int:
    from pipeline.report import draft_summary
    from pipeline.service import Pipeline

    pipeline = Pipeline.from_settings(_settings(args))
    text = " ".join(args.text)
    draft = pipeline.process_text(text, source="命令行")
    if args.json:
        _emit(draft.to_json())
    else:
        print(draft_summary(draft))
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from classify.registry import Registry
    from classify.taxonomy import Taxonomy
    from classify.tfidf import train_from_tsv

    settings = Settings()
    paths = [Path(p) for p in args.data]
    for p in paths:
        if not p.exists():
            raise ValueError(f"训练数据不存在: {p}")
    taxonomy = Taxonomy.load(settings.taxonomy_path)
    model: Any
    if args.kind in ("bert", "ensemble"):
        from classify.bert.finetune import FinetuneOptions

        tuning = FinetuneOptions(threads=args.threads)
    if args.kind == "bert":
        from classify.bert.finetune import train_from_tsv as train_bert

        model = train_bert(paths, Path(args.base_model), taxonomy, tuning)
    elif args.kind == "ensemble":
        from classify.ensemble import EnsembleOptions
        from classify.ensemble import train_from_tsv as train_ensemble

        model = train_ensemble(paths, Path(args.base_model), taxonomy, EnsembleOptions(bert=tuning))
    else:
        model = train_from_tsv(paths, taxonomy)
    out = Path(args.out)
    model.save(out)
    print(f"模型已保存：{out}")
    if args.register:
        registry = Registry(settings.registry_dir)
        entry = registry.add(out)
        print(f"已登记版本：{entry.version}")
        if args.promote:
            print(_gate_promote(registry, entry.version, None))
    return 0


def _gate_promote(registry: Any, version: str, override_reason: str | None) -> str:
    """Promote through the evaluation gate (frozen set); returns a line for the user."""
    from classify.export import load_frozen_eval
    from classify.gate import check, promote
    from pipeline.classifier import load_model_dir

    settings = Settings()
    decision = check(
        registry,
        version,
        load_frozen_eval(),
        loader=lambda path: load_model_dir(path, settings.taxonomy_path),
    )
    promote(registry, decision, override_reason=override_reason, actor="cli")
    delta = decision.macro_f1_delta
    gain = "" if delta is None else f"（宏平均F1 变化 {delta:+.4f}）"
    return f"当前模型：{version}{gain}"


def cmd_evaluate(args: argparse.Namespace) -> int:
    from pipeline.evaluation import evaluate_model, format_evaluation

    result = evaluate_model(
        Path(args.model), [Path(p) for p in args.data], Settings().taxonomy_path
    )
    if args.json:
        _emit(result)
    else:
        print(format_evaluation(result))
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from classify.gate import rollback
    from classify.registry import Registry

    registry = Registry(Settings().registry_dir)
    if args.action == "list":
        for e in registry.versions():
            mark = "*" if e.champion else " "
            metrics = e.meta.get("metrics", {})
            print(f"{mark} {e.version}\t{e.meta.get('kind', '?')}\t{json.dumps(metrics)}")
        if not registry.versions():
            print("（尚无已登记的模型）")
    elif args.action == "promote":
        if not args.version:
            raise ValueError("promote 需要版本号: minsheng models promote VERSION")
        print(_gate_promote(registry, args.version, args.override_reason))
    elif args.action == "rollback":
        print(f"已回滚到：{rollback(registry, actor='cli', reason=args.override_reason).version}")
    return 0


def cmd_retrain(args: argparse.Namespace) -> int:
    from classify.retrain import format_report, run_retrain

    settings = Settings()
    result, promotion = run_retrain(
        args.corrections,
        registry_dir=settings.registry_dir,
        base_tsv=args.base or [settings.seed_data],
        frozen_eval=args.eval,
        taxonomy_path=settings.taxonomy_path,
        corrections_weight=args.weight,
        promote_if_passed=args.promote,
        override_reason=args.override_reason,
    )
    print(format_report(result))
    if promotion is not None:
        print(f"已设为当前模型：{result.version}")
    return 0


Extension = Callable[[Any], None]


def build_parser(extensions: Sequence[Extension] = ()) -> argparse.ArgumentParser:
    """The argument parser for all sub-commands.

    Args:
        extensions: Callables that add sub-commands to the sub-parsers object; the service
            layer (``api.cli``) adds ``serve``, ``worker`` and the database commands this way,
            so this package never imports ``api``.
    """
    parser = argparse.ArgumentParser(prog="minsheng", description="民声：市民热线语音转工单")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    def audio_cmd(name: str, help_: str, nargs: str = "+") -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.add_argument("files", nargs=nargs, help="recordings (wav, mp3, flac, ogg, m4a, amr)")
        p.add_argument("--json", action="store_true", help="one JSON object per file per line")
        p.add_argument("--whisper-model", help="'base' (embedded) or a CTranslate2 model dir")
        p.add_argument("--beam-size", type=int, help="beam size for decoding")
        p.add_argument("--backend", choices=BACKENDS, help="Whisper implementation")
        return p

    p = audio_cmd("process", "recording -> draft work order")
    p.add_argument("--model", help="classifier model directory (default: registry champion)")
    p.set_defaults(func=cmd_process)
    p = audio_cmd("transcribe", "recording -> transcript", nargs="*")
    p.add_argument("--dir", help="transcribe every recording in a folder (resumable)")
    p.add_argument("--out", help="with --dir: JSONL output file (appended to, resumable)")
    p.set_defaults(func=cmd_transcribe)

    p = sub.add_parser("classify", help="text message -> draft work order")
    p.add_argument("text", nargs="+")
    p.add_argument("--json", action="store_true")
    p.add_argument("--model", help="classifier model directory")
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("train", help="train a classifier from TSV files")
    p.add_argument("--data", nargs="+", required=True, help="TSV: label + text, or label + tokens")
    p.add_argument("--kind", default="tfidf", choices=["tfidf", "bert", "ensemble"])
    p.add_argument("--out", required=True, help="output model directory")
    p.add_argument(
        "--base-model",
        default=str(MODELS_DIR / "inhouse-bert"),
        help="with --kind bert or ensemble: any BERT-family directory (default: the in-house"
        " checkpoint)",
    )
    p.add_argument(
        "--threads", type=int, default=1, help="with --kind bert or ensemble: torch CPU threads"
    )
    p.add_argument("--register", action="store_true", help="add the model to the registry")
    p.add_argument("--promote", action="store_true", help="with --register: make it champion")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="score a model directory on labelled TSV files")
    p.add_argument("--model", required=True, help="trained model directory")
    p.add_argument("--data", nargs="+", required=True, help="TSV: label + text, or label + tokens")
    p.add_argument("--json", action="store_true", help="print the metrics as one JSON object")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("models", help="list / promote / rollback registered models")
    p.add_argument("action", choices=["list", "promote", "rollback"])
    p.add_argument("version", nargs="?")
    p.add_argument("--override-reason", help="promote past a refusing gate; why (recorded)")
    p.set_defaults(func=cmd_models)

    p = sub.add_parser("retrain", help="retrain from exported corrections, gated by evaluation")
    p.add_argument("--corrections", nargs="*", default=[], help="exported TSV (export-training)")
    p.add_argument("--base", nargs="*", help="base training TSV (default: the seed data)")
    p.add_argument("--eval", help="frozen evaluation TSV (default: data/eval/frozen-v1.tsv)")
    p.add_argument("--weight", type=int, default=1, help="how often each correction counts")
    p.add_argument("--promote", action="store_true", help="promote if the gate passes")
    p.add_argument("--override-reason", help="promote even if the gate refuses (recorded)")
    p.set_defaults(func=cmd_retrain)

    for extend in extensions:
        extend(sub)
    return parser


def main(argv: Sequence[str] | None = None, extensions: Sequence[Extension] = ()) -> int:
    """Run the CLI with the pipeline's commands plus any ``extensions``."""
    args = build_parser(extensions).parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        code: int = args.func(args)
    except (ValueError, OSError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
