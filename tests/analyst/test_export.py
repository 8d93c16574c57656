"""Exported training data and the frozen evaluation set."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from classify.export import (
    DEFAULT_FROZEN_EVAL,
    FrozenSetError,
    LabelledExample,
    deduplicate,
    export_text,
    freeze_eval_set,
    load_frozen_eval,
    manifest_path,
    near_duplicates,
    overlapping,
    text_key,
    write_export_file,
)
from classify.model_io import read_training_tsv
from classify.taxonomy import Taxonomy
from tests.analyst.conftest import SCENARIOS, SEED, read_rows


def test_text_key_ignores_punctuation_digits_and_script() -> None:
    assert text_key("喂，你好！我家暖气不热。") == text_key("喂 你好 我家暖气不热")
    assert text_key("3号楼漏水") == text_key("12号楼漏水")
    assert text_key("我們樓道裡有煤氣味") == text_key("我们楼道里有煤气味")
    assert text_key("我家暖气不热") != text_key("我家暖气太热")


def test_deduplicate_keeps_the_latest_decision() -> None:
    examples = [
        LabelledExample("楼下共享单车堵了盲道", "safety.traffic_safety"),
        LabelledExample("小区垃圾没人收", "environment.garbage"),
        LabelledExample("楼下共享单车堵了盲道！", "safety.road_hazard", corrected=True),
        LabelledExample("小区垃圾没人收。", "environment.garbage"),
    ]
    kept, stats = deduplicate(examples)
    assert [(e.label, e.corrected) for e in kept] == [
        ("safety.road_hazard", True),
        ("environment.garbage", False),
    ]
    assert (stats.kept, stats.duplicates, stats.conflicts) == (2, 2, 1)


def test_export_round_trips_through_the_training_reader(tmp_path: Path) -> None:
    examples = [
        LabelledExample(
            "喂 你好\t我家\n暖气不热", "administrative.heating", corrected=True,
            suggested_code="administrative.water_supply", model_version="tfidf-1",
        ),
        LabelledExample("楼道里有煤气味", "safety.gas_leak"),
    ]  # fmt: skip
    path = tmp_path / "out" / "export.tsv"
    assert write_export_file(examples, path) == 2
    texts, labels = read_training_tsv(path)
    assert texts == ["喂 你好 我家 暖气不热", "楼道里有煤气味"]
    assert labels == ["administrative.heating", "safety.gas_leak"]
    lines = export_text(examples).splitlines()
    assert lines[0].split("\t") == [
        "label", "text", "category", "corrected", "suggested_code", "model_version"
    ]  # fmt: skip
    assert lines[1].split("\t")[2:] == [
        "administrative", "1", "administrative.water_supply", "tfidf-1"
    ]  # fmt: skip


def test_frozen_set_is_pinned_and_tampering_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "frozen-v9.tsv"
    path.write_text(
        "label\ttext\nsafety.gas_leak\t有煤气味\nenvironment.garbage\t垃圾没人收\n", "utf-8"
    )
    with pytest.raises(FrozenSetError, match="清单"):
        load_frozen_eval(path)
    manifest = freeze_eval_set(path, "frozen-v9")
    assert manifest["count"] == 2 and manifest_path(path).exists()
    assert freeze_eval_set(path) == manifest  # unchanged: no-op
    loaded = load_frozen_eval(path)
    assert loaded.describe() == {"version": "frozen-v9", "sha256": manifest["sha256"], "n": 2}

    path.write_text(path.read_text("utf-8") + "safety.gas_leak\t又有煤气味\n", "utf-8")
    with pytest.raises(FrozenSetError, match="不符"):
        load_frozen_eval(path)
    with pytest.raises(FrozenSetError, match="新版本"):
        freeze_eval_set(path)


def test_project_frozen_set_matches_its_manifest(tmp_path: Path) -> None:
    frozen = load_frozen_eval()
    manifest = json.loads(manifest_path(DEFAULT_FROZEN_EVAL).read_text("utf-8"))
    assert frozen.version == manifest["version"] == "frozen-v1"
    assert dict(Counter(frozen.labels)) == manifest["labels"]
    # A copy of the same bytes elsewhere is still the same frozen set.
    copy = tmp_path / DEFAULT_FROZEN_EVAL.name
    shutil.copy(DEFAULT_FROZEN_EVAL, copy)
    shutil.copy(manifest_path(DEFAULT_FROZEN_EVAL), manifest_path(copy))
    assert load_frozen_eval(copy).sha256 == frozen.sha256


def test_project_frozen_set_covers_every_subcategory_and_is_new() -> None:
    frozen = load_frozen_eval()
    counts = Counter(frozen.labels)
    assert 150 <= frozen.n <= 250
    assert set(counts) == set(Taxonomy.load().subcategory_codes)
    assert min(counts.values()) >= 8
    assert len({text_key(t) for t in frozen.texts}) == frozen.n
    seed_texts, _ = read_training_tsv(SEED)
    scenario_texts = [r["text"] for f in ("shared_bikes.tsv", "routine.tsv")
                      for r in read_rows(SCENARIOS / f)]  # fmt: skip
    assert overlapping(frozen.texts, seed_texts + scenario_texts) == []
    assert near_duplicates(frozen.texts, seed_texts + scenario_texts, threshold=0.4) == []


def test_near_duplicates_catch_small_edits() -> None:
    pairs = near_duplicates(
        ["我们小区门口的垃圾三天没人收了 臭得不行"], ["我们小区门口的垃圾四天没人收了 臭得不行"]
    )
    assert len(pairs) == 1 and pairs[0][2] > 0.6
    assert near_duplicates(["我们小区门口的垃圾没人收"], ["暖气片漏水了"]) == []
