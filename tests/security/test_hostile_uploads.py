"""Hostile uploads get a 4xx, change nothing in the database, and write nothing outside the
upload directory (nor leave anything inside it). Both backends: PostgreSQL refuses NUL bytes
in text, SQLite does not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.factories import Api, make_wav, snapshot

pytestmark = pytest.mark.security

LIMIT = 200_000  # upload_max_bytes of the test settings


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


BOUNDARY = "minsheng-boundary"


def _multipart(name: str, content: bytes, form: dict[str, str]) -> bytes:
    """A multipart body written by hand: the file name's bytes go out raw (a client library
    would percent-escape NUL and control characters, and the server would never see them)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in form.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: audio/wav\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _upload(api: Api, name: str, content: bytes, **form: str) -> tuple[int, dict[str, object]]:
    resp = api.client.post(
        "/calls",
        content=_multipart(name, content, form),
        headers={
            "Authorization": f"Bearer {api.tokens['operator']}",
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
        },
    )
    return resp.status_code, resp.json() if resp.content else {}


@pytest.fixture
def watched(api: Api, tmp_path: Path) -> Iterator[Api]:
    """The app; afterwards: no row changed, no file appeared anywhere under the test's folder."""
    before_db = snapshot(api.engine, api.upload_dir)
    before_files = _files(tmp_path)
    yield api
    assert snapshot(api.engine, api.upload_dir) == before_db
    assert _files(tmp_path) == before_files


WAV = make_wav(seconds=0.3)

HOSTILE: dict[str, tuple[str, bytes]] = {
    "parent directories": ("../../etc/passwd.wav", WAV),
    "absolute path": ("/etc/cron.d/minsheng.wav", WAV),
    "windows path": ("..\\..\\Windows\\System32\\evil.wav", WAV),
    "nul byte in the name": ("call\x00.wav", WAV),
    "terminal escape in the name": ("call\x1b[31m.wav", WAV),
    "tab in the name": ("call\t.wav", WAV),
    "dot-dot alone": ("..", WAV),
    "text named .wav": ("call.wav", b"just some text, not audio at all\n" * 10),
    "png named .wav": ("call.wav", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    "elf executable": ("call.wav", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
    "html": ("call.wav", b"<html><script>alert(1)</script></html>"),
    "empty": ("call.wav", b""),
    "truncated header": ("call.wav", WAV[:6]),
    "truncated wav": ("call.wav", WAV[: len(WAV) // 2]),
    "nul bytes only": ("call.wav", b"\x00" * 4096),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_upload_is_refused(watched: Api, case: str) -> None:
    name, content = HOSTILE[case]
    status, body = _upload(watched, name, content)
    assert 400 <= status < 500, (status, body)
    assert isinstance(body.get("detail"), str) and body["detail"]  # a reason a person can read


def test_huge_upload_is_refused_by_its_declared_length(watched: Api) -> None:
    big = WAV[:44] + b"\x00" * (LIMIT * 3)
    status, body = _upload(watched, "big.wav", big)
    assert status == 413, body


def test_huge_chunked_upload_is_refused_while_it_streams(watched: Api) -> None:
    boundary = BOUNDARY
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()

    def body() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield head + WAV[:44]
        for _ in range(LIMIT * 3 // 65536):
            yield b"\x00" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    resp = watched.client.post(
        "/calls",
        content=body(),
        headers={
            "Authorization": f"Bearer {watched.tokens['operator']}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert resp.status_code == 413, resp.text


def test_a_body_cut_off_mid_upload_is_refused(watched: Api) -> None:
    boundary = BOUNDARY
    cut = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode() + WAV[:1000]  # no closing boundary: the connection dropped
    resp = watched.client.post(
        "/calls",
        content=cut,
        headers={
            "Authorization": f"Bearer {watched.tokens['operator']}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert 400 <= resp.status_code < 500, resp.text


@pytest.mark.parametrize("field", ["caller_name", "caller_phone"])
def test_nul_bytes_in_form_fields_leave_no_file_behind(api: Api, field: str) -> None:
    before = snapshot(api.engine, api.upload_dir)
    status, body = _upload(api, "ok.wav", make_wav(seconds=0.3, freq=523.0), **{field: "王\x00"})
    if api.engine.dialect.name == "sqlite":  # SQLite stores the NUL: an ordinary call
        assert status == 202, body
        return
    assert status == 422, body  # PostgreSQL refuses NUL in text: no 500, and no orphan file
    assert snapshot(api.engine, api.upload_dir) == before


def test_a_plain_name_is_kept_as_a_label_only(api: Api) -> None:
    status, body = _upload(api, "来电 2026-11-29 (1).wav", make_wav(seconds=0.3, freq=611.0))
    assert status == 202, body
    stored = [p for p in api.upload_dir.rglob("*") if p.is_file()]
    assert len(stored) == 1
    name = stored[0].name
    assert name.endswith(".wav") and len(name) == 64 + 4  # <sha256>.wav, never the client's name
