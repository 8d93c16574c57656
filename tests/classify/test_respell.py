"""Tests for respelling misheard words by sound."""

from __future__ import annotations

import pytest

from classify.respell import respell, sounds_like

pytest.importorskip("pypinyin", reason="sound matching needs pypinyin")

WORDS = ("煤气味", "煤气", "燃气", "漏气", "着火", "井盖", "掉下去", "塌陷", "受伤", "触电", "倒塌")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我们楼道里媒气位特别大", "我们楼道里煤气味特别大"),
        ("我们楼道里媒气味特别大", "我们楼道里煤气味特别大"),
        ("万一找火可怎么办", "万一着火可怎么办"),
        ("有割下水镜的紧盖没了", "有割下水镜的井盖没了"),
        ("标下去可就麻烦了", "掉下去可就麻烦了"),
        ("垃圾堆找火冷", "垃圾堆着火冷"),
    ],
)
def test_misheard_words_are_respelt(text: str, expected: str) -> None:
    assert respell(text, WORDS) == expected


@pytest.mark.parametrize(
    "text",
    [
        "他先走了",  # 他先 sounds like 塌陷 but shares no character with it
        "手上全是油",  # 手上 is a word of its own
        "这伙人天天闹",  # 这伙 is a word; 着火 reads zhao huo anyway
        "一出电梯就闻到香味",  # 出电 would cut 电梯
        "接受上户口",  # 受上 would cut 接受
        "扳倒他",  # 倒他 would cut 扳倒
        "燃气费太贵了",  # 费 fei is not near 味 wei
        "燃气立管在楼外",  # 立 is li; its rare reading wei does not count
        "应该找物业",
    ],
)
def test_ordinary_words_are_left_alone(text: str) -> None:
    assert respell(text, WORDS) == text


def test_same_length_and_idempotent() -> None:
    text = "我们楼道里媒气位特别大，万一找火可怎么办"
    once = respell(text, WORDS)
    assert len(once) == len(text)
    assert respell(once, WORDS) == once


def test_sounds_like_rules() -> None:
    assert sounds_like("紧盖", "井盖")
    assert not sounds_like("井盖", "井盖")  # already the word
    assert not sounds_like("金改", "井盖")  # 改 gai sounds right, but nothing is spelt right
    assert sounds_like("标下去", "掉下去")  # one plosive swapped, the rest spelt right
    assert not sounds_like("标下来", "掉下去")


def test_letters_whisper_writes_for_a_syllable() -> None:
    from classify.respell import letters_respelt

    assert letters_respelt("我们写字楼店TQ的，3号电T") == "我们写字楼电梯Q的，3号电梯"
    assert letters_respelt("楼T间堆满了杂物") == "楼梯间堆满了杂物"
    assert letters_respelt("T恤，ABC") == "T恤，ABC"  # a T of its own stays
