"""Retraining on small data: merging, leakage guard, registration, metrics, the CLI function."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classify.export import LabelledExample, freeze_eval_set, load_frozen_eval, write_export_file
from classify.gate import GateRefused
from classify.registry import Registry
from classify.retrain import (
    RetrainOptions,
    build_training_set,
    format_report,
    retrain,
    run_retrain,
)

GAS, GARBAGE, HEAT = "safety.gas_leak", "environment.garbage", "administrative.heating"
BASE = {
    GAS: ["楼道里有煤气味", "厨房燃气漏气了", "燃气管道漏气 味道很大", "闻到一股天然气味",
          "燃气表那儿有味", "煤气罐漏气了"],
    GARBAGE: ["垃圾三天没人收", "垃圾桶满了没人清", "楼下垃圾堆成山", "垃圾站臭得不行",
              "环卫工好几天没来收垃圾", "路边的垃圾箱都满了"],
    HEAT: ["暖气不热", "家里暖气片冰凉", "供暖以后屋里才十五度", "暖气一直不热 热力公司不管",
           "暖气片上热下凉", "小区还没来暖气"],
}  # fmt: skip
EVAL = [
    (GAS, "单元门口一股煤气味"), (GAS, "燃气灶关了还漏气"), (GARBAGE, "小区垃圾没人清运"),
    (GARBAGE, "垃圾桶旁边臭得很"), (HEAT, "暖气温乎乎的不热"), (HEAT, "屋里暖气片不热"),
]  # fmt: skip


def _tsv(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("label\ttext\n" + "".join(f"{y}\t{t}\n" for y, t in rows), "utf-8")
    return path


@pytest.fixture
def small(tmp_path: Path) -> dict[str, Path]:
    base = _tsv(tmp_path / "base.tsv", [(y, t) for y, ts in BASE.items() for t in ts])
    frozen = _tsv(tmp_path / "frozen-small.tsv", EVAL)
    freeze_eval_set(frozen, "frozen-small")
    corrections = tmp_path / "corrections.tsv"
    write_export_file(
        [
            LabelledExample("暖气不热！", GAS, corrected=True),  # replaces a base example
            LabelledExample("屋里暖气片不热", HEAT),  # also in the frozen set: left out
            LabelledExample("楼顶水箱漏水 暖气也不热", HEAT, corrected=True),
        ],
        corrections,
    )
    return {"base": base, "frozen": frozen, "corrections": corrections}


def test_training_set_merges_and_guards_against_leakage(small: dict[str, Path]) -> None:
    eval_set = load_frozen_eval(small["frozen"])
    data = build_training_set([small["base"]], [small["corrections"]], eval_set, 2)
    assert (data.n_base, data.n_corrections, data.replaced_base) == (18, 3, 1)
    assert data.dropped_eval_overlap == 1
    assert "屋里暖气片不热" not in data.texts
    assert data.labels[data.texts.index("暖气不热！")] == GAS  # the correction won
    assert data.texts.count("楼顶水箱漏水 暖气也不热") == 2  # weight 2
    assert len(data.texts) == 17 + 2 * 2


def test_retrain_registers_measures_and_compares(small: dict[str, Path], tmp_path: Path) -> None:
    registry = Registry(tmp_path / "registry")
    stages: list[str] = []
    first = retrain(small["base"], None, small["frozen"], registry,
                    progress=lambda stage, _: stages.append(stage))  # fmt: skip
    assert stages == ["load", "train", "evaluate", "register", "done"]
    assert first.champion_metrics is None and first.decision.passed
    assert first.metrics.eval_version == "frozen-small" and first.metrics.n == 6
    assert first.metrics.accuracy >= 0.8
    assert sum(map(sum, first.metrics.confusion)) == 6
    registry.promote(first.version)

    second = retrain(small["base"], small["corrections"], small["frozen"], registry,
                     options=RetrainOptions(corrections_weight=2))  # fmt: skip
    meta = json.loads((second.path / "meta.json").read_text("utf-8"))
    assert meta["evaluation"]["eval_sha256"] == load_frozen_eval(small["frozen"]).sha256
    assert meta["retrain"]["n_corrections"] == 3 and meta["retrain"]["corrections_weight"] == 2
    assert second.champion_metrics is not None
    assert second.champion_metrics.model_version == first.version
    assert set(second.decision.class_deltas) == {GAS, GARBAGE, HEAT}
    assert registry.champion_version() == first.version  # nothing promoted by retrain
    assert second.version in format_report(second)
    summary = second.as_dict()
    assert summary["training"]["n_train"] == len(second.training.texts)
    assert "texts" not in summary["training"]


def test_run_retrain_promotes_only_through_the_gate(small: dict[str, Path], tmp_path: Path) -> None:
    registry_dir = tmp_path / "registry"
    result, promotion = run_retrain(
        None, registry_dir=registry_dir, base_tsv=small["base"], frozen_eval=small["frozen"],
        promote_if_passed=True,
    )  # fmt: skip
    assert promotion is not None and Registry(registry_dir).champion_version() == result.version

    wrong = _tsv(tmp_path / "wrong.tsv",
                 [(GAS if y == HEAT else HEAT if y == GAS else y, t) for y, ts in BASE.items()
                  for t in ts])  # fmt: skip
    with pytest.raises(GateRefused):
        run_retrain(None, registry_dir=registry_dir, base_tsv=wrong,
                    frozen_eval=small["frozen"], promote_if_passed=True)  # fmt: skip
    assert Registry(registry_dir).champion_version() == result.version
    assert len(Registry(registry_dir).versions()) == 2  # the refused one stays registered


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="corrections_weight"):
        RetrainOptions(corrections_weight=0)
