"""Batch transcription of a folder: JSON Lines output, resumable, one bad file never stops it."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

import numpy as np
import pytest

from asr.batch import BatchError, file_sha256, read_results, transcribe_folder
from asr.errors import AudioError
from asr.types import Segment, Transcript
from tests.asr.audio_factory import tone, write_wav


class FakeTranscriber:
    """Returns the file's name as text; fails on names containing 'bad'; can be interrupted."""

    def __init__(self, interrupt_after: int | None = None) -> None:
        self.calls: list[str] = []
        self.interrupt_after = interrupt_after

    def transcribe(self, path: str | Path) -> Transcript:
        path = Path(path)
        if self.interrupt_after is not None and len(self.calls) >= self.interrupt_after:
            raise KeyboardInterrupt  # what Ctrl-C or a kill looks like to the loop
        self.calls.append(path.name)
        if "bad" in path.name:
            raise AudioError(f"无法解码音频文件 {path.name}：不是音频或文件已损坏")
        text = f"文本{path.stem}"
        return Transcript(text=text, segments=[Segment(0.0, 1.0, text)], duration=1.0)


def make_folder(root: Path, names: list[str]) -> Path:
    for name in names:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(name.encode() + os.urandom(64))  # distinct content per file
    return root


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


NAMES = ["a.wav", "b.MP3", "sub/c.flac", "d.wav", "notes.txt"]


def test_transcribes_every_recording_once(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "in", NAMES)
    out = tmp_path / "out" / "result.jsonl"
    summary = transcribe_folder(FakeTranscriber(), folder, out, progress=False)
    assert (summary.total, summary.transcribed, summary.skipped, summary.failed) == (4, 4, 0, 0)
    records = lines(out)
    assert [r["path"] for r in records] == ["a.wav", "b.MP3", "d.wav", "sub/c.flac"]
    first = records[0]
    assert first["text"] == "文本a" and first["segments"][0]["text"] == "文本a"
    assert first["sha256"] == file_sha256(folder / "a.wav")


def test_resumes_after_interruption(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "in", NAMES)
    out = tmp_path / "result.jsonl"
    with pytest.raises(KeyboardInterrupt):
        transcribe_folder(FakeTranscriber(interrupt_after=2), folder, out, progress=False)
    assert [r["path"] for r in lines(out)] == ["a.wav", "b.MP3"]

    again = FakeTranscriber()
    summary = transcribe_folder(again, folder, out, progress=False)
    assert again.calls == ["d.wav", "c.flac"]  # only what was left
    assert (summary.transcribed, summary.skipped) == (2, 2)
    assert sorted(r["path"] for r in lines(out)) == ["a.wav", "b.MP3", "d.wav", "sub/c.flac"]

    third = FakeTranscriber()
    assert transcribe_folder(third, folder, out, progress=False).skipped == 4
    assert third.calls == []


def test_changed_content_is_transcribed_again(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "in", ["a.wav", "b.wav"])
    out = tmp_path / "result.jsonl"
    transcribe_folder(FakeTranscriber(), folder, out, progress=False)
    (folder / "a.wav").write_bytes(b"new recording")
    again = FakeTranscriber()
    summary = transcribe_folder(again, folder, out, progress=False)
    assert again.calls == ["a.wav"] and summary.skipped == 1
    assert len(lines(out)) == 3
    assert read_results(out)["a.wav"]["sha256"] == file_sha256(folder / "a.wav")


def test_bad_file_is_reported_and_retried(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "in", ["a.wav", "bad.wav", "c.wav"])
    out = tmp_path / "result.jsonl"
    summary = transcribe_folder(FakeTranscriber(), folder, out, progress=False)
    assert (summary.transcribed, summary.failed) == (2, 1)
    assert summary.failures[0][0] == "bad.wav" and "无法解码" in summary.failures[0][1]
    assert "error" in read_results(out)["bad.wav"]
    again = FakeTranscriber()
    transcribe_folder(again, folder, out, progress=False)
    assert again.calls == ["bad.wav"]  # failures are retried, successes are not


def test_incomplete_last_line_is_cut_off(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "in", ["a.wav", "b.wav"])
    out = tmp_path / "result.jsonl"
    transcribe_folder(FakeTranscriber(), folder, out, progress=False)
    with out.open("ab") as handle:  # a crash in the middle of writing c.wav's line
        handle.write(b'{"path": "c.wav", "sha256": "12')
    assert set(read_results(out)) == {"a.wav", "b.wav"}
    make_folder(folder, ["c.wav"])
    transcribe_folder(FakeTranscriber(), folder, out, progress=False)
    assert [r["path"] for r in lines(out)] == ["a.wav", "b.wav", "c.wav"]  # all lines parse


def test_output_in_use_is_refused(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "in", ["a.wav"])
    out = tmp_path / "result.jsonl"
    out.touch()
    with out.open("rb") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        with pytest.raises(BatchError, match="另一个转写任务"):
            transcribe_folder(FakeTranscriber(), folder, out, progress=False)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(BatchError, match="找不到录音文件夹"):
        transcribe_folder(FakeTranscriber(), tmp_path / "nope", tmp_path / "o.jsonl")
    assert issubclass(BatchError, ValueError)


@pytest.mark.slow
@pytest.mark.shared
def test_real_batch(transcriber, shared_asr_dir: Path, shared_references, tmp_path: Path) -> None:
    from asr.textnorm import character_error_rate

    folder = tmp_path / "calls"
    folder.mkdir()
    clip = "firered_BAC009S0764W0121.wav"
    (folder / clip).write_bytes((shared_asr_dir / clip).read_bytes())  # a temporary copy only
    write_wav(folder / "silence.wav", np.zeros(16_000 * 3, np.float32))
    write_wav(folder / "beep.wav", tone(0.5))
    (folder / "broken.wav").write_bytes(b"RIFF not really a wav file")
    out = tmp_path / "out.jsonl"
    summary = transcribe_folder(transcriber, folder, out, progress=False)
    assert (summary.total, summary.transcribed, summary.failed) == (4, 3, 1)
    results = read_results(out)
    assert character_error_rate(shared_references[clip], results[clip]["text"]) <= 0.25
    assert results["silence.wav"]["text"] == ""
    assert "无法解码" in results["broken.wav"]["error"]
    assert transcribe_folder(transcriber, folder, out, progress=False).skipped == 3
