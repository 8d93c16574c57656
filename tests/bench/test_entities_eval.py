"""Tests for the entity and urgency evaluation script."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "entities_eval.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("entities_eval", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


entities_eval = _load()


def _write_call(folder: Path, call_id: str, **truth: object) -> None:
    (folder / f"{call_id}.truth.json").write_text(
        json.dumps({"id": call_id, **truth}, ensure_ascii=False), encoding="utf-8"
    )


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    _write_call(
        tmp_path, "gas_99", phone="13931857264", address="长安区胜利北大街236号建明小区5号楼",
        urgent=True,
    )  # fmt: skip
    _write_call(
        tmp_path, "bus_99", phone="17803215566", address="裕华区塔南路199号", urgent=False,
        top="administrative", code="administrative.public_transport", department="市交通运输局",
    )  # fmt: skip
    gas_text = (
        "我们楼道里媒气位特别大。长安区，胜利北达加236号，建民小区5号楼。电话时139,3185,72645"
    )
    rows = [
        {
            "source": str(tmp_path / "gas_99.stereo.flac"),
            "transcript": {
                "text": "您好，12345。" + gas_text,
                "segments": [
                    {"start": 0, "end": 1, "text": "您好，12345。", "speaker": "agent"},
                    {"start": 1, "end": 9, "text": gas_text, "speaker": "caller"},
                ],
            },
            "entities": {"phones": [], "addresses": ["长安区"]},
            "urgent": False,
        },
        {
            "source": str(tmp_path / "bus_99.wav"),
            "transcript": {"text": "我住在艺华区坦南路199号，电话要七八、零三二一、五五六六"},
            "entities": {"phones": ["17803215566"], "addresses": ["裕华区塔南路199号1号楼"]},
            "category": {"top": "administrative", "code": "administrative.road_maintenance"},
            "department": "市交通运输局",
            "urgent": False,
        },
        {"source": str(tmp_path / "unknown_01.wav"), "transcript": {"text": ""}},
    ]
    path = tmp_path / "out.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert entities_eval.main([*args, "--no-save"]) == 0
    out = capsys.readouterr().out
    report, _, table = out.partition("\n\n")
    assert table.startswith("| call |")
    return dict(json.loads(report))


def test_stored_outputs_are_scored_as_given(outputs: Path, capsys: pytest.CaptureFixture) -> None:
    report = _run(capsys, str(outputs), "--truth-dir", str(outputs.parent))
    assert report["totals"] == {
        "calls": 2, "top": 1, "sub": 0, "department": 1, "phone": 1, "address_core": 1,
        "address": 0, "address_loose": 0, "urgent_correct": 1,
        "urgent_calls": 1, "urgent_flagged": 0, "false_alarms": 0,
    }  # fmt: skip
    assert report["missing_truth"] == [str(outputs.parent / "unknown_01.wav")]


def test_reextract_uses_the_callers_words(outputs: Path, capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("pypinyin", reason="homophones need pypinyin")
    report = _run(capsys, str(outputs), "--truth-dir", str(outputs.parent), "--reextract")
    gas, bus = report["calls"]
    assert gas["said_phone"] == "13931857264" and gas["phone"]
    assert gas["said_address"] == "长安区胜利北大街236号建民小区5号楼"
    assert not gas["address"] and gas["address_loose"]  # 建民 sounds like 建明
    assert gas["flagged"] and gas["urgent"]
    assert bus["address"] and bus["phone"] and bus["urgent"]


@pytest.mark.parametrize(
    ("said", "truth", "same"),
    [
        ("长安区胜利北大街236号建民小区5号楼", "长安区胜利北大街236号建明小区5号楼", True),
        ("桥西区新石北路216号推远小区", "桥西区新石北路216号翠园小区", True),  # one wrong
        ("长安区建设北大街72号光滑小区", "长安区建设北大街72号光华小区4号楼", False),
        ("长安区胜利北大街236号建民小区6号楼", "长安区胜利北大街236号建明小区5号楼", False),
        ("长安区胜利北大街238号建明小区5号楼", "长安区胜利北大街236号建明小区5号楼", False),
        ("长安区和平东路320号", "长安区和平东路320号", True),
        ("长安区和平东路321号", "长安区和平东路320号", False),
    ],
)
def test_loose_address_comparison(said: str, truth: str, same: bool) -> None:
    pytest.importorskip("pypinyin", reason="sound comparison needs pypinyin")
    assert entities_eval.same_address_loosely(said, truth) is same


def test_truths_are_compared_in_the_extractors_form() -> None:
    truth = "桥西区裕华西路三百零六号锦华园小区十二号楼"
    assert entities_eval.canonical_truth(truth) == "桥西区裕华西路306号锦华园小区12号楼"
    assert entities_eval.address_core(truth) == "桥西区裕华西路306号"
    junction = "裕华区槐安东路和体育南大街交叉口"
    assert entities_eval.address_core(junction) == "裕华区槐安东路与体育南大街交叉口"
    assert entities_eval.canonical_truth("新华区和平西路56号") == "新华区和平西路56号"
