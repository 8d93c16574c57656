"""Checks the committed sample calls in data/calls (audio, scripts, ground truth).

The recordings are synthesised by scripts/synth_calls.py from
data/calls/scripts/*.yaml; these tests make sure every recording decodes, has
the format its truth file declares, puts speech where the truth says it is, and
that each truth file is complete and agrees with its script and the taxonomy.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CALLS_DIR = ROOT / "data" / "calls"
SCRIPTS_DIR = CALLS_DIR / "scripts"
TTS_PYTHON = ROOT / ".venv-tts" / "bin" / "python"

CALL_IDS = sorted(path.stem for path in SCRIPTS_DIR.glob("*.yaml"))
REQUIRED_CODES = {
    "safety.gas_leak",
    "safety.road_hazard",
    "environment.garbage",
    "environment.construction_noise",
    "administrative.public_transport",
    "administrative.medical_insurance",
    "administrative.business_licence",
    "administrative.heating",
}
TRUTH_TYPES: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "file": str,
    "files": list,
    "top": str,
    "code": str,
    "label": str,
    "department_key": str,
    "department": str,
    "urgent": bool,
    "phone": str,
    "address": str,
    "surname": (str, type(None)),
    "caller_text": str,
    "agent_text": str,
    "speech_s": float,
    "duration_s": float,
    "turns": list,
}
CODEC_NAMES = {"pcm_mulaw": {"pcm_mulaw"}, "flac": {"flac"}, "mp3": {"mp3", "mp3float"}}
SPOKEN_DIGITS = {
    "零": "0",
    "幺": "1",
    "一": "1",
    "二": "2",
    "两": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
CHINESE_DIGITS = "零一二三四五六七八九"


def load_taxonomy() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "data" / "taxonomy.yaml").read_text(encoding="utf-8"))


def load_truth(call_id: str) -> dict[str, Any]:
    return json.loads((CALLS_DIR / f"{call_id}.truth.json").read_text(encoding="utf-8"))


def load_script(call_id: str) -> dict[str, Any]:
    return yaml.safe_load((SCRIPTS_DIR / f"{call_id}.yaml").read_text(encoding="utf-8"))


def decode(path: Path) -> tuple[np.ndarray, int, str, int]:
    """Decodes a file to float32 samples (channels, n), rate, codec name, channels."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate, channels = stream.rate, stream.codec_context.channels
        codec = stream.codec_context.name
        resampler = av.AudioResampler(format="fltp", layout=stream.layout.name, rate=rate)
        chunks = []
        for frame in container.decode(stream):
            for converted in resampler.resample(frame):
                chunks.append(converted.to_ndarray())
        for converted in resampler.resample(None):
            chunks.append(converted.to_ndarray())
    return np.concatenate(chunks, axis=1), rate, codec, channels


def spoken_digit_runs(text: str) -> list[str]:
    """Numbers as heard: digit characters, with commas inside a number skipped."""
    runs, current = [], ""
    for char in text:
        if char in SPOKEN_DIGITS:
            current += SPOKEN_DIGITS[char]
        elif char in "，、" and current:
            continue
        else:
            if current:
                runs.append(current)
            current = ""
    return [*runs, current] if current else runs


def read_number(number: int) -> str:
    """Chinese reading of 1-9999 as used in addresses: 106 -> 一百零六, 12 -> 十二."""
    assert 0 < number < 10_000
    parts: list[str] = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(CHINESE_DIGITS[digit] + unit)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def strip_punctuation(text: str) -> str:
    return re.sub(r"[，。？！、：]", "", text)


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) + 1e-9


def test_read_number() -> None:
    assert [read_number(n) for n in (5, 12, 66, 106, 128, 420, 1010)] == [
        "五",
        "十二",
        "六十六",
        "一百零六",
        "一百二十八",
        "四百二十",
        "一千零一十",
    ]


def test_collection_covers_the_taxonomy_and_required_cases() -> None:
    assert len(CALL_IDS) >= 8, "data/calls/scripts 里至少要有 8 通电话"
    truths = [load_truth(call_id) for call_id in CALL_IDS]
    tops = {category["code"] for category in load_taxonomy()["categories"]}
    assert {truth["top"] for truth in truths} == tops
    assert {truth["code"] for truth in truths} >= REQUIRED_CODES
    assert any(truth["urgent"] for truth in truths)
    assert not all(truth["urgent"] for truth in truths)
    stereo = {f["codec"] for truth in truths for f in truth["files"] if f["channels"] == 2}
    assert {"flac", "mp3"} <= stereo


def test_no_orphan_outputs() -> None:
    produced = {path.name.split(".")[0] for path in CALLS_DIR.iterdir() if path.is_file()}
    produced.discard("README")
    assert produced == set(CALL_IDS), "每个录音/真值文件都应有对应的通话脚本"
    total = sum(path.stat().st_size for path in CALLS_DIR.rglob("*") if path.is_file())
    assert total < 6 * 1024 * 1024, f"data/calls 共 {total} 字节，超出体积预算"


@pytest.mark.parametrize("call_id", CALL_IDS)
def test_truth_is_complete_and_matches_taxonomy(call_id: str) -> None:
    truth = load_truth(call_id)
    for key, expected in TRUTH_TYPES.items():
        assert isinstance(truth.get(key), expected), f"{call_id}: {key} 缺失或类型错误"
    taxonomy = load_taxonomy()
    subs = {
        sub["code"]: (category["code"], sub)
        for category in taxonomy["categories"]
        for sub in category["subcategories"]
    }
    assert truth["code"] in subs
    top, sub = subs[truth["code"]]
    assert truth["top"] == top
    assert truth["label"] == sub["label"]
    assert truth["department_key"] == sub["department"]
    assert truth["department"] == taxonomy["departments"][sub["department"]]["name"]
    assert truth["id"] == call_id
    assert truth["file"] == f"{call_id}.wav" == truth["files"][0]["path"]
    assert re.fullmatch(r"\d{7,12}", truth["phone"])
    assert 25.0 <= truth["speech_s"] <= 60.0


@pytest.mark.parametrize("call_id", CALL_IDS)
def test_truth_agrees_with_script(call_id: str) -> None:
    truth, script = load_truth(call_id), load_script(call_id)
    for key in ("id", "code", "top", "urgent", "phone", "address"):
        assert truth[key] == script[key], f"{call_id}: {key}"
    assert truth["department_key"] == script["department"]
    assert truth["surname"] == script.get("surname")
    spoken = [(turn["speaker"], turn["text"]) for turn in truth["turns"]]
    assert spoken == [(turn["speaker"], turn["text"]) for turn in script["turns"]]
    for who in ("caller", "agent"):
        said = "".join(text for speaker, text in spoken if speaker == who)
        assert truth[f"{who}_text"] == said


@pytest.mark.parametrize("call_id", CALL_IDS)
def test_caller_says_phone_address_and_surname(call_id: str) -> None:
    truth = load_truth(call_id)
    caller = truth["caller_text"]
    assert truth["phone"] in spoken_digit_runs(caller), f"{call_id}: 电话号码没有被读出"
    spoken_address = re.sub(r"\d+", lambda m: read_number(int(m.group())), truth["address"])
    assert spoken_address in strip_punctuation(caller), f"{call_id}: 地址没有被完整说出"
    if truth["surname"]:
        assert f"姓{truth['surname']}" in caller


@pytest.mark.parametrize("call_id", CALL_IDS)
def test_turn_times_are_ordered_and_inside_the_recording(call_id: str) -> None:
    truth = load_truth(call_id)
    previous_end = 0.0
    for turn in truth["turns"]:
        assert turn["speaker"] in ("agent", "caller")
        assert previous_end < turn["start"] < turn["end"] <= truth["duration_s"]
        previous_end = turn["end"]
    assert truth["turns"][0]["speaker"] == "agent"
    speech = sum(turn["end"] - turn["start"] for turn in truth["turns"])
    assert speech == pytest.approx(truth["speech_s"], abs=0.01)


@pytest.mark.parametrize("call_id", CALL_IDS)
def test_recordings_decode_with_declared_format(call_id: str) -> None:
    truth = load_truth(call_id)
    for entry in truth["files"]:
        path = CALLS_DIR / entry["path"]
        assert path.is_file(), f"缺少录音文件 {entry['path']}"
        samples, rate, codec, channels = decode(path)
        assert codec in CODEC_NAMES[entry["codec"]], f"{entry['path']}: 编码为 {codec}"
        assert rate == entry["sample_rate"]
        assert channels == entry["channels"] == samples.shape[0]
        # MP3 adds encoder delay/padding of up to about two frames.
        assert samples.shape[1] / rate == pytest.approx(entry["duration_s"], abs=0.2)
        assert entry["duration_s"] == pytest.approx(truth["duration_s"], abs=0.01)
        assert np.max(np.abs(samples)) < 1.0, f"{entry['path']}: 削波"


def _turn_slice(turn: dict[str, Any], rate: int) -> slice:
    return slice(int(turn["start"] * rate), int(turn["end"] * rate))


@pytest.mark.parametrize("call_id", CALL_IDS)
def test_mono_mix_has_speech_in_turns_and_quiet_gaps(call_id: str) -> None:
    truth = load_truth(call_id)
    samples, rate, _, _ = decode(CALLS_DIR / truth["file"])
    mono = samples[0]
    turns = truth["turns"]
    gaps = [(a["end"] + 0.05, b["start"] - 0.05) for a, b in itertools.pairwise(turns)]
    gap_audio = np.concatenate([mono[int(s * rate) : int(e * rate)] for s, e in gaps if e > s])
    for turn in turns:
        level = rms(mono[_turn_slice(turn, rate)])
        # Speech sits at about -20 dBFS, the line noise near -58 dBFS.
        assert level > 10 * rms(gap_audio), f"{call_id}: {turn['text'][:8]} 听不到说话声"


STEREO = [
    (call_id, entry["path"])
    for call_id in CALL_IDS
    for entry in load_truth(call_id)["files"]
    if entry["channels"] == 2
]


@pytest.mark.parametrize(("call_id", "name"), STEREO)
def test_stereo_puts_agent_left_and_caller_right(call_id: str, name: str) -> None:
    truth = load_truth(call_id)
    samples, rate, _, _ = decode(CALLS_DIR / name)
    for turn in truth["turns"]:
        left, right = (rms(channel[_turn_slice(turn, rate)]) for channel in samples)
        speaking, other = (left, right) if turn["speaker"] == "agent" else (right, left)
        assert speaking > 30 * other, f"{name}: {turn['speaker']} 的声道不对"


@pytest.mark.slow
@pytest.mark.skipif(
    not TTS_PYTHON.exists(), reason="未安装语音合成环境（bash scripts/setup_tts.sh）"
)
def test_synthesis_reproduces_committed_call(tmp_path: Path) -> None:
    call_id = "heating_01"
    subprocess.run(
        [
            str(TTS_PYTHON),
            str(ROOT / "scripts" / "synth_calls.py"),
            "--out",
            str(tmp_path),
            call_id,
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    assert load_truth(call_id) == json.loads((tmp_path / f"{call_id}.truth.json").read_text())
    for entry in load_truth(call_id)["files"]:
        committed, _, _, _ = decode(CALLS_DIR / entry["path"])
        fresh, _, _, _ = decode(tmp_path / entry["path"])
        assert committed.shape == fresh.shape
        # Bit-exact on the same CPU; other CPUs may round TFLite's floats differently.
        assert np.max(np.abs(committed - fresh)) < 0.05


DEV_SCRIPTS = sorted((CALLS_DIR).glob("dev*/scripts/*.yaml"))


@pytest.fixture(scope="module")
def synth_module() -> Any:
    """scripts/synth_calls.py as a module (it imports no TTS code until it synthesises)."""
    import importlib.util

    path = ROOT / "scripts" / "synth_calls.py"
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))  # its sibling modules (call_audio)
    spec = importlib.util.spec_from_file_location("synth_calls", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth_calls"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", DEV_SCRIPTS, ids=lambda p: p.stem)
def test_development_call_scripts_are_valid(path: Path, synth_module: Any) -> None:
    """Every development script passes the synthesis script's own checks (no audio made)."""
    script = synth_module.load_script(path, synth_module.load_taxonomy())
    assert script.id == path.stem


def test_every_development_set_has_sixteen_calls() -> None:
    sets = Counter(p.parent.parent.name for p in DEV_SCRIPTS)
    names = ("dev", *(f"dev{n}" for n in range(2, 64)))
    assert sets == {name: 16 for name in names}
