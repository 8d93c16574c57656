"""Tests for sound-alike matching of Chinese characters."""

from __future__ import annotations

import pytest

from classify.phonetic import (
    char_sounds,
    fuzzy,
    main_sound,
    near,
    plosive_swap,
    sound_distance,
    split_syllable,
)

pytest.importorskip("pypinyin", reason="readings need pypinyin")


@pytest.mark.parametrize(
    ("syllable", "merged"),
    [("zhang", "zan"), ("chi", "ci"), ("shi", "si"), ("nan", "lan"), ("ming", "min"), ("a", "a")],
)
def test_fuzzy_merges_the_usual_confusions(syllable: str, merged: str) -> None:
    assert fuzzy(syllable) == merged


def test_split_syllable() -> None:
    assert split_syllable("qiao") == ("q", "iao")
    assert split_syllable("yuan") == ("y", "uan")
    assert split_syllable("er") == ("", "er")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("xiao", "qiao"),  # 小 / 桥: initials of one group
        ("jia", "jie"),  # 加 / 街: finals one letter apart
        ("yan", "yuan"),  # 延 / 园
        ("ta", "tan"),  # 塔 / 坦
        ("lu", "lou"),  # 路 / 漏
        ("jian", "jie"),  # 建 / 街: a listed pair of finals
        ("you", "yao"),  # 由 / 幺
        ("long", "lou"),  # 龙 / 楼
    ],
)
def test_near_syllables(a: str, b: str) -> None:
    assert near(a, b)
    assert near(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [("lao", "gao"), ("ran", "yuan"), ("wei", "fei"), ("xin", "yi"), ("qi", "qi"), ("", "qi")],
)
def test_not_near(a: str, b: str) -> None:
    assert not near(a, b)


def test_plosive_swap_only_between_stops() -> None:
    assert plosive_swap("biao", "diao")
    assert plosive_swap("gai", "dai")
    assert not plosive_swap("fei", "wei")
    assert not plosive_swap("biao", "biao")


def test_readings() -> None:
    assert "si" in char_sounds("是")  # shi, merged with si
    assert main_sound("要") == "yao"
    assert char_sounds("A") == frozenset()


def test_sound_distance_uses_the_usual_reading_for_near() -> None:
    assert sound_distance("常", frozenset({"can"}), "can") == 0.0  # 常 chang ~ 长 chang
    assert sound_distance("小", frozenset({"qiao"}), "qiao") == 0.5
    assert sound_distance("狗", frozenset({"qiao"}), "qiao") == 1.0
