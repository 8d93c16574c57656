"""Tests for keyword extraction (jieba with the hotline dictionary, TF-IDF ranking)."""

from __future__ import annotations

import pytest

from classify.keywords import STOP_WORDS, extract_keywords


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我们小区的垃圾三天没人收了，垃圾桶都满了", {"没人收", "垃圾桶", "垃圾"}),
        ("楼上广场舞每天晚上都放到十点，音响特别大，扰民严重", {"广场舞", "扰民", "音响"}),
        ("我想问一下医保卡丢了怎么补办，异地就医怎么报销", {"医保卡", "异地就医", "补办"}),
        ("12路夜班车最晚几点，末班车太早了", {"夜班车", "末班车"}),
        ("我要办营业执照，个体户需要什么材料", {"营业执照", "个体户"}),
    ],
)
def test_domain_words_come_first(text: str, expected: set[str]) -> None:
    top = extract_keywords(text, k=len(expected))
    assert set(top) == expected


def test_misheard_places_are_respelt() -> None:
    words = extract_keywords("常安区钟山东路的井盖丢了，晚上看不见很危险")
    assert "长安区" in words and "中山东路" in words
    assert "常安" not in words


@pytest.mark.parametrize(
    "unwanted",
    ["那个", "就是", "然后", "反映", "问题", "一下", "你好", "13812345678", "十点", "王先生"],
)
def test_filler_numbers_and_names_are_dropped(unwanted: str) -> None:
    text = (
        "喂你好，那个，我就是想反映一下问题，然后楼上的广场舞每天放到十点，"
        "我是王先生，电话13812345678"
    )
    assert unwanted not in extract_keywords(text, k=20)


def test_k_limits_and_order_is_stable() -> None:
    text = "井盖丢了，井盖丢了，井盖丢了，路灯也不亮，人行道地砖坏了"
    words = extract_keywords(text, k=3)
    assert len(words) == 3
    assert words[0] == "井盖"  # said three times
    assert extract_keywords(text, k=3) == words


def test_no_duplicates_and_stop_words() -> None:
    words = extract_keywords("垃圾垃圾垃圾，臭臭臭，没人收没人收", k=10)
    assert len(words) == len(set(words))
    assert not set(words) & STOP_WORDS


@pytest.mark.parametrize("text", ["", "   ", "嗯嗯，好的，谢谢", "12345"])
def test_nothing_to_say(text: str) -> None:
    assert extract_keywords(text) == []


def test_zero_and_negative_k() -> None:
    assert extract_keywords("井盖丢了", k=0) == []
    with pytest.raises(ValueError, match="k must be"):
        extract_keywords("井盖丢了", k=-1)
