"""Small training helpers shared by pretraining and fine-tuning."""

from __future__ import annotations

import contextlib
import logging
import os
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

logger = logging.getLogger(__name__)


@dataclass
class LinearSchedule:
    """Linear warm-up, then linear decay to zero over steps or wall-clock time.

    Progress is the larger of ``step / max_steps`` and ``elapsed_s / time_budget_s`` (either
    limit may be absent), so a time-bounded run still ends with a decayed learning rate.
    Training is finished when progress reaches 1. The state (``step``, ``elapsed_s``) is saved
    in checkpoints.

    Attributes:
        peak_lr: Learning rate at the end of warm-up.
        warmup_steps: Steps of linear warm-up from zero.
        max_steps: Step limit, or None.
        time_budget_s: Training-time limit in seconds, or None.
        step: Optimizer steps taken.
        elapsed_s: Training time spent so far (all resumed runs together).
    """

    peak_lr: float
    warmup_steps: int = 0
    max_steps: int | None = None
    time_budget_s: float | None = None
    step: int = 0
    elapsed_s: float = 0.0

    def __post_init__(self) -> None:
        if self.max_steps is None and self.time_budget_s is None:
            raise ValueError("需要至少一个训练上限：max_steps 或 time_budget")

    @property
    def progress(self) -> float:
        """How far training is, from 0 to 1."""
        fractions = [0.0]
        if self.max_steps:
            fractions.append(self.step / self.max_steps)
        if self.time_budget_s:
            fractions.append(self.elapsed_s / self.time_budget_s)
        return min(1.0, max(fractions))

    @property
    def done(self) -> bool:
        """True once the step or time limit is reached."""
        return self.progress >= 1.0

    def lr(self) -> float:
        """Learning rate for the next step."""
        warm = (self.step + 1) / self.warmup_steps if self.warmup_steps else 1.0
        return self.peak_lr * max(0.0, min(warm, 1.0 - self.progress))

    def apply(self, optimizer: torch.optim.Optimizer) -> float:
        """Set the learning rate of every parameter group; returns it."""
        lr = self.lr()
        for group in optimizer.param_groups:
            group["lr"] = lr
        return lr

    def advance(self, seconds: float) -> None:
        """Count one optimizer step that took ``seconds``."""
        self.step += 1
        self.elapsed_s += seconds

    def state_dict(self) -> dict[str, Any]:
        """All fields, for a checkpoint."""
        return asdict(self)

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore progress (``step``, ``elapsed_s``) from a checkpoint."""
        self.step = int(state["step"])
        self.elapsed_s = float(state["elapsed_s"])


def set_threads(threads: int) -> None:
    """Limit torch's CPU threads (intra-op and, before first use, inter-op)."""
    torch.set_num_threads(max(1, threads))
    with contextlib.suppress(RuntimeError):  # already set once in this process
        torch.set_num_interop_threads(1)


def seed_everything(seed: int) -> None:
    """Seed Python's and torch's generators."""
    random.seed(seed)
    torch.manual_seed(seed)


def count_parameters(model: torch.nn.Module) -> int:
    """Number of distinct parameters (tied weights counted once)."""
    seen: set[int] = set()
    total = 0
    for param in model.parameters():
        if id(param) not in seen:
            seen.add(id(param))
            total += param.numel()
    return total


def atomic_torch_save(obj: Any, path: Path) -> None:
    """``torch.save`` to a temporary file, then rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def dir_size_mb(directory: Path) -> float:
    """Total size of the files in a directory, in MB (10^6 bytes)."""
    return sum(p.stat().st_size for p in Path(directory).rglob("*") if p.is_file()) / 1e6
