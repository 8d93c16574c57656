"""Tests for reading digits and Chinese numerals."""

from __future__ import annotations

import pytest

from classify.entities.numerals import (
    chain_runs,
    chinese_to_int,
    digits_of,
    find_digit_runs,
    number_to_arabic,
    without_word_digit,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一三八", "138"),
        ("幺三八", "138"),
        ("洞幺", "01"),
        ("零〇○", "000"),
        ("两三四", "234"),
        ("一三八1234", "1381234"),
        ("１３８", "138"),  # full-width digits
    ],
)
def test_digits_of(text: str, expected: str) -> None:
    assert digits_of(text) == expected


def test_digits_of_rejects_other_characters() -> None:
    with pytest.raises(ValueError, match="不是数字"):
        digits_of("一三八号")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一百二十八", 128),
        ("十五", 15),
        ("二十", 20),
        ("一百零三", 103),
        ("两千零三", 2003),
        ("三万五千", 35000),
        ("十", 10),
        ("五零二", 502),  # no units: read digit by digit
    ],
)
def test_chinese_to_int(text: str, expected: int) -> None:
    assert chinese_to_int(text) == expected


@pytest.mark.parametrize("bad", ["", "一百号"])
def test_chinese_to_int_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        chinese_to_int(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一百二十八", "128"),
        ("五零二", "502"),
        ("零五", "05"),
        ("128", "128"),
        ("３", "3"),
        # 是 heard 十 before the number (应该是二百一十七号); 十二 and 十二万 are numbers
        ("十二百一十七", "217"),
        ("十八十九", "89"),  # 不对，是八十九号 (dev38)
        ("十十八", "18"),
        ("十二", "12"),
        ("十八", "18"),
        ("十二万", "120000"),
    ],
)
def test_number_to_arabic(text: str, expected: str) -> None:
    assert number_to_arabic(text) == expected


def test_find_digit_runs_mixes_forms_and_keeps_positions() -> None:
    text = "电话一三八1234，五六七八"
    runs = find_digit_runs(text)
    assert [r.digits for r in runs] == ["1381234", "5678"]
    assert text[runs[0].start : runs[0].end] == "一三八1234"


def test_chain_runs_joins_groups_split_by_pauses_only() -> None:
    text = "138 1234-5678，3号楼"
    chains = chain_runs(text, find_digit_runs(text))
    assert [[r.digits for r in c] for c in chains] == [["138", "1234", "5678", "3"]]
    text = "2019年5月"
    chains = chain_runs(text, find_digit_runs(text))
    assert len(chains) == 2


def test_decimal_point_does_not_join_groups() -> None:
    text = "18112525462.26"
    assert len(chain_runs(text, find_digit_runs(text))) == 2


def test_without_word_digit_drops_the_one_of_yizhi() -> None:
    text = "一三八一二三四五六七八一直打不通"
    chain = chain_runs(text, find_digit_runs(text))[0]
    shorter = without_word_digit(text, chain)
    assert shorter is not None and "".join(r.digits for r in shorter) == "13812345678"
    text = "13812345678一"
    assert without_word_digit(text, chain_runs(text, find_digit_runs(text))[0]) is None
