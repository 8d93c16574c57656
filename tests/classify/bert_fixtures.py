"""A tiny pretrained character BERT for tests (2 layers, hidden 32; seconds to train)."""

from __future__ import annotations

from pathlib import Path

from classify.bert.pretrain import PretrainOptions, pretrain
from classify.model_io import read_training_tsv

ROOT = Path(__file__).resolve().parents[2]
SEED_TSV = ROOT / "data" / "seed" / "seed.tsv"

TEXTS = [
    "我们小区楼道里有一股很大的煤气味，请赶紧派人来看看。",
    "小区门口的垃圾三天没人清运了，臭气熏天。",
    "楼下饭店的油烟太大了，窗户都不敢开。",
    "晚上工地一直施工，噪音吵得孩子睡不着觉。",
    "公交车晚上十点以后就没有了，下班回家很不方便。",
    "我想咨询一下医保报销需要带哪些材料。",
    "暖气片一直不热，屋里只有十几度。",
    "路上有个井盖丢了，晚上走路很危险。",
]

TINY = {
    "layers": 2,
    "hidden": 32,
    "heads": 2,
    "intermediate": 64,
    "max_position": 64,
    "max_chars": 40,
    "batch_tokens": 256,
    "lr": 5e-3,
    "warmup_steps": 2,
    "time_budget_minutes": None,
    "checkpoint_every": 5,
    "eval_every": 1000,
    "log_every": 1,
    "min_count": 1,
}


def make_tiny_base(root: Path) -> Path:
    """Pretrain the tiny model for 12 steps under ``root``; returns its model directory."""
    texts, _ = read_training_tsv(SEED_TSV)
    options = PretrainOptions(**{**TINY, "max_steps": 12})
    pretrain(texts[::4] + TEXTS, root / "run", root / "model", options)
    return root / "model"
