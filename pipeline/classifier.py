"""Choosing the category model: an explicit directory, the registry champion, or a fresh one.

When no model was ever trained (a fresh clone), the default model is trained from the
project's own seed data (seconds), registered and promoted, under a file lock so that two
processes starting at once train it only once.
"""

from __future__ import annotations

import fcntl
import json
import logging
import tempfile
from functools import partial
from pathlib import Path
from typing import Protocol

from classify.champion import ChampionWatcher
from classify.registry import Registry
from classify.types import Prediction
from pipeline.settings import Settings

logger = logging.getLogger(__name__)


class Classifier(Protocol):
    """What the pipeline needs from a category model."""

    def predict(self, text: str) -> Prediction:
        """Classify one caller text."""
        ...


def load_model_dir(path: Path, taxonomy_path: Path | None = None) -> Classifier:
    """Load a trained model directory of any supported kind (read from its ``meta.json``)."""
    meta_path = path / "meta.json"
    if not meta_path.exists():
        raise ValueError(f"不是模型目录 (no meta.json): {path}")
    kind = json.loads(meta_path.read_text(encoding="utf-8")).get("kind", "tfidf")
    if kind == "tfidf":
        from classify.taxonomy import Taxonomy
        from classify.tfidf import TfidfClassifier

        return TfidfClassifier.load(path, Taxonomy.load(taxonomy_path))
    if kind == "bert":
        from classify.bert.model import BertClassifier
        from classify.taxonomy import Taxonomy

        return BertClassifier.load(path, Taxonomy.load(taxonomy_path))
    if kind == "ensemble":
        from classify.ensemble import EnsembleClassifier
        from classify.taxonomy import Taxonomy

        return EnsembleClassifier.load(path, Taxonomy.load(taxonomy_path))
    raise ValueError(f"未知的模型类型 {kind!r} in {path}; supported: tfidf, bert, ensemble")


def train_default(settings: Settings, registry: Registry) -> Path:
    """Train the seed-data model, register and promote it; returns its directory."""
    from classify.taxonomy import Taxonomy
    from classify.tfidf import train_from_tsv

    taxonomy = Taxonomy.load(settings.taxonomy_path)
    if not settings.seed_data.exists():
        raise ValueError(f"找不到种子训练数据 (seed data missing): {settings.seed_data}")
    logger.info("no trained classifier yet: training one from %s", settings.seed_data)
    model = train_from_tsv([settings.seed_data], taxonomy)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "model"
        model.save(out)
        entry = registry.add(out)
    registry.promote(entry.version)
    return entry.path


def load_classifier(settings: Settings) -> Classifier:
    """The model named by settings, else the registry champion, else a freshly trained one."""
    if settings.classifier_dir is not None:
        return load_model_dir(Path(settings.classifier_dir), settings.taxonomy_path)
    registry = Registry(settings.registry_dir)
    path = registry.champion_path()
    if path is None or not path.exists():
        settings.registry_dir.mkdir(parents=True, exist_ok=True)
        with open(settings.registry_dir / ".train.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            path = registry.champion_path()
            if path is None or not path.exists():
                train_default(settings, registry)
    # The watcher re-reads the champion pointer, so a promotion or rollback takes effect in a
    # running service without a restart.
    watcher = ChampionWatcher(
        registry, partial(load_model_dir, taxonomy_path=settings.taxonomy_path)
    )
    watcher.current()  # fail at start, not on the first call
    return watcher
