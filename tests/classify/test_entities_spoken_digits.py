"""Tests for digits written as homophones and for groups of digits."""

from __future__ import annotations

import pytest

from classify.entities import extract_phones
from classify.entities.spoken_digits import chain_groups, find_groups, soft_digit

pytest.importorskip("pypinyin", reason="homophones need pypinyin")


@pytest.mark.parametrize(
    ("char", "digit"),
    [
        ("要", "1"), ("腰", "1"), ("妖", "1"), ("邀", "1"), ("由", "1"),  # 幺 yao
        ("是", "4"), ("时", "4"),  # 四 si (shi merged)
        ("期", "7"), ("起", "7"), ("去", "7"),  # 七 qi; 去 qu is near
        ("留", "6"), ("久", "9"), ("吧", "8"), ("山", "3"), ("儿", "2"), ("零", None),
        ("鸟", "1"),  # 幺 as Whisper writes it at times (yao, niao)
    ],
)  # fmt: skip
def test_soft_digit(char: str, digit: str | None) -> None:
    assert soft_digit(char) == digit


@pytest.mark.parametrize("char", ["十", "百", "号", "年", "楼", "区", "的", "A", "3"])
def test_never_soft(char: str) -> None:
    assert soft_digit(char) is None


def test_groups_keep_soft_digits_and_their_positions() -> None:
    text = "电话要33，要8899"
    groups = find_groups(text)
    assert [(g.start, g.end, g.digits) for g in groups] == [(2, 5, "133"), (6, 11, "18899")]
    assert groups[0].soft == (True, False, False)
    assert groups[0].loose_head == 1
    assert len(chain_groups(text, groups)) == 1


def test_soft_only_runs_are_not_groups() -> None:
    assert find_groups("是吧") == []


def test_loose_tail_covers_a_digit_that_begins_the_next_word() -> None:
    (group,) = find_groups("一三八一二三四五六七八一直打不通")
    assert group.digits == "1381234567814"  # 直 (zhi ~ si) reads as a soft 4
    assert group.loose_tail == 2  # 直 and the 一 before it may belong to 一直


def test_full_stop_between_groups_still_chains() -> None:
    text = "要三八。三要要请，七零三四五"
    assert len(chain_groups(text, find_groups(text))) == 1


def test_a_lone_soft_digit_between_groups_is_one() -> None:
    # 七 heard 庆, said as a group of its own between pauses
    text = "电话，庆王，电话是186，312 庆，五五零九，好的"
    chains = chain_groups(text, find_groups(text))
    # (是 before 186 may be a soft 4 or the word, which the phone reader decides)
    assert "".join(g.digits for g in chains[-1]).endswith("18631275509")
    assert extract_phones(text) == ["18631275509"]
    # not without digits either side, nor a word after a number
    assert find_groups("是吧，是") == []
    assert extract_phones("电话是一三九，是，八八八八") == []


def test_a_question_mark_between_groups_still_chains() -> None:
    assert extract_phones("请问您的联系电话？幺三三？幺三一一八八九九。") == ["13313118899"]
