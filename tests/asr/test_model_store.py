"""Assembly of the embedded model: atomic, checked, repaired, safe under concurrency."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from pathlib import Path

import pytest

from asr import model_store
from asr.errors import ModelError
from asr.model_store import (
    ExpectedFile,
    ModelSpec,
    ensure_model,
    resolve_model_dir,
    verify_model_dir,
)

PART_SIZE = 3 * 1024 * 1024 + 17  # several copy chunks, odd size


def make_spec(root: Path, part_size: int = PART_SIZE) -> ModelSpec:
    """A small fake model: two binary parts joined into model.bin, plus config.json."""
    root.mkdir(parents=True, exist_ok=True)
    part1, part2, config = root / "model.bin.part1", root / "model.bin.part2", root / "config.json"
    part1.write_bytes(os.urandom(part_size))
    part2.write_bytes(os.urandom(part_size // 2))
    config.write_text('{"fake": true}', encoding="utf-8")
    joined = part1.read_bytes() + part2.read_bytes()
    return ModelSpec(
        files=(
            ExpectedFile(
                "config.json", (config,), config.stat().st_size, _sha(config.read_bytes())
            ),
            ExpectedFile("model.bin", (part1, part2), len(joined), _sha(joined)),
        )
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _model_bytes(spec: ModelSpec) -> bytes:
    model = next(f for f in spec.files if f.name == "model.bin")
    return b"".join(p.read_bytes() for p in model.sources)


def _temp_files(directory: Path) -> list[Path]:
    return list(directory.glob(".*.tmp"))


def test_assembles_parts_into_cache(tmp_path: Path) -> None:
    spec = make_spec(tmp_path / "src")
    cache = tmp_path / "cache" / "nested"
    assert ensure_model(cache, spec) == cache
    assert (cache / "model.bin").read_bytes() == _model_bytes(spec)
    assert (cache / "config.json").read_text(encoding="utf-8") == '{"fake": true}'
    assert verify_model_dir(cache, spec) == []
    assert _temp_files(cache) == []


def test_complete_cache_is_not_rewritten(tmp_path: Path) -> None:
    spec = make_spec(tmp_path / "src")
    cache = ensure_model(tmp_path / "cache", spec)
    inode = (cache / "model.bin").stat().st_ino
    ensure_model(cache, spec)
    assert (cache / "model.bin").stat().st_ino == inode


def test_truncated_model_and_leftover_temp_file_are_repaired(tmp_path: Path) -> None:
    spec = make_spec(tmp_path / "src")
    cache = ensure_model(tmp_path / "cache", spec)
    with (cache / "model.bin").open("r+b") as handle:  # as if a copy had been cut short
        handle.truncate(1000)
    (cache / ".model.bin.crashed.tmp").write_bytes(b"half written")
    ensure_model(cache, spec)
    assert (cache / "model.bin").read_bytes() == _model_bytes(spec)
    assert _temp_files(cache) == []


def test_missing_file_is_restored(tmp_path: Path) -> None:
    spec = make_spec(tmp_path / "src")
    cache = ensure_model(tmp_path / "cache", spec)
    (cache / "config.json").unlink()
    ensure_model(cache, spec)
    assert verify_model_dir(cache, spec) == []


def test_same_size_corruption_needs_full_check(tmp_path: Path) -> None:
    spec = make_spec(tmp_path / "src")
    cache = ensure_model(tmp_path / "cache", spec)
    with (cache / "model.bin").open("r+b") as handle:
        handle.seek(12345)
        handle.write(b"\x00garbage\x00")
    assert verify_model_dir(cache, spec) == ["model.bin"]
    ensure_model(cache, spec, full_check=True)
    assert verify_model_dir(cache, spec) == []


def test_checksum_mismatch_leaves_nothing_behind(tmp_path: Path) -> None:
    spec = make_spec(tmp_path / "src")
    model = next(f for f in spec.files if f.name == "model.bin")
    broken = ModelSpec(files=(ExpectedFile("model.bin", model.sources, model.size, "0" * 64),))
    cache = tmp_path / "cache"
    with pytest.raises(ModelError, match="校验失败"):
        ensure_model(cache, broken)
    assert not (cache / "model.bin").exists()
    assert _temp_files(cache) == []


def test_failure_during_rename_removes_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = make_spec(tmp_path / "src")
    cache = tmp_path / "cache"

    def crash(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(model_store.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        ensure_model(cache, spec)
    assert _temp_files(cache) == []
    assert not (cache / "model.bin").exists()


def test_missing_sources_raise_actionable_error(tmp_path: Path) -> None:
    spec = make_spec(tmp_path / "src")
    (tmp_path / "src" / "model.bin.part2").unlink()
    with pytest.raises(ModelError, match="重新安装"):
        ensure_model(tmp_path / "cache", spec)


def _assemble_worker(cache: str, spec: ModelSpec, barrier, results) -> None:
    barrier.wait()
    ensure_model(Path(cache), spec)
    results.put(Path(cache, "model.bin").stat().st_size)


def test_concurrent_processes_assemble_one_valid_model(tmp_path: Path) -> None:
    spec = make_spec(tmp_path / "src", part_size=16 * 1024 * 1024)
    cache = tmp_path / "cache"
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(3), ctx.Queue()
    workers = [
        ctx.Process(target=_assemble_worker, args=(str(cache), spec, barrier, results))
        for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    model = next(f for f in spec.files if f.name == "model.bin")
    assert sorted(results.get(timeout=5) for _ in workers) == [model.size] * 3
    assert verify_model_dir(cache, spec) == []
    assert _temp_files(cache) == []


def _locked_worker(cache: str, spec: ModelSpec, started) -> None:
    started.set()
    ensure_model(Path(cache), spec)


def test_assembly_waits_for_the_lock(tmp_path: Path) -> None:
    spec = make_spec(tmp_path / "src")
    cache = tmp_path / "cache"
    cache.mkdir()
    ctx = multiprocessing.get_context("spawn")
    started = ctx.Event()
    with model_store.exclusive_lock(cache):
        worker = ctx.Process(target=_locked_worker, args=(str(cache), spec, started))
        worker.start()
        assert started.wait(timeout=60)
        worker.join(timeout=1.0)
        assert worker.is_alive(), "assembly must block while another process holds the lock"
        assert not (cache / "model.bin").exists()
    worker.join(timeout=60)
    assert worker.exitcode == 0
    assert verify_model_dir(cache, spec) == []


def test_resolve_explicit_directory(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    assert resolve_model_dir(tmp_path) == tmp_path
    assert resolve_model_dir(str(tmp_path)) == tmp_path


def test_resolve_directory_missing_files_says_which(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    with pytest.raises(ValueError, match=r"config\.json"):
        resolve_model_dir(tmp_path)


@pytest.mark.parametrize("name", ["large-v3", "tiny", "/no/such/model/dir"])
def test_resolve_unknown_name_lists_accepted(name: str) -> None:
    with pytest.raises(ValueError, match="'base'"):
        resolve_model_dir(name)


def test_real_embedded_model_assembles_and_verifies(tmp_path: Path) -> None:
    cache = tmp_path / "whisper"
    assert resolve_model_dir("base", cache) == cache
    assert verify_model_dir(cache) == []
    assert (cache / "model.bin").stat().st_size == model_store.MODEL_BIN_SIZE
    assert resolve_model_dir(None, cache) == cache
