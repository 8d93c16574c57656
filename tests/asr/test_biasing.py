"""Hotwords and prompts built from the project's gazetteer and taxonomy."""

from __future__ import annotations

from pathlib import Path

import pytest

from asr.biasing import (
    BiasingDataError,
    domain_hotwords,
    domain_prompt,
    domain_terms,
    road_stems,
)
from asr.postprocess import to_simplified

REPO = Path(__file__).resolve().parents[2]
GAZETTEER = REPO / "data" / "gazetteer" / "shijiazhuang.yaml"
TAXONOMY = REPO / "data" / "taxonomy.yaml"


def test_road_stems_keep_one_name_per_stem() -> None:
    roads = ["中山路", "中山东路", "中山西路", "新石北路", "建设北大街", "建设大街", "槐北路"]
    assert road_stems(roads) == ["中山路", "新石北路", "建设大街", "槐北路"]


def test_terms_come_in_priority_order() -> None:
    terms = domain_terms(GAZETTEER, TAXONOMY)
    assert terms[:3] == ["石家庄", "12345", "市民服务热线"]
    assert (
        terms.index("长安区") < terms.index("中山路") < terms.index("城管") < terms.index("正定县")
    )
    assert "桥东区" not in terms  # a former name is not suggested to the model
    assert len(terms) == len(set(terms))


@pytest.mark.parametrize("max_chars", [20, 60, 100])
def test_hotwords_fit_the_budget(max_chars: int) -> None:
    hotwords = domain_hotwords(GAZETTEER, TAXONOMY, max_chars=max_chars)
    assert 0 < len(hotwords) <= max_chars
    assert hotwords.startswith("石家庄、12345")
    assert to_simplified(hotwords) == hotwords


def test_prompt_is_a_simplified_sentence_within_budget() -> None:
    prompt = domain_prompt(GAZETTEER, TAXONOMY, max_chars=100)
    assert len(prompt) <= 100 and prompt.endswith("。")
    assert "长安区" in prompt and to_simplified(prompt) == prompt


def test_prompt_fits_whisper_context() -> None:
    from whisper.tokenizer import get_tokenizer

    tokenizer = get_tokenizer(True, num_languages=99, language="zh", task="transcribe")
    for text in (domain_hotwords(GAZETTEER, TAXONOMY), domain_prompt(GAZETTEER, TAXONOMY)):
        assert len(tokenizer.encode(" " + text)) < 223  # Whisper's prompt half of 448


def test_bad_files_are_reported(tmp_path: Path) -> None:
    with pytest.raises(BiasingDataError, match="无法读取"):
        domain_hotwords(tmp_path / "missing.yaml", TAXONOMY)
    broken = tmp_path / "list.yaml"
    broken.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(BiasingDataError, match="格式不对"):
        domain_hotwords(broken, TAXONOMY)
