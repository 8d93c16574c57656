"""Pretrain the in-house compact Chinese character BERT (masked LM, whole-word masking).

Reads the corpus in ``../shared/data/corpus`` and the project's seed texts, trains on CPU and
saves model + tokenizer (safetensors) plus ``MODEL_CARD.md`` into ``models/inhouse-bert``.
Resumable: run again with ``--resume`` and the same ``--run-dir``.

Example (what produced ``models/inhouse-bert``)::

    nohup nice -n 10 .venv/bin/python scripts/pretrain_bert.py \
        --run-dir ~/.cache/minsheng/bert-pretrain --time-budget-minutes 60 --threads 1 &
"""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import sys
from pathlib import Path

from classify.bert.corpus import CorpusError, read_corpus_dir, read_tsv_texts
from classify.bert.pretrain import (
    SUMMARY_FILE,
    PretrainError,
    PretrainOptions,
    PretrainResult,
    pretrain,
)
from classify.bert.vocab import count_chars

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "corpus"
DEFAULT_SEED = ROOT / "data" / "seed" / "seed.tsv"
DEFAULT_OUT = ROOT / "models" / "inhouse-bert"
INT_OPTIONS = (
    "layers",
    "hidden",
    "heads",
    "intermediate",
    "max_position",
    "max_chars",
    "batch_tokens",
    "warmup_steps",
    "checkpoint_every",
    "eval_every",
    "log_every",
    "eval_chunks",
    "min_count",
    "vocab_size",
    "seed",
)
DEFAULT_RUN_DIR = Path.home() / ".cache" / "minsheng" / "bert-pretrain"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = PretrainOptions()
    p = argparse.ArgumentParser(description="预训练自有中文字级 BERT（整词掩码）")
    p.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--seed-tsv", type=Path, default=DEFAULT_SEED, help="项目种子数据（label+text）")
    p.add_argument("--run-dir", type=Path, default=DEFAULT_RUN_DIR, help="检查点与日志目录")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="最终模型目录")
    p.add_argument("--resume", action="store_true", help="从 run-dir 的检查点继续")
    p.add_argument(
        "--init-from",
        type=Path,
        default=None,
        help="从已有预训练模型目录的权重与词表开始新一轮预训练（新的优化器与学习率计划）",
    )
    p.add_argument("--card-only", action="store_true", help="只根据已有结果重写 MODEL_CARD.md")
    p.add_argument("--max-steps", type=int, default=None)
    p.add_argument(
        "--time-budget-minutes",
        type=float,
        default=defaults.time_budget_minutes,
        help="训练总时长上限（含续训）；0 表示只按 --max-steps",
    )
    p.add_argument("--threads", type=int, default=defaults.threads)
    p.add_argument("--max-mb", type=float, default=25.0, help="超过此大小则以 fp16 保存")
    for name in INT_OPTIONS:
        p.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name))
    p.add_argument("--lr", type=float, default=defaults.lr)
    return p.parse_args(argv)


def options_from_args(args: argparse.Namespace) -> PretrainOptions:
    names = set(PretrainOptions.__dataclass_fields__)
    values = {k: v for k, v in vars(args).items() if k in names}
    values["time_budget_minutes"] = values["time_budget_minutes"] or None  # 0: steps only
    return PretrainOptions(**values)


def write_model_card(result: PretrainResult, commands: list[str], distinct_chars: int) -> Path:
    """``MODEL_CARD.md`` next to the weights: data, size, steps, held-out MLM accuracy."""
    heldout, options = result.heldout, result.options
    stages = ""
    total_minutes = round(result.elapsed_minutes + result.minutes_before, 2)
    if result.init_from:
        stages = (
            f", continuing from the weights of an earlier stage of {result.steps_before:,} steps"
            f" ({result.minutes_before} min): {result.steps + result.steps_before:,} steps and"
            f" {total_minutes} min in all"
        )
    text = f"""# inhouse-bert: compact Chinese character BERT (masked LM)

Pretrained in this project on CPU, because no pretrained Chinese BERT can be downloaded here.
Any Hugging Face BERT-family directory (bert-base-chinese, hfl/chinese-roberta-wwm-ext, rbt3)
can replace it in `classify.bert.finetune`.

## Model
- Architecture: `BertForMaskedLM`, {options.layers} layers, hidden {options.hidden},
  {options.heads} heads, intermediate {options.intermediate}, max positions
  {options.max_position}, input/output embeddings tied.
- Parameters: {result.parameters:,}; weights {result.dtype} safetensors; directory
  {result.size_mb} MB.
- Tokenizer: `BertTokenizerFast` over `vocab.txt` ({result.vocab_size} tokens: [PAD] [UNK]
  [CLS] [SEP] [MASK], characters with count >= {options.min_count} plus every character of the
  seed set, ASCII letters and digits alone and as `##` pieces), one token per Chinese
  character, lower-cased. The corpus holds only {distinct_chars:,} distinct characters
  (Chinese, punctuation, symbols), so a larger vocabulary would only add untrained tokens.
- Texts are normalised before tokenising (NFKC, traditional -> simplified with OpenCC;
  `classify.bert.corpus.normalize_text`).

## Data
- `../shared/data/corpus/*` (TipDM 2020 citizen messages and official replies, TNEWS titles,
  THUCNews articles, hotel / take-away / online-shopping reviews; see its README) and the text
  of `data/seed/seed.tsv`. Nothing of it is stored in this repository.
- Texts cut into chunks of <= {options.max_chars} characters at sentence ends, duplicates
  removed: {result.n_train_chunks + result.n_heldout_chunks:,} chunks; {result.n_heldout_chunks:,}
  (1%, seed {options.seed}) held out; training chunks hold {result.train_chars:,} characters.

## Training
- Whole-word masking with jieba words (`classify.segment.segment`): 15% of tokens, 80% [MASK] /
  10% random / 10% kept. Loss on masked tokens only.
- AdamW (lr {options.lr}, betas 0.9/0.98, weight decay {options.weight_decay}), linear warm-up
  {options.warmup_steps} steps then linear decay to zero over the step or time budget
  (max steps {options.max_steps}, time budget {options.time_budget_minutes} min),
  batches of <= {options.batch_tokens} padded tokens grouped by length, {options.threads}
  CPU thread(s).
- Steps: {result.steps:,} ({result.elapsed_minutes} min of training){stages}.

## Result
- Held-out masked-token accuracy: **{heldout.get("mlm_accuracy")}** (loss {heldout.get("loss")},
  {heldout.get("masked_tokens"):,} masked tokens in {heldout.get("chunks"):,} chunks, fixed
  masking seed). Training curve: `train_log.jsonl` in the run directory.
- A small model trained for {total_minutes} minutes on {options.threads} CPU
  thread(s) of a shared machine; expect it to be far weaker than bert-base-chinese.
{bench_section(result.model_dir)}

## Reproduce
From the repository root (each line one invocation, in order; `--resume` lines continue the
checkpoint of the first). A time-bounded run reaches more or fewer steps depending on the CPU
and its load; `--max-steps N --time-budget-minutes 0` fixes the step count instead.
```
{chr(10).join(commands)}
```
"""
    path = result.model_dir / "MODEL_CARD.md"
    path.write_text(text, encoding="utf-8")
    return path


def bench_section(model_dir: Path) -> str:
    """Fine-tuning figures from ``bench/results/bert_bench.json`` when it used this model."""
    path = ROOT / "bench" / "results" / "bert_bench.json"
    if not path.is_file():
        return (
            "- Fine-tuned accuracy: run `bench/bert_bench.py`, then this script with `--card-only`."
        )
    bench = json.loads(path.read_text(encoding="utf-8"))
    if Path(bench["base"]["path"]).resolve() != model_dir.resolve():
        return "- Fine-tuned accuracy: `bench/results/bert_bench.json` is for another model."
    bert, tfidf = bench["bert"], bench.get("tfidf")
    lines = [
        "\n## Fine-tuned on TipDM 2020 complaints (`bench/bert_bench.py`)",
        f"- Command: `{bench.get('command', '.venv/bin/python bench/bert_bench.py')}`",
        f"- Split: `{bench['split']}` over the {bench['n']:,} rows of train.tsv then the extra",
        "  rows;",
        f"  fine-tuned {bert['train_minutes']} min ({bert['training']['steps']} steps, "
        f"best epoch {bert['training']['best_epoch']}, max length {bert['options']['max_length']},"
        f" lr {bert['options']['lr']}).",
        f"- Test ({bert['n_test']:,} rows): macro-F1 **{bert['all_rows']['macro_f1']}**, accuracy "
        f"{bert['all_rows']['accuracy']}; raw-text rows macro-F1 "
        f"{bert['raw_text_rows']['macro_f1']}.",
        f"- Review threshold {bert['review']['threshold']:.3f} (for 90% precision on validation):"
        f" {bert['review']['coverage']:.0%} of test rows skip review, precision "
        f"{bert['review']['precision_accepted']}.",
    ]
    if tfidf:
        lines.append(
            f"- Same split, TF-IDF + LinearSVC: macro-F1 {tfidf['all_rows']['macro_f1']}, "
            f"accuracy {tfidf['all_rows']['accuracy']}."
        )
    return "\n".join(lines) + "\n"


def read_commands(run_dir: Path) -> list[str]:
    """The invocations recorded in ``run_dir/commands.txt``."""
    path = run_dir / "commands.txt"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def result_from_summary(model_dir: Path) -> PretrainResult:
    """Rebuild a run's result from the ``pretrain_summary.json`` of its model directory."""
    path = model_dir / SUMMARY_FILE
    if not path.is_file():
        raise ValueError(f"{path} 不存在：该目录还没有完成的预训练")
    summary = json.loads(path.read_text(encoding="utf-8"))
    names = set(PretrainResult.__dataclass_fields__) - {"model_dir", "options"}
    return PretrainResult(
        model_dir=model_dir,
        options=PretrainOptions(**summary["options"]),
        **{k: v for k, v in summary.items() if k in names},
    )


def record_command(run_dir: Path, resume: bool) -> list[str]:
    """Append this invocation to ``run_dir/commands.txt``; all invocations of the run."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / "commands.txt"
    args = ["nice -n 10 .venv/bin/python scripts/pretrain_bert.py", *map(shlex.quote, sys.argv[1:])]
    previous = path.read_text(encoding="utf-8").splitlines() if resume and path.exists() else []
    commands = [*previous, " ".join(args)]
    path.write_text("\n".join(commands) + "\n", encoding="utf-8")
    return commands


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s"
    )
    args = parse_args(argv)
    try:
        corpus = read_corpus_dir(args.corpus_dir)
        seed_texts = read_tsv_texts(args.seed_tsv) if args.seed_tsv.exists() else []
        texts = [t for file_texts in corpus.values() for t in file_texts] + seed_texts
        if args.card_only:
            result, commands = result_from_summary(args.out), read_commands(args.run_dir)
        else:
            options = options_from_args(args)
            commands = record_command(args.run_dir, args.resume)
            result = pretrain(
                texts,
                args.run_dir,
                args.out,
                options,
                args.resume,
                seed_texts,
                args.max_mb,
                init_from=args.init_from,
            )
    except (CorpusError, PretrainError, ValueError, OSError) as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    write_model_card(result, commands, len(count_chars(texts)))
    if args.card_only:
        print(f"已重写 {result.model_dir / 'MODEL_CARD.md'}")
        return 0
    accuracy = result.heldout.get("mlm_accuracy")
    print(
        f"模型已保存：{result.model_dir}（{result.parameters:,} 参数，{result.size_mb} MB，"
        f"{result.steps} 步，留出集 MLM 准确率 {accuracy}）"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
