"""Clean-up of Whisper output: simplified characters, phantoms, loops, punctuation."""

from __future__ import annotations

import pytest

from asr.postprocess import (
    clean_segment_text,
    collapse_repetitions,
    drop_repeated_runs,
    is_phantom,
    join_texts,
    normalize_punctuation,
    to_simplified,
)


def test_traditional_becomes_simplified() -> None:
    assert to_simplified("這並不是告別，這是一個篇章的結束") == "这并不是告别，这是一个篇章的结束"


@pytest.mark.parametrize(
    "text",
    [
        "字幕由Amara.org社群提供",
        "字幕由Amara.org社区提供",
        "請不吝點贊 訂閱 轉發 打賞支持明鏡與點點欄目",
        "謝謝觀看!",
        "感谢收看。",
        "优优独播剧场——YoYo Television Series Exclusive",
        "我们下期再见",
        "请订阅我的频道",
        "Thank you for watching.",
        "  。",
    ],
)
def test_phantom_segments_are_dropped(text: str) -> None:
    assert is_phantom(text)
    assert clean_segment_text(text) == ""


@pytest.mark.parametrize(
    "text",
    [
        "我要投诉，谢谢观看",  # phantom words inside real speech stay
        "谢谢",
        "谢谢你们的帮助",
        "我订阅了你们的公众号",
        "楼下的饭店每天晚上很吵",
    ],
)
def test_real_speech_is_kept(text: str) -> None:
    assert not is_phantom(text)
    assert clean_segment_text(text) == text


def test_never_real_phantom_is_cut_out_of_a_segment() -> None:
    assert clean_segment_text("楼下噪音很大字幕由Amara.org社群提供") == "楼下噪音很大"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("好的好的好的好的好的好的", "好的"),
        ("啊啊啊啊啊啊啊啊啊啊", "啊啊啊"),
        ("我们去吃饭吧" * 6, "我们去吃饭吧"),
        ("好的，好的，好的，好的，好的", "好的"),
        ("对对对", "对对对"),
        ("好的好的", "好的好的"),
        ("电话13131313131", "电话13131313131"),
        ("一共10000000元", "一共10000000元"),
    ],
)
def test_collapse_repetitions(text: str, expected: str) -> None:
    assert collapse_repetitions(text) == expected


def test_repeated_segments_beyond_three_are_dropped() -> None:
    texts = ["喂", "喂", "喂", "喂", "喂", "你好", "喂"]
    assert drop_repeated_runs(texts) == [True, True, True, False, False, True, True]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("对,这就是我", "对，这就是我"),
        ("你好? 我要投诉!", "你好？我要投诉！"),
        ("帅气.", "帅气。"),
        ("周一到周五 每天", "周一到周五，每天"),
        ("网址是Amara.org, 价格3.5元", "网址是Amara.org，价格3.5元"),
        ("ok, fine. 3.5", "ok, fine. 3.5"),
    ],
)
def test_normalize_punctuation(text: str, expected: str) -> None:
    assert normalize_punctuation(text) == expected


def test_join_texts_separates_unpunctuated_segments() -> None:
    assert join_texts(["你好", "我要投诉。", "", "楼下噪音"]) == "你好，我要投诉。楼下噪音"


def test_caller_and_agent_text_join_turns_as_the_whole_call_does() -> None:
    # two caller turns of a stereo call: a pause between them, as in the mono text, so
    # the first turn's last words do not run into the next's (楼道里冒烟了 | 黑烟)
    from asr.types import Segment, Transcript

    segments = [
        Segment(0.0, 2.0, "您好，请问有什么可以帮您", "agent"),
        Segment(2.0, 5.0, "我们楼道里冒烟了", "caller"),
        Segment(5.0, 7.0, "请问具体地址", "agent"),
        Segment(7.0, 9.0, "黑烟，长安区中山东路128号", "caller"),
        Segment(9.0, 10.0, "好的。", "caller"),
    ]
    transcript = Transcript(text="", segments=segments)
    assert transcript.caller_text == "我们楼道里冒烟了，黑烟，长安区中山东路128号，好的。"
    assert transcript.agent_text == "您好，请问有什么可以帮您，请问具体地址"
    # speakers unknown: the whole text
    assert Transcript(text="全文", segments=[Segment(0.0, 1.0, "全文")]).caller_text == "全文"
