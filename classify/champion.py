"""Serve the registry's champion and follow it when it changes, without a restart.

``ChampionWatcher`` reads the registry's ``CHAMPION`` pointer (a few bytes) before each use
and loads the new model when the version in it changed: a promotion or a rollback in another
process (CLI, API) takes effect on the next classification. The swap happens under a lock;
readers keep the old model until the new one is fully loaded. A model that fails to load is
logged and the previous one keeps serving.

Typical use::

    watcher = ChampionWatcher(Registry(settings.registry_dir), TfidfClassifier.load)
    watcher.predict("楼道里有煤气味")      # also usable as the pipeline's classifier
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from classify.registry import Registry
from classify.types import Prediction

logger = logging.getLogger(__name__)


class NoChampionError(ValueError):
    """The registry has no champion to serve."""


class ChampionWatcher:
    """The champion model, reloaded when the registry's pointer changes (thread-safe).

    Args:
        registry: The model registry to follow.
        loader: Loads a model directory (``TfidfClassifier.load``, or the pipeline's
            kind-dispatching loader).
        check_interval: Seconds between pointer checks; 0 checks before every use.
    """

    def __init__(
        self,
        registry: Registry,
        loader: Callable[[Path], Any],
        check_interval: float = 0.0,
    ) -> None:
        self.registry = registry
        self._loader = loader
        self._check_interval = check_interval
        self._lock = threading.Lock()
        self._model: Any = None
        self._version: str | None = None
        self._failed_version: str | None = None
        self._last_check = float("-inf")
        self.reloads = 0
        self.last_error: str | None = None

    @property
    def version(self) -> str | None:
        """The version being served (None before the first load)."""
        return self._version

    def current(self) -> Any:
        """The loaded champion, reloading first if the pointer moved.

        Raises:
            NoChampionError: Nothing was ever promoted and nothing is loaded.
        """
        now = time.monotonic()
        if self._model is not None and now - self._last_check < self._check_interval:
            return self._model
        self._last_check = now
        wanted = self.registry.champion_version()
        if wanted is not None and wanted != self._version and wanted != self._failed_version:
            self._reload(wanted)
        if self._model is None:
            raise NoChampionError(
                f"模型仓库 {self.registry.root} 中没有可用的当前模型；"
                "请先训练并上线一个模型（minsheng train --register --promote）"
            )
        return self._model

    def _reload(self, wanted: str) -> None:
        with self._lock:
            # Re-read under the lock: a thread holding a stale pointer must not swap an older
            # champion back in after another thread loaded the newer one.
            wanted = self.registry.champion_version() or wanted
            if wanted == self._version:  # another thread already loaded it
                return
            path = self.registry.root / wanted
            try:
                model = self._loader(path)
            except Exception as exc:
                self._failed_version = wanted
                self.last_error = f"{type(exc).__name__}: {exc}"
                if self._model is None:
                    raise
                logger.exception("cannot load champion %s; still serving %s", wanted, self._version)
                return
            previous = self._version
            self._model, self._version = model, wanted
            self._failed_version, self.last_error = None, None
            self.reloads += 1
        logger.info("champion model now %s (was %s)", wanted, previous)

    def predict(self, text: str) -> Prediction:
        """Classify with the current champion (so the watcher can stand in for a classifier)."""
        prediction: Prediction = self.current().predict(text)
        return prediction

    def predict_many(self, texts: list[str]) -> list[Prediction]:
        """Classify a batch with one model (no swap in the middle of the batch)."""
        predictions: list[Prediction] = self.current().predict_many(texts)
        return predictions
