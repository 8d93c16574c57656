"""The model registry: add, promote, rollback, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classify.registry import Registry


def make_model(tmp_path: Path, version: str, created: str) -> Path:
    d = tmp_path / "src" / version
    d.mkdir(parents=True)
    (d / "meta.json").write_text(
        json.dumps({"kind": "tfidf", "version": version, "created_at": created}), "utf-8"
    )
    (d / "weights.bin").write_bytes(b"x" * 10)
    return d


def test_add_promote_rollback(tmp_path: Path) -> None:
    reg = Registry(tmp_path / "registry")
    assert reg.versions() == []
    assert reg.champion_path() is None
    v1 = reg.add(make_model(tmp_path, "v1", "2026-01-01T00:00:00"))
    v2 = reg.add(make_model(tmp_path, "v2", "2026-02-01T00:00:00"))
    assert [e.version for e in reg.versions()] == ["v1", "v2"]
    assert (v1.path / "weights.bin").read_bytes() == b"x" * 10

    reg.promote("v1")
    assert reg.champion_version() == "v1"
    reg.promote(v2.version)
    assert reg.champion_path() == tmp_path / "registry" / "v2"
    assert [e.version for e in reg.versions() if e.champion] == ["v2"]

    assert reg.rollback().version == "v1"
    assert reg.champion_version() == "v1"
    with pytest.raises(ValueError, match="回滚"):
        reg.rollback()


def test_unknown_and_duplicate_versions(tmp_path: Path) -> None:
    reg = Registry(tmp_path / "registry")
    reg.add(make_model(tmp_path, "v1", "2026-01-01"))
    with pytest.raises(ValueError, match="v1"):
        reg.promote("nope")
    with pytest.raises(ValueError, match="已存在"):
        reg.add(tmp_path / "src" / "v1")
    assert reg.champion_version() is None
