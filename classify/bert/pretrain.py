"""Masked-language-model pretraining of a compact character BERT on CPU, resumable.

:func:`pretrain` builds (or reuses) the vocabulary, chunks the texts, holds back a fraction of
chunks for evaluation and trains ``BertForMaskedLM`` with whole-word masking in a plain PyTorch
loop. Every ``checkpoint_every`` steps the run directory gets ``checkpoint.pt`` (model,
optimizer, schedule, data position, random states); ``resume=True`` continues from it. Loss and
masked-token accuracy go to the log and to ``train_log.jsonl``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import torch
from transformers import BertConfig, BertForMaskedLM

from classify.bert.corpus import make_chunks
from classify.bert.masking import WholeWordMasker
from classify.bert.mlm import evaluate_mlm, length_batches, mlm_forward, split_chunks
from classify.bert.training import (
    LinearSchedule,
    atomic_torch_save,
    count_parameters,
    dir_size_mb,
    seed_everything,
    set_threads,
)
from classify.bert.vocab import VOCAB_FILE, build_vocab, load_tokenizer, write_vocab

logger = logging.getLogger(__name__)

CHECKPOINT_FILE = "checkpoint.pt"
LOG_FILE = "train_log.jsonl"
SUMMARY_FILE = "pretrain_summary.json"
# Options a resumed run may change; everything else comes from the checkpoint.
RESUMABLE_OVERRIDES = (
    "max_steps",
    "time_budget_minutes",
    "threads",
    "checkpoint_every",
    "eval_every",
    "log_every",
)


class PretrainError(ValueError):
    """Pretraining cannot start or resume (bad options, missing or mismatched checkpoint)."""


@dataclass
class PretrainOptions:
    """Model size, data and training schedule.

    Attributes:
        layers, hidden, heads, intermediate, max_position: ``BertConfig`` sizes.
        max_chars: Longest chunk of text, in characters.
        batch_tokens: Padded tokens per batch (rows = batch_tokens // longest row).
        lr, warmup_steps, weight_decay: AdamW and schedule settings.
        max_steps: Step limit (also the schedule length); None for time only.
        time_budget_minutes: Training-time limit over all resumed runs; None for steps only.
        mlm_probability: Share of tokens to predict.
        heldout_fraction: Share of chunks held back for evaluation.
        eval_chunks: Held-out chunks used by the periodic evaluation (the final one uses all).
        checkpoint_every, eval_every, log_every: Cadence in steps.
        threads: torch CPU threads.
        seed: Seed for the split, the data order and masking.
        min_count, vocab_size: Vocabulary settings (see :func:`build_vocab`).
    """

    layers: int = 4
    hidden: int = 256
    heads: int = 4
    intermediate: int = 1024
    max_position: int = 256
    max_chars: int = 128
    batch_tokens: int = 4096
    lr: float = 5e-4
    warmup_steps: int = 100
    weight_decay: float = 0.01
    max_steps: int | None = None
    time_budget_minutes: float | None = 60.0
    mlm_probability: float = 0.15
    heldout_fraction: float = 0.01
    eval_chunks: int = 256
    checkpoint_every: int = 100
    eval_every: int = 200
    log_every: int = 20
    threads: int = 1
    seed: int = 0
    min_count: int = 3
    vocab_size: int = 8000

    def __post_init__(self) -> None:
        if self.hidden % self.heads:
            raise PretrainError(f"hidden ({self.hidden}) 必须能被 heads ({self.heads}) 整除")
        if self.max_chars + 2 > self.max_position:
            raise PretrainError("max_chars + 2 不能超过 max_position")
        if self.max_steps is None and self.time_budget_minutes is None:
            raise PretrainError("需要 --max-steps 或 --time-budget-minutes 之一")
        if not 0 < self.heldout_fraction < 0.5:
            raise PretrainError("heldout_fraction 应在 0 和 0.5 之间")


@dataclass
class PretrainResult:
    """What a pretraining run produced."""

    model_dir: Path
    steps: int
    parameters: int
    size_mb: float
    dtype: str
    vocab_size: int
    n_train_chunks: int
    n_heldout_chunks: int
    train_chars: int
    elapsed_minutes: float
    heldout: dict[str, float] = field(default_factory=dict)
    options: PretrainOptions = field(default_factory=PretrainOptions)
    init_from: str | None = None
    steps_before: int = 0
    minutes_before: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {**asdict(self), "model_dir": str(self.model_dir)}


def build_config(vocab_size: int, options: PretrainOptions) -> BertConfig:
    """The ``BertConfig`` for these options."""
    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=options.hidden,
        num_hidden_layers=options.layers,
        num_attention_heads=options.heads,
        intermediate_size=options.intermediate,
        max_position_embeddings=options.max_position,
        type_vocab_size=2,
        pad_token_id=0,
    )


def _chunks_sha256(chunks: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk.encode() + b"\n")
    return digest.hexdigest()


def _optimizer(model: torch.nn.Module, options: PretrainOptions) -> torch.optim.AdamW:
    decay: list[torch.nn.Parameter] = []
    no_decay: list[torch.nn.Parameter] = []
    for name, param in model.named_parameters():
        (no_decay if param.ndim < 2 or "LayerNorm" in name else decay).append(param)
    groups = [
        {"params": decay, "weight_decay": options.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=options.lr, betas=(0.9, 0.98), eps=1e-6)


def _append_log(run_dir: Path, record: dict[str, Any]) -> None:
    with (run_dir / LOG_FILE).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _resolve_options(run_dir: Path, options: PretrainOptions, resume: bool) -> PretrainOptions:
    """On resume, the checkpoint's options with the caller's limits and cadence."""
    path = run_dir / CHECKPOINT_FILE
    if not resume:
        if path.exists():
            raise PretrainError(
                f"{run_dir} 已有检查点；要继续训练请加 --resume，要重新开始请换一个目录"
            )
        return options
    if not path.exists():
        raise PretrainError(f"找不到检查点 {path}，无法继续训练（先不加 --resume 开始一次）")
    saved = torch.load(path, map_location="cpu", weights_only=False)["options"]
    names = {f.name for f in fields(PretrainOptions)}
    merged = PretrainOptions(**{k: v for k, v in saved.items() if k in names})
    return replace(merged, **{k: getattr(options, k) for k in RESUMABLE_OVERRIDES})


class _Run:
    """The mutable state of one pretraining run (model, optimizer, data position)."""

    def __init__(self, run_dir: Path, options: PretrainOptions, chunks: list[str]) -> None:
        self.run_dir = run_dir
        self.options = options
        self.tokenizer = load_tokenizer(run_dir / VOCAB_FILE)
        self.train_chunks, self.heldout = split_chunks(
            chunks, options.heldout_fraction, options.seed
        )
        self.data_sha256 = _chunks_sha256(chunks)
        seed_everything(options.seed)
        self.model = BertForMaskedLM(build_config(len(self.tokenizer), options))
        self.optimizer = _optimizer(self.model, options)
        self.schedule = LinearSchedule(
            peak_lr=options.lr,
            warmup_steps=options.warmup_steps,
            max_steps=options.max_steps,
            time_budget_s=(options.time_budget_minutes or 0) * 60 or None,
        )
        self.masker = WholeWordMasker(
            self.tokenizer, options.max_chars + 2, options.mlm_probability
        )
        self.rng = random.Random(options.seed)
        self.epoch = 0
        self.position = 0
        # Summary of the model this run started from (second-stage pretraining), if any.
        self.stage_before: dict[str, Any] = {}

    def init_weights(self, model_dir: Path) -> None:
        """Start from the weights of an earlier run's model directory."""
        try:
            earlier = BertForMaskedLM.from_pretrained(model_dir, torch_dtype=torch.float32)
            self.model.load_state_dict(earlier.state_dict())
        except (OSError, RuntimeError, ValueError) as exc:
            raise PretrainError(
                f"无法从 {model_dir} 载入权重（大小须与本次设置一致）: {exc}"
            ) from exc
        logger.info("starting from the weights of %s", model_dir)

    def save_checkpoint(self) -> None:
        state = {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "schedule": self.schedule.state_dict(),
            "epoch": self.epoch,
            "position": self.position,
            "python_rng": self.rng.getstate(),
            "torch_rng": torch.get_rng_state(),
            "options": asdict(self.options),
            "data_sha256": self.data_sha256,
            "stage_before": self.stage_before,
        }
        atomic_torch_save(state, self.run_dir / CHECKPOINT_FILE)
        logger.info("checkpoint at step %d saved to %s", self.schedule.step, self.run_dir)

    def load_checkpoint(self) -> None:
        state = torch.load(self.run_dir / CHECKPOINT_FILE, map_location="cpu", weights_only=False)
        if state["data_sha256"] != self.data_sha256:
            raise PretrainError("语料与检查点不一致（文本或分块变了）；请用原语料继续或重新开始")
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.schedule.load_state_dict(state["schedule"])
        self.epoch, self.position = int(state["epoch"]), int(state["position"])
        self.stage_before = dict(state.get("stage_before", {}))
        self.rng.setstate(state["python_rng"])
        torch.set_rng_state(state["torch_rng"])
        logger.info("resumed at step %d (epoch %d)", self.schedule.step, self.epoch)

    def epoch_batches(self) -> list[list[int]]:
        lengths = [len(c) for c in self.train_chunks]
        rng = random.Random(self.options.seed * 1000 + self.epoch)
        return length_batches(lengths, self.options.batch_tokens, rng)

    def evaluate(self, n_chunks: int | None) -> dict[str, float]:
        chunks = self.heldout[:n_chunks] if n_chunks else self.heldout
        return evaluate_mlm(self.model, self.masker, chunks, self.options.batch_tokens)

    def train(self) -> None:
        """Train until the schedule is done; checkpoint, log and evaluate on the way."""
        opts = self.options
        self.model.train()
        window: dict[str, float] = {"loss": 0.0, "correct": 0, "masked": 0, "tokens": 0, "s": 0}
        batches = self.epoch_batches()
        tick = time.monotonic()
        while not self.schedule.done:
            if self.position >= len(batches):
                self.epoch, self.position = self.epoch + 1, 0
                batches = self.epoch_batches()
            batch = self.masker([self.train_chunks[i] for i in batches[self.position]], self.rng)
            self.position += 1
            if batch.n_masked == 0:
                continue
            lr = self.schedule.apply(self.optimizer)
            loss, correct, masked = mlm_forward(self.model, batch)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.optimizer.step()
            # Wall time since the last step, so evaluation and checkpoints count too.
            seconds, tick = time.monotonic() - tick, time.monotonic()
            self.schedule.advance(seconds)
            window["loss"] += loss.item() * masked
            window["correct"] += correct
            window["masked"] += masked
            window["tokens"] += int(batch.attention_mask.sum())
            window["s"] += seconds
            step = self.schedule.step
            if step % opts.log_every == 0 or self.schedule.done:
                self._log(window, lr)
                window = dict.fromkeys(window, 0.0)
            if step % opts.eval_every == 0:
                self._log_eval(self.evaluate(opts.eval_chunks))
            if step % opts.checkpoint_every == 0 or self.schedule.done:
                self.save_checkpoint()

    def _log(self, window: dict[str, float], lr: float) -> None:
        record = {
            "step": self.schedule.step,
            "epoch": self.epoch,
            "loss": round(window["loss"] / max(window["masked"], 1), 4),
            "mlm_accuracy": round(window["correct"] / max(window["masked"], 1), 4),
            "lr": round(lr, 8),
            "tokens_per_s": round(window["tokens"] / max(window["s"], 1e-9), 1),
            "elapsed_min": round(self.schedule.elapsed_s / 60, 2),
        }
        logger.info("pretrain %s", record)
        _append_log(self.run_dir, record)

    def _log_eval(self, metrics: dict[str, float]) -> None:
        record = {"step": self.schedule.step, **{f"heldout_{k}": v for k, v in metrics.items()}}
        logger.info("pretrain eval %s", record)
        _append_log(self.run_dir, record)


def save_model(
    model: BertForMaskedLM, tokenizer: Any, vocab_path: Path, out_dir: Path, max_mb: float
) -> tuple[float, str]:
    """``save_pretrained`` model and tokenizer (safetensors), fp16 when fp32 exceeds ``max_mb``.

    Returns:
        Size of the directory in MB and the weight dtype written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.safetensors"):
        old.unlink()
    model.save_pretrained(out_dir)
    dtype = "float32"
    if dir_size_mb(out_dir) > max_mb:
        for old in out_dir.glob("*.safetensors"):
            old.unlink()
        half = BertForMaskedLM(model.config)
        half.load_state_dict(model.state_dict())
        half.half().save_pretrained(out_dir)
        dtype = "float16"
    tokenizer.save_pretrained(out_dir)
    (out_dir / VOCAB_FILE).write_text(vocab_path.read_text(encoding="utf-8"), encoding="utf-8")
    return round(dir_size_mb(out_dir), 2), dtype


def pretrain(
    texts: Sequence[str],
    run_dir: Path | str,
    out_dir: Path | str,
    options: PretrainOptions | None = None,
    resume: bool = False,
    required_texts: Sequence[str] = (),
    max_mb: float = 25.0,
    init_from: Path | str | None = None,
) -> PretrainResult:
    """Pretrain (or continue pretraining) a character BERT and save it to ``out_dir``.

    Args:
        texts: Normalised corpus texts (see :func:`classify.bert.corpus.read_corpus_dir`).
        run_dir: Folder for the vocabulary, checkpoints and ``train_log.jsonl``.
        out_dir: Where the final model and tokenizer are saved (``save_pretrained``).
        options: Model and schedule; on resume only the limits and cadence are taken.
        resume: Continue from ``run_dir/checkpoint.pt``.
        required_texts: Texts whose characters always enter the vocabulary.
        max_mb: Size above which weights are stored in fp16.
        init_from: A model directory written by an earlier run (``out_dir`` of it): start
            from its weights and vocabulary with a fresh optimizer and schedule (a second
            stage of pretraining). Its sizes must match ``options``.

    Raises:
        PretrainError: Bad options, a checkpoint where none is expected or the reverse.
    """
    run_dir, out_dir = Path(run_dir), Path(out_dir)
    options = _resolve_options(run_dir, options or PretrainOptions(), resume)
    set_threads(options.threads)
    chunks = make_chunks(texts, options.max_chars)
    if len(chunks) < 2:
        raise PretrainError("预训练文本太少（至少需要 2 个文本块）")
    run_dir.mkdir(parents=True, exist_ok=True)
    if init_from is not None and resume:
        raise PretrainError("--init-from 只用于开始新一轮预训练，不能与 --resume 同用")
    before: dict[str, Any] = {}
    if init_from is not None:
        init_from = Path(init_from)
        if not (init_from / VOCAB_FILE).is_file():
            raise PretrainError(f"{init_from} 不是预训练模型目录（缺少 {VOCAB_FILE}）")
        (run_dir / VOCAB_FILE).write_text(
            (init_from / VOCAB_FILE).read_text(encoding="utf-8"), encoding="utf-8"
        )
        if (init_from / SUMMARY_FILE).is_file():
            before = json.loads((init_from / SUMMARY_FILE).read_text(encoding="utf-8"))
    elif not resume:
        vocab = build_vocab(chunks, options.min_count, options.vocab_size, required_texts)
        write_vocab(vocab, run_dir / VOCAB_FILE)
    run = _Run(run_dir, options, chunks)
    if resume:
        run.load_checkpoint()
        before = run.stage_before
    elif init_from is not None:
        run.init_weights(Path(init_from))
        run.stage_before = before = {**before, "path": str(init_from)}
    logger.info(
        "pretraining %d parameters on %d chunks (%d held out), vocabulary %d",
        count_parameters(run.model),
        len(run.train_chunks),
        len(run.heldout),
        len(run.tokenizer),
    )
    run.train()
    heldout = run.evaluate(None)
    _append_log(run_dir, {"step": run.schedule.step, "final": True, **heldout})
    size_mb, dtype = save_model(run.model, run.tokenizer, run_dir / VOCAB_FILE, out_dir, max_mb)
    result = PretrainResult(
        model_dir=out_dir,
        steps=run.schedule.step,
        parameters=count_parameters(run.model),
        size_mb=size_mb,
        dtype=dtype,
        vocab_size=len(run.tokenizer),
        n_train_chunks=len(run.train_chunks),
        n_heldout_chunks=len(run.heldout),
        train_chars=sum(len(c) for c in run.train_chunks),
        elapsed_minutes=round(run.schedule.elapsed_s / 60, 2),
        heldout=heldout,
        options=options,
        init_from=before.get("path"),
        steps_before=int(before.get("steps", 0)) + int(before.get("steps_before", 0)),
        minutes_before=round(
            float(before.get("elapsed_minutes", 0)) + float(before.get("minutes_before", 0)), 2
        ),
    )
    summary = {**result.as_dict(), "data_sha256": run.data_sha256}
    (out_dir / SUMMARY_FILE).write_text(
        json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    logger.info("pretraining done: %s", result.as_dict())
    return result
