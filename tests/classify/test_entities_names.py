"""Tests for the caller's name and for extract_entities as a whole."""

from __future__ import annotations

import pytest

from classify.entities import extract_entities
from classify.entities.names import extract_names
from classify.types import Entities


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我姓王", ["王"]),
        ("免贵姓张，弓长张", ["张"]),
        ("姓刘，文刀刘", ["刘"]),
        ("我是李先生", ["李先生"]),
        ("我是欧阳女士", ["欧阳女士"]),
        ("这边是赵老师", ["赵老师"]),
        ("我姓张，立早章", ["章"]),  # the description decides between homophones
        ("我性章立早张", ["章"]),  # 性 misheard for 姓, 章 misheard as 张
        ("喂你好我姓赵，走肖赵", ["赵"]),
        ("我姓王，王先生", ["王先生"]),
        ("我姓王，就叫我王女士吧", ["王女士"]),
        ("您贵姓？姓孙", ["孙"]),
        ("我叫王小明，电话13812345678", ["王小明"]),
        ("我叫王明家住中山路", ["王明"]),
        ("我的名字是张三", ["张三"]),
    ],
)
def test_names(text: str, expected: list[str]) -> None:
    assert extract_names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "老百姓很苦",
        "男性和女性",
        "他姓刘",
        "那个老板姓刘",
        "我是个体户",
        "我叫他们别吵了",
        "我姓名不方便说",
        "我是来反映问题的",
    ],
)
def test_no_name(text: str) -> None:
    assert extract_names(text) == []


def test_extract_entities_collects_everything() -> None:
    text = (
        "喂你好，免贵姓王。我家在常安区钟山东路一百二十八号阳光小区三号楼二单元，"
        "楼道里的灯坏了。我电话是幺三八 1234，五六七八，身份证号130102199003071233。"
    )
    assert extract_entities(text) == Entities(
        phones=["13812345678"],
        addresses=["长安区中山东路128号阳光小区3号楼2单元"],
        names=["王"],
        id_numbers=["130102199003071233"],
    )


def test_extract_entities_of_a_routine_call_without_facts() -> None:
    assert extract_entities("我想问一下医保卡丢了怎么补办") == Entities()
