"""Recognising recordings by content, storing them by hash, and the body-size limit."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.errors import Invalid, TooLarge, UnsupportedMedia
from api.intake import human_size, sniff_audio, store_upload
from tests.api.factories import Api, make_wav, snapshot


@pytest.mark.parametrize(
    ("head", "content_type"),
    [
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "audio/wav"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64\x00\x00\x00\x00", "audio/mpeg"),
        (b"fLaC\x00\x00\x00\x22", "audio/flac"),
        (b"OggS\x00\x02\x00\x00", "audio/ogg"),
        (b"#!AMR\n\x3c\x00", "audio/amr"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00", "audio/mp4"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81", "audio/webm"),
        (b"\xff\xf1\x50\x80\x02\x1f\xfc", "audio/aac"),
    ],
)
def test_sniff_known_formats(head: bytes, content_type: str) -> None:
    kind = sniff_audio(head)
    assert kind is not None and kind.content_type == content_type


@pytest.mark.parametrize(
    "head",
    [
        b"%PDF-1.7\n",
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff\xe0JFIF",
        b"PK\x03\x04",
        b"hello",
        b"RIFF\x00\x00\x00\x00AVI ",
        b"\xff\xff\xff\xff",
    ],
)
def test_sniff_rejects_other_content(head: bytes) -> None:
    assert sniff_audio(head) is None


def test_store_by_hash_and_dedupe(tmp_path: Path) -> None:
    data = make_wav()
    first = store_upload(io.BytesIO(data), upload_dir=tmp_path, max_bytes=10**6)
    again = store_upload(io.BytesIO(data), upload_dir=tmp_path, max_bytes=10**6)
    assert first.created and not again.created and first.path == again.path
    assert first.path.read_bytes() == data and first.size == len(data)
    assert first.path.parent.name == first.sha256[:2]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [first.path]


@pytest.mark.parametrize(
    ("data", "error"),
    [(make_wav(seconds=2.0), TooLarge), (b"not audio at all", UnsupportedMedia), (b"", Invalid)],
)
def test_refused_uploads_leave_no_file(tmp_path: Path, data: bytes, error: type) -> None:
    with pytest.raises(error):
        store_upload(io.BytesIO(data), upload_dir=tmp_path, max_bytes=20_000)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_chunked_upload_over_the_limit_is_cut_off(sqlite_api: Api) -> None:
    """Without Content-Length the body is counted as it streams in."""
    boundary = "testboundary"
    payload = make_wav(seconds=10.0)  # 320 kB > 200 kB limit

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="c.wav"\r\nContent-Type: audio/wav\r\n\r\n'
        ).encode()
        for i in range(0, len(payload), 16384):
            yield payload[i : i + 16384]
        yield f"\r\n--{boundary}--\r\n".encode()

    before = snapshot(sqlite_api.engine, sqlite_api.upload_dir)
    headers = {
        **sqlite_api.as_("operator").headers,
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    resp = sqlite_api.client.post("/calls", content=body(), headers=headers)
    assert resp.status_code == 413 and "文件过大" in resp.json()["detail"]
    assert snapshot(sqlite_api.engine, sqlite_api.upload_dir) == before


def test_human_size() -> None:
    assert human_size(50 * 1024 * 1024) == "50 MB"
    assert human_size(200_000) == "195 KB"
    assert human_size(900) == "900 字节"
