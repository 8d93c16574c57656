"""End to end with the real embedded Whisper model on the committed sample calls."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.pipeline.conftest import CALLS

pytestmark = pytest.mark.slow

TRUTHS = {p.name.replace(".truth.json", ".wav"): json.loads(p.read_text("utf-8"))
          for p in sorted(CALLS.glob("*.truth.json"))}


@pytest.mark.parametrize("name", sorted(TRUTHS))
def test_top_category_phone_and_address(
    name: str, processed_calls: dict[str, dict[str, Any]]
) -> None:
    truth = TRUTHS[name]
    row = processed_calls[name]
    assert row["category"]["top"] == truth["top"]
    assert truth["phone"] in row["entities"]["phones"]
    assert truth["address"] in row["entities"]["addresses"]


def test_shape_of_process_json(processed_calls: dict[str, dict[str, Any]]) -> None:
    for row in processed_calls.values():
        assert {"source", "duration", "transcript", "category", "department", "urgent",
                "needs_review", "entities", "keywords"} <= set(row)
        assert set(row["entities"]) == {"phones", "addresses", "names", "id_numbers"}
        assert row["category"]["top"] in {"safety", "environment", "administrative"}
        assert row["duration"] > 10
        for seg in row["transcript"]["segments"]:
            assert {"start", "end", "speaker", "text"} == set(seg)
            assert seg["end"] >= seg["start"]
        assert all(p.isdigit() for p in row["entities"]["phones"])


def test_urgent_calls_flagged_and_routine_calls_not(
    processed_calls: dict[str, dict[str, Any]],
) -> None:
    flagged = {n for n, r in processed_calls.items() if r["urgent"]}
    truly = {n for n, t in TRUTHS.items() if t["urgent"]}
    assert truly <= flagged
    assert len(flagged - truly) <= 1
