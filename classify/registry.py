"""A registry of trained classifiers: versioned, self-describing directories and a champion.

Layout::

    <root>/
        <version>/          one trained model (weights, vectorizer/tokenizer, meta.json, ...)
        CHAMPION            text file: the version in use
        HISTORY             one promoted version per line, oldest first (for rollback)
        EVENTS.jsonl        who promoted / rolled back what, when and why (one JSON per line)

Writes are atomic (temp file + ``os.replace``) so a reader never sees a half-written pointer.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


@dataclass
class ModelEntry:
    """One registered model version."""

    version: str
    path: Path
    meta: dict[str, Any]
    champion: bool = False


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Registry:
    """Versioned model directories under one root, with a champion pointer."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _read_meta(self, path: Path) -> dict[str, Any]:
        meta_path = path / "meta.json"
        if not meta_path.exists():
            return {}
        data: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        return data

    def versions(self) -> list[ModelEntry]:
        """All registered versions, oldest first (by creation time, then name)."""
        if not self.root.exists():
            return []
        champion = self.champion_version()
        entries = [
            ModelEntry(p.name, p, self._read_meta(p), p.name == champion)
            for p in self.root.iterdir()
            if p.is_dir() and not p.name.startswith(".") and (p / "meta.json").exists()
        ]
        return sorted(entries, key=lambda e: (str(e.meta.get("created_at", "")), e.version))

    def get(self, version: str) -> ModelEntry:
        """One version; ``ValueError`` listing the known versions when it does not exist."""
        for entry in self.versions():
            if entry.version == version:
                return entry
        known = ", ".join(e.version for e in self.versions()) or "(none)"
        raise ValueError(f"模型版本不存在: {version}. Known versions: {known}")

    def champion_version(self) -> str | None:
        """The version in use, or ``None`` when nothing was promoted yet."""
        pointer = self.root / "CHAMPION"
        if not pointer.exists():
            return None
        return pointer.read_text(encoding="utf-8").strip() or None

    def champion_path(self) -> Path | None:
        """Directory of the champion model, or ``None``."""
        version = self.champion_version()
        return self.root / version if version else None

    def _history(self) -> list[str]:
        path = self.root / "HISTORY"
        if not path.exists():
            return []
        return [v for v in path.read_text(encoding="utf-8").split() if v]

    def add(self, model_dir: Path, version: str | None = None) -> ModelEntry:
        """Copy a trained model directory into the registry (not promoted)."""
        meta = self._read_meta(model_dir)
        version = version or str(meta.get("version") or model_dir.name)
        target = self.root / version
        if target.exists():
            raise ValueError(f"模型版本已存在: {version}")
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=f".{version}."))
        shutil.copytree(model_dir, staging, dirs_exist_ok=True)
        os.replace(staging, target)
        logger.info("registered model %s", version)
        return ModelEntry(version, target, self._read_meta(target))

    def promote(self, version: str) -> ModelEntry:
        """Make ``version`` the champion; the previous champion stays in the history."""
        entry = self.get(version)
        history = self._history()
        if not history or history[-1] != version:
            history.append(version)
        _atomic_write(self.root / "HISTORY", "\n".join(history) + "\n")
        _atomic_write(self.root / "CHAMPION", version + "\n")
        logger.info("promoted model %s", version)
        entry.champion = True
        return entry

    def rollback(self) -> ModelEntry:
        """Return to the champion before the current one."""
        history = self._history()
        if len(history) < 2:
            raise ValueError("没有可回滚的上一个模型版本 (no earlier champion to roll back to)")
        history.pop()
        previous = history[-1]
        self.get(previous)
        _atomic_write(self.root / "HISTORY", "\n".join(history) + "\n")
        _atomic_write(self.root / "CHAMPION", previous + "\n")
        logger.info("rolled back to model %s", previous)
        return self.get(previous)

    def record(self, action: str, version: str | None, **detail: Any) -> dict[str, Any]:
        """Append an event (promotion, override, rollback) to ``EVENTS.jsonl``.

        One line per event, written with a single append, so concurrent writers do not
        interleave lines.
        """
        event = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "action": action,
            "version": version,
            **detail,
        }
        self.root.mkdir(parents=True, exist_ok=True)
        line = json.dumps(event, ensure_ascii=False, default=str) + "\n"
        with open(self.root / "EVENTS.jsonl", "a", encoding="utf-8") as f:
            f.write(line)
        return event

    def events(self) -> list[dict[str, Any]]:
        """Recorded events, oldest first (unreadable lines are skipped with a warning)."""
        path = self.root / "EVENTS.jsonl"
        if not path.exists():
            return []
        events = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                logger.warning("skipping unreadable line %d of %s", n, path)
        return events
