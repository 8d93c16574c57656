"""ChampionWatcher: follows promotions and rollbacks, keeps serving through a bad model."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from classify.champion import ChampionWatcher, NoChampionError
from classify.registry import Registry
from classify.types import Prediction


class Stub:
    """A 'model' that answers with its own version."""

    def __init__(self, path: Path) -> None:
        meta = json.loads((path / "meta.json").read_text("utf-8"))
        if meta.get("broken"):
            raise ValueError(f"cannot load {path.name}")
        self.version = meta["version"]

    def predict(self, text: str) -> Prediction:
        return Prediction(top="t", code="t.x", label="", confidence=1.0, model_version=self.version)

    def predict_many(self, texts: list[str]) -> list[Prediction]:
        return [self.predict(t) for t in texts]


def _registry(tmp_path: Path, *versions: str, broken: tuple[str, ...] = ()) -> Registry:
    registry = Registry(tmp_path / "registry")
    for i, v in enumerate(versions):
        d = tmp_path / "src" / v
        d.mkdir(parents=True)
        meta = {"version": v, "created_at": f"2026-01-0{i + 1}", "broken": v in broken}
        (d / "meta.json").write_text(json.dumps(meta), "utf-8")
        registry.add(d)
    return registry


def test_follows_promotion_and_rollback_without_a_new_watcher(tmp_path: Path) -> None:
    registry = _registry(tmp_path, "v1", "v2")
    loads: list[str] = []

    def loader(path: Path) -> Stub:
        loads.append(path.name)
        return Stub(path)

    watcher = ChampionWatcher(registry, loader)
    with pytest.raises(NoChampionError, match="没有可用"):
        watcher.predict("x")
    registry.promote("v1")
    assert watcher.predict("x").model_version == "v1"
    assert watcher.predict("y").model_version == "v1"
    registry.promote("v2")
    assert watcher.predict_many(["x", "y"])[1].model_version == "v2"
    registry.rollback()
    assert watcher.predict("x").model_version == "v1"
    assert loads == ["v1", "v2", "v1"] and watcher.reloads == 3 and watcher.version == "v1"


def test_a_model_that_fails_to_load_does_not_stop_the_service(tmp_path: Path) -> None:
    registry = _registry(tmp_path, "v1", "bad", "v3", broken=("bad",))
    registry.promote("v1")
    watcher = ChampionWatcher(registry, Stub)
    assert watcher.predict("x").model_version == "v1"
    registry.promote("bad")
    assert watcher.predict("x").model_version == "v1"
    assert watcher.last_error is not None and "bad" in watcher.last_error
    registry.promote("v3")
    assert watcher.predict("x").model_version == "v3" and watcher.last_error is None


def test_first_load_failure_is_raised(tmp_path: Path) -> None:
    registry = _registry(tmp_path, "bad", broken=("bad",))
    registry.promote("bad")
    with pytest.raises(ValueError, match="cannot load"):
        ChampionWatcher(registry, Stub).current()


def test_check_interval_defers_the_pointer_read(tmp_path: Path) -> None:
    registry = _registry(tmp_path, "v1", "v2")
    registry.promote("v1")
    watcher = ChampionWatcher(registry, Stub, check_interval=3600)
    assert watcher.predict("x").model_version == "v1"
    registry.promote("v2")
    assert watcher.predict("x").model_version == "v1"  # next check in an hour


def test_concurrent_readers_load_each_version_once(tmp_path: Path) -> None:
    registry = _registry(tmp_path, "v1", "v2")
    registry.promote("v1")
    loads: list[str] = []
    gate = threading.Barrier(8)

    def loader(path: Path) -> Stub:
        loads.append(path.name)
        return Stub(path)

    watcher = ChampionWatcher(registry, loader)
    seen: list[str] = []

    def reader() -> None:
        gate.wait()
        for _ in range(50):
            seen.append(watcher.predict("x").model_version)

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for t in threads:
        t.start()
    registry.promote("v2")
    for t in threads:
        t.join()
    assert set(seen) <= {"v1", "v2"} and len(seen) == 400
    assert watcher.predict("x").model_version == "v2"
    assert loads.count("v1") <= 1 and loads.count("v2") == 1
