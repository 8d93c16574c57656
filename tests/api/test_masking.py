"""Masking of personal data in public text."""

from __future__ import annotations

import pytest

from api.masking import mask_phone, mask_text


@pytest.mark.parametrize(
    ("text", "hidden", "kept"),
    [
        ("电话13912345678", "13912345678", "139****5678"),
        ("电话139 1234 5678", "1234", "139****5678"),
        ("电话139-1234-5678", "1234", "139****5678"),
        ("电话１３９１２３４５６７８", "１２３４", "１３９****５６７８"),
        ("号码一三九一二三四五六七八", "一二三四", "一三九****五六七八"),
        ("电话是幺三九，零三幺幺，七八二五。", "零三幺幺", "幺三九****七八二五。"),
        ("电话 139, 0311, 7825", "0311", "139****7825"),
        ("电话腰五腰二七八三九零四六", "二七八三", "腰五腰****九零四六"),
        ("身份证130102199003071234", "19900307", "13**************34"),
        ("身份证13010219900307123x", "19900307", "13**************3x"),
        ("座机0311-8765432", "8765", "*********32"),
        ("我姓王", "姓王", "我姓*"),
        ("我叫王小明，住在这里", "王小明", "我叫***"),
        ("姓名：欧阳娜娜", "欧阳娜娜", "姓名：****"),
        ("谢谢刘师傅和陈女士", "刘师傅", "*师傅和*女士"),
    ],
)
def test_patterns(text: str, hidden: str, kept: str) -> None:
    masked = mask_text(text)
    assert masked is not None
    assert hidden not in masked and kept in masked


def test_known_names_are_hidden_everywhere() -> None:
    masked = mask_text("市民赵铁柱反映，赵铁柱家门口", names=["赵铁柱", "", "王"])
    assert masked == "市民***反映，***家门口"


def test_ordinary_text_is_left_alone() -> None:
    text = "老百姓反映槐安东路88号楼下垃圾三天没人收，2026年反映过3次"
    assert mask_text(text) == text
    assert mask_text(None) is None and mask_text("") == ""


def test_mask_phone_field() -> None:
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("0311-87654321") == "********4321"
    assert mask_phone(None) is None
