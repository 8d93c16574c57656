"""Scoring normaliser and character error rate."""

from __future__ import annotations

import pytest

from asr.textnorm import (
    character_error_rate,
    edit_distance,
    integer_to_chinese,
    normalize_for_scoring,
    numbers_to_chinese,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "零"),
        (7, "七"),
        (10, "十"),
        (15, "十五"),
        (20, "二十"),
        (105, "一百零五"),
        (1010, "一千零一十"),
        (10000, "一万"),
        (35000, "三万五千"),
        (100000001, "一亿零一"),
    ],
)
def test_integer_to_chinese(value: int, expected: str) -> None:
    assert integer_to_chinese(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020年", "二零二零年"),
        ("每天早晨7点半到9点半", "每天早晨七点半到九点半"),
        ("3.5米", "三点五米"),
        ("50%", "百分之五十"),
        ("打12345热线", "打一二三四五热线"),
        ("电话13812345678", "电话一三八一二三四五六七八"),
        ("区号０３１１", "区号零三一一"),
    ],
)
def test_numbers_to_chinese(text: str, expected: str) -> None:
    assert numbers_to_chinese(text) == expected


def test_normalize_for_scoring_drops_punctuation_and_converts() -> None:
    assert normalize_for_scoring("這並不是告別， 這是 第3個! OK") == "这并不是告别这是第三个ok"


def test_edit_distance() -> None:
    assert edit_distance("", "") == 0
    assert edit_distance("abc", "") == 3
    assert edit_distance("kitten", "sitting") == 3


def test_character_error_rate() -> None:
    reference = "这并不是告别，这是一个篇章的结束。"
    assert character_error_rate(reference, "這並不是告別 這是一個篇章的結束") == 0.0
    assert character_error_rate(reference, "这并不是告别这是一个偏章的结束") == pytest.approx(
        1 / 15
    )
    with pytest.raises(ValueError):
        character_error_rate("。", "好")


def test_spoken_one_in_phone_numbers_scores_as_one() -> None:
    assert normalize_for_scoring("幺三三，幺三幺幺，八八九九") == "一三三一三一一八八九九"
    assert character_error_rate("电话幺五幺二七八三九零四六", "电话15127839046") == 0.0
