"""Receiving recordings: size limit, type by content (not by name), storage by content hash."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from api.errors import Invalid, TooLarge, UnsupportedMedia

logger = logging.getLogger(__name__)

_CHUNK = 1024 * 1024
SNIFF_BYTES = 16


@dataclass(frozen=True)
class AudioKind:
    """A recognised recording format."""

    content_type: str
    extension: str


def sniff_audio(head: bytes) -> AudioKind | None:
    """The audio format whose magic bytes start ``head``, or ``None`` if it is not audio."""
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return AudioKind("audio/wav", ".wav")
    if head.startswith(b"fLaC"):
        return AudioKind("audio/flac", ".flac")
    if head.startswith(b"OggS"):
        return AudioKind("audio/ogg", ".ogg")
    if head.startswith(b"#!AMR"):
        return AudioKind("audio/amr", ".amr")
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return AudioKind("audio/mp4", ".m4a")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return AudioKind("audio/webm", ".webm")
    if head.startswith(b"ID3") or _is_mpeg_frame(head):
        return AudioKind("audio/mpeg", ".mp3")
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return AudioKind("audio/aac", ".aac")
    return None


def _is_mpeg_frame(head: bytes) -> bool:
    """An MPEG audio frame header: sync bits, a valid layer, bitrate and sample rate."""
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    layer = (head[1] >> 1) & 0x3
    bitrate = head[2] >> 4
    rate = (head[2] >> 2) & 0x3
    return layer != 0 and bitrate not in (0, 15) and rate != 3


_MAX_NAME_CHARS = 256


def check_filename(name: str | None) -> str | None:
    """The client's file name if it is a plain name; ``Invalid`` (422) otherwise.

    Only kept as a label (files are stored under their hash), but a name with a directory
    part (``../../etc/passwd.wav``, ``C:\\x.wav``), control characters or NUL bytes is not
    something a legitimate client sends, so the upload is refused before anything is stored.
    """
    if not name:
        return None
    if (
        "/" in name
        or "\\" in name
        or name in (".", "..")
        or any(ord(c) < 32 or ord(c) == 127 for c in name)
    ):
        raise Invalid("文件名不合法：不能包含路径、控制字符或空字符")
    return name[:_MAX_NAME_CHARS]


def _check_complete(head: bytes, size: int, kind: AudioKind) -> None:
    """A WAV whose RIFF header announces more bytes than arrived was cut off in transfer."""
    if kind.extension != ".wav" or len(head) < 12:
        return
    declared = int.from_bytes(head[4:8], "little") + 8
    # 0 and 0xFFFFFFFF are placeholders of recorders that stream (length unknown).
    if declared not in (8, 0xFFFFFFFF + 8) and declared > size:
        raise Invalid(f"录音文件不完整：应有 {declared} 字节，只收到 {size} 字节（上传可能中断）")


@dataclass(frozen=True)
class StoredUpload:
    """A recording saved under the upload directory."""

    path: Path
    sha256: str
    size: int
    kind: AudioKind
    created: bool  # False when an identical file was already stored


def store_upload(stream: BinaryIO, *, upload_dir: Path, max_bytes: int) -> StoredUpload:
    """Copy an upload to ``upload_dir/<sha[:2]>/<sha><ext>`` while hashing and measuring it.

    Raises:
        Invalid: The file is empty (422).
        UnsupportedMedia: The content is not a known audio format (415).
        TooLarge: The file exceeds ``max_bytes`` (413); nothing is kept.
    """
    upload_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".upload-", dir=upload_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            digest, size, kind = _copy_checked(stream, out, max_bytes)
        sha = digest.hexdigest()
        final = upload_dir / sha[:2] / f"{sha}{kind.extension}"
        final.parent.mkdir(parents=True, exist_ok=True)
        created = not final.exists()
        if created:
            os.replace(tmp, final)
        return StoredUpload(path=final, sha256=sha, size=size, kind=kind, created=created)
    finally:
        tmp.unlink(missing_ok=True)


def _copy_checked(
    stream: BinaryIO, out: BinaryIO, max_bytes: int
) -> tuple[hashlib._Hash, int, AudioKind]:
    digest = hashlib.sha256()
    size = 0
    kind: AudioKind | None = None
    head = b""
    while chunk := stream.read(_CHUNK):
        if kind is None:
            # The first chunk is large enough to hold any magic number we check.
            head = chunk[:SNIFF_BYTES]
            kind = sniff_audio(head)
            if kind is None:
                raise UnsupportedMedia(
                    "不支持的文件类型：请上传录音文件（WAV、MP3、AMR、M4A、OGG、FLAC、WebM）"
                )
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"文件过大：录音不能超过 {human_size(max_bytes)}", max_bytes=max_bytes)
        digest.update(chunk)
        out.write(chunk)
    if kind is None:
        raise Invalid("上传的文件为空")
    _check_complete(head, size, kind)
    return digest, size, kind


def human_size(n: int) -> str:
    """``50 MB``, ``512 KB``, ``900 字节``."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节"


def discard_upload(stored: StoredUpload) -> None:
    """Remove a file this request stored (used when the request is refused afterwards)."""
    if stored.created:
        stored.path.unlink(missing_ok=True)
