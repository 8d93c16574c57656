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
import logging
import shlex
import sys
from pathlib import Path

from classify.bert.corpus import CorpusError, read_corpus_dir, read_tsv_texts
from classify.bert.pretrain import PretrainError, PretrainOptions, PretrainResult, pretrain

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "corpus"
DEFAULT_SEED = ROOT / "data" / "seed" / "seed.tsv"
DEFAULT_OUT = ROOT / "models" / "inhouse-bert"
DEFAULT_RUN_DIR = Path.home() / ".cache" / "minsheng" / "bert-pretrain"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = PretrainOptions()
    p = argparse.ArgumentParser(description="预训练自有中文字级 BERT（整词掩码）")
    p.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--seed-tsv", type=Path, default=DEFAULT_SEED, help="项目种子数据（label+text）")
    p.add_argument("--run-dir", type=Path, default=DEFAULT_RUN_DIR, help="检查点与日志目录")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="最终模型目录")
    p.add_argument("--resume", action="store_true", help="从 run-dir 的检查点继续")
    p.add_argument("--max-steps", type=int, default=None)
    p.add_argument("--time-budget-minutes", type=float, default=defaults.time_budget_minutes)
    p.add_argument("--threads", type=int, default=defaults.threads)
    p.add_argument("--max-mb", type=float, default=25.0, help="超过此大小则以 fp16 保存")
    for name in ("layers", "hidden", "heads", "intermediate", "max_position", "max_chars",
                 "batch_tokens", "warmup_steps", "checkpoint_every", "eval_every", "log_every",
                 "eval_chunks", "min_count", "vocab_size", "seed"):  # fmt: skip
        p.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name))
    p.add_argument("--lr", type=float, default=defaults.lr)
    return p.parse_args(argv)


def options_from_args(args: argparse.Namespace) -> PretrainOptions:
    names = set(PretrainOptions.__dataclass_fields__)
    return PretrainOptions(**{k: v for k, v in vars(args).items() if k in names})


def write_model_card(result: PretrainResult, commands: list[str]) -> Path:
    """``MODEL_CARD.md`` next to the weights: data, size, steps, held-out MLM accuracy."""
    heldout, options = result.heldout, result.options
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
  character, lower-cased. Texts are normalised before tokenising (NFKC, traditional ->
  simplified with OpenCC; `classify.bert.corpus.normalize_text`).

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
- Steps: {result.steps:,} ({result.elapsed_minutes} min of training).

## Result
- Held-out masked-token accuracy: **{heldout.get("mlm_accuracy")}** (loss {heldout.get("loss")},
  {heldout.get("masked_tokens"):,} masked tokens in {heldout.get("chunks"):,} chunks, fixed
  masking seed). Training curve: `train_log.jsonl` in the run directory.
- This is a small model trained for about an hour on one CPU core; expect it to be far weaker
  than bert-base-chinese. See `bench/bert_bench.py` for its fine-tuned accuracy.

## Reproduce
From the repository root (each line one invocation, in order; `--resume` lines continue the
checkpoint of the first):
```
{chr(10).join(commands)}
```
"""
    path = result.model_dir / "MODEL_CARD.md"
    path.write_text(text, encoding="utf-8")
    return path


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
        options = options_from_args(args)
        commands = record_command(args.run_dir, args.resume)
        corpus = read_corpus_dir(args.corpus_dir)
        seed_texts = read_tsv_texts(args.seed_tsv) if args.seed_tsv.exists() else []
        texts = [t for file_texts in corpus.values() for t in file_texts] + seed_texts
        result = pretrain(texts, args.run_dir, args.out, options, args.resume, seed_texts,
                          args.max_mb)  # fmt: skip
    except (CorpusError, PretrainError, ValueError) as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    write_model_card(result, commands)
    print(f"模型已保存：{result.model_dir}（{result.parameters:,} 参数，{result.size_mb} MB，"
          f"{result.steps} 步，留出集 MLM 准确率 {result.heldout.get('mlm_accuracy')}）")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
