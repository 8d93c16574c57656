"""The converted openai-whisper checkpoint, cached beside the CTranslate2 model.

Conversion (:mod:`asr.convert`) takes about a second; the result is kept as
``openai-whisper-<fingerprint>.pt`` in the model directory (or under
:data:`FALLBACK_CACHE_DIR` when that directory is read-only), written like the model assembly in
:mod:`asr.model_store`: temporary file, fsync, atomic rename, under the same exclusive lock.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import torch

from asr.convert import build_checkpoint
from asr.errors import ModelError
from asr.model_store import exclusive_lock, fsync_dir, remove_stale_temp_files

logger = logging.getLogger(__name__)


CHECKPOINT_PREFIX = "openai-whisper-"
FALLBACK_CACHE_DIR = Path.home() / ".cache" / "minsheng" / "openai-whisper"
_FINGERPRINT_SPAN = 1 << 20


def model_fingerprint(model_dir: Path) -> str:
    """A cheap content key of a CTranslate2 model: size, first and last MiB, ``config.json``.

    Names the converted checkpoint, so a replaced ``model.bin`` is never paired with a stale
    conversion; reading 2 MiB instead of hashing the whole file keeps loading fast.
    """
    digest = hashlib.sha256()
    model_bin = model_dir / "model.bin"
    size = model_bin.stat().st_size
    digest.update(str(size).encode())
    with model_bin.open("rb") as handle:
        digest.update(handle.read(_FINGERPRINT_SPAN))
        handle.seek(max(0, size - _FINGERPRINT_SPAN))
        digest.update(handle.read(_FINGERPRINT_SPAN))
    digest.update((model_dir / "config.json").read_bytes())
    return digest.hexdigest()[:16]


def _checkpoint_dir(model_dir: Path) -> Path:
    if os.access(model_dir, os.W_OK):
        return model_dir
    logger.info("%s is read-only; keeping the converted model in %s", model_dir, FALLBACK_CACHE_DIR)
    return FALLBACK_CACHE_DIR


def _save_atomically(checkpoint: dict[str, Any], target: Path) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            torch.save(checkpoint, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def ensure_openai_checkpoint(model_dir: Path, *, rebuild: bool = False) -> Path:
    """Convert (once) ``model_dir`` into an openai-whisper checkpoint and return its path.

    The checkpoint is written beside the model (``openai-whisper-<fingerprint>.pt``), or under
    :data:`FALLBACK_CACHE_DIR` when the model directory is read-only. Like the model assembly
    it is atomic (temporary file, fsync, rename) and serialised with the same ``.lock``;
    conversions of older model versions in that directory are removed.

    Args:
        model_dir: A CTranslate2 Whisper directory (``model.bin``, ``config.json``).
        rebuild: Convert again even when a checkpoint exists (e.g. it failed to load).

    Raises:
        ModelError: The model cannot be converted or the directory cannot be written.
    """
    directory = _checkpoint_dir(model_dir)
    target = directory / f"{CHECKPOINT_PREFIX}{model_fingerprint(model_dir)}.pt"
    if target.is_file() and not rebuild:
        return target
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(
            f"无法创建模型缓存目录 {directory}：{exc.strerror} (cannot create cache directory)"
        ) from exc
    with exclusive_lock(directory):
        remove_stale_temp_files(directory)
        if target.is_file() and not rebuild:  # another process converted it meanwhile
            return target
        logger.info("converting %s to an openai-whisper checkpoint %s", model_dir, target)
        try:
            _save_atomically(build_checkpoint(model_dir), target)
        except OSError as exc:
            raise ModelError(
                f"无法写入转换后的模型 {target}：{exc.strerror} (cannot write checkpoint)"
            ) from exc
        for old in directory.glob(f"{CHECKPOINT_PREFIX}*.pt"):
            if old != target:
                old.unlink(missing_ok=True)
        fsync_dir(directory)
    return target
