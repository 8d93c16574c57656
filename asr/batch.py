"""Transcribing a folder of recordings into a JSON Lines file, resumable after an interruption.

Each recording gives one line, appended and fsync'ed as soon as it is done::

    {"path": "2024/call_001.wav", "sha256": "...", "text": "...", "language": "zh",
     "duration": 36.2, "segments": [{"start": 0.0, "end": 3.1, "text": "...", "speaker": ""}]}
    {"path": "broken.wav", "sha256": "...", "error": "无法解码音频文件 broken.wav：..."}

``path`` is relative to the folder (``/`` separators). Running the same command again skips
every recording already transcribed *with the same content* (path and SHA-256 of the bytes),
retries recordings that failed, and transcribes new or changed ones, appending their lines: when
a path occurs several times, the last line is the current one (:func:`read_results`).

Safety: each line is written with a single ``write`` to a file opened for appending and then
fsync'ed, so a crash can leave at most one incomplete last line; the next run cuts it off
before appending. An exclusive, non-blocking ``flock`` on the output file stops two runs from
writing the same file at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import fnmatch
import hashlib
import json
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from asr.errors import AsrError
from asr.types import Transcript

logger = logging.getLogger(__name__)

DEFAULT_PATTERNS: tuple[str, ...] = (
    "*.wav", "*.mp3", "*.flac", "*.m4a", "*.ogg", "*.opus", "*.amr", "*.aac", "*.wma", "*.webm",
)  # fmt: skip
"""File-name patterns transcribed by default (matched case-insensitively)."""

_HASH_CHUNK = 1 << 20


class BatchError(AsrError):
    """The folder or the output file cannot be used."""


class SupportsTranscribe(Protocol):
    """Anything with ``transcribe(path) -> Transcript``, e.g. :class:`asr.Transcriber`."""

    def transcribe(self, path: str | Path) -> Transcript:
        """Transcribe one recording."""
        ...


@dataclass
class BatchSummary:
    """What one run of :func:`transcribe_folder` did.

    Attributes:
        out_path: The JSON Lines file.
        total: Recordings matched in the folder.
        transcribed: Recordings transcribed in this run.
        skipped: Recordings already in the output with the same content.
        failed: Recordings that failed in this run (each has an ``error`` line).
        failures: ``(path, message)`` of each failure.
    """

    out_path: Path
    total: int = 0
    transcribed: int = 0
    skipped: int = 0
    failed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def find_recordings(
    folder: Path, patterns: Sequence[str] = DEFAULT_PATTERNS, *, recursive: bool = True
) -> list[Path]:
    """Files under ``folder`` matching any pattern (case-insensitive), sorted by relative path."""
    lowered = [p.lower() for p in patterns]
    candidates = folder.rglob("*") if recursive else folder.glob("*")
    found = [
        p
        for p in candidates
        if p.is_file() and any(fnmatch.fnmatch(p.name.lower(), pat) for pat in lowered)
    ]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def read_results(out_path: Path) -> dict[str, dict[str, Any]]:
    """The current record of every path in a JSON Lines output (the last line per path wins).

    Lines that are not complete JSON objects (an interrupted write) are skipped.
    """
    records: dict[str, dict[str, Any]] = {}
    if not out_path.is_file():
        return records
    with out_path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                logger.warning("%s:%d: skipping an incomplete line", out_path, number)
                continue
            if isinstance(record, dict) and "path" in record:
                records[record["path"]] = record
    return records


def _cut_incomplete_tail(fd: int, out_path: Path) -> None:
    """Remove a last line left without its newline by a crash (only we write: we hold the lock)."""
    size = os.lseek(fd, 0, os.SEEK_END)
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return
    keep, position = 0, size
    while position > 0:
        start = max(0, position - _HASH_CHUNK)
        chunk = os.pread(fd, position - start, start)
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            keep = start + newline + 1
            break
        position = start
    logger.warning("%s: removing an incomplete last line (%d bytes)", out_path, size - keep)
    os.ftruncate(fd, keep)
    os.fsync(fd)


@contextlib.contextmanager
def _locked_output(out_path: Path) -> Iterator[int]:
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise BatchError(
            f"无法写入结果文件 {out_path}：{exc.strerror} (cannot open the output file)"
        ) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BatchError(
                f"另一个转写任务正在写入 {out_path}，请等它结束或换一个输出文件 "
                "(another batch run is writing this file)"
            ) from exc
        _cut_incomplete_tail(fd, out_path)
        yield fd
    finally:
        os.close(fd)  # also releases the lock


def _append_line(fd: int, record: dict[str, Any]) -> None:
    data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    written = os.write(fd, data)  # one append: a line is never interleaved with another
    if written != len(data):
        raise BatchError("结果文件写入不完整，磁盘可能已满 (short write to the output file)")
    os.fsync(fd)


def _record(transcriber: SupportsTranscribe, path: Path, key: str, digest: str) -> dict[str, Any]:
    transcript = transcriber.transcribe(path)
    return {
        "path": key,
        "sha256": digest,
        "text": transcript.text,
        "language": transcript.language,
        "duration": round(transcript.duration, 3),
        "segments": [asdict(s) for s in transcript.segments],
    }


def transcribe_folder(
    transcriber: SupportsTranscribe,
    folder: str | Path,
    out_path: str | Path,
    *,
    patterns: Sequence[str] = DEFAULT_PATTERNS,
    recursive: bool = True,
    progress: bool = True,
) -> BatchSummary:
    """Transcribe every recording in ``folder`` into the JSON Lines file ``out_path``.

    Resumable: recordings already in ``out_path`` with the same path and content are skipped;
    a bad recording gets an ``error`` line and does not stop the batch.

    Args:
        transcriber: Used for each recording, e.g. :class:`asr.Transcriber`.
        folder: Directory to read.
        out_path: Output file; created if missing, appended to otherwise.
        patterns: File-name patterns to include (case-insensitive).
        recursive: Also look in sub-folders.
        progress: Show a tqdm progress bar on stderr.

    Returns:
        Counts of what was transcribed, skipped and failed in this run.

    Raises:
        BatchError: ``folder`` is not a directory, or ``out_path`` cannot be written or is in
            use by another run.
    """
    folder, out_path = Path(folder), Path(out_path)
    if not folder.is_dir():
        raise BatchError(f"找不到录音文件夹 {folder} (not a directory)")
    recordings = find_recordings(folder, patterns, recursive=recursive)
    summary = BatchSummary(out_path=out_path, total=len(recordings))
    with _locked_output(out_path) as fd:
        done = {
            (path, r.get("sha256"))
            for path, r in read_results(out_path).items()
            if "error" not in r
        }
        with tqdm(total=len(recordings), desc="转写", unit="个", disable=not progress) as bar:
            for path in recordings:
                _process_one(transcriber, folder, path, fd, done, summary)
                bar.update(1)
                bar.set_postfix(失败=summary.failed, 跳过=summary.skipped, refresh=False)
    logger.info(
        "%s: %d transcribed, %d skipped, %d failed",
        out_path,
        summary.transcribed,
        summary.skipped,
        summary.failed,
    )
    return summary


def _process_one(
    transcriber: SupportsTranscribe,
    folder: Path,
    path: Path,
    fd: int,
    done: set[tuple[str, Any]],
    summary: BatchSummary,
) -> None:
    key = path.relative_to(folder).as_posix()
    try:
        digest = file_sha256(path)
    except OSError as exc:
        record: dict[str, Any] = {"path": key, "sha256": None, "error": f"无法读取：{exc}"}
    else:
        if (key, digest) in done:
            summary.skipped += 1
            return
        try:
            record = _record(transcriber, path, key, digest)
        except Exception as exc:  # one bad recording must not stop the batch
            logger.debug("failed on %s", path, exc_info=True)
            record = {"path": key, "sha256": digest, "error": str(exc) or type(exc).__name__}
    _append_line(fd, record)
    if "error" in record:
        summary.failed += 1
        summary.failures.append((key, record["error"]))
        logger.warning("%s: %s", key, record["error"])
    else:
        summary.transcribed += 1
