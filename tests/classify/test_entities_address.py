"""Tests for addresses: gazetteer spelling, numerals, parts and ASR misspellings."""

from __future__ import annotations

import pytest

from classify.entities.address import Address, extract_addresses, parse_addresses
from classify.gazetteer import Gazetteer, Place

pytest.importorskip("pypinyin", reason="homophone matching needs pypinyin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "我家在常安区钟山东路一百二十八号阳光小区三号楼二单元",
            ["长安区中山东路128号阳光小区3号楼2单元"],
        ),
        ("长安区中山东路128号阳光小区3号楼2单元", ["长安区中山东路128号阳光小区3号楼2单元"]),
        ("玉华区槐安东路128号院3号楼", ["裕华区槐安东路128号院3号楼"]),
        ("桥溪区友谊南大街", ["桥西区友谊南大街"]),
        ("石家庄市新华区和平西路五十六号", ["新华区和平西路56号"]),
        ("住在井形矿区", ["井陉矿区"]),
        ("我是高城区的", ["藁城区"]),
        ("路泉区政府旁边", ["鹿泉区"]),
        ("建设被大街", ["建设北大街"]),
        ("卫民南大街上", ["维明南大街"]),
        ("中三东路", ["中山东路"]),
        ("北二环冬路", ["北二环东路"]),
        ("民新河边上有人钓鱼", ["民心河"]),
        ("我住在阳光小区3号楼2单元502", ["阳光小区3号楼2单元502室"]),
        ("阳光小区三栋二单元五零二室", ["阳光小区3栋2单元502室"]),
        ("裕华区体育南大街翠屏家园5号楼", ["裕华区体育南大街翠屏家园5号楼"]),
        ("中山东路和体育大街交叉口有个井盖没了", ["中山东路与体育大街交叉口"]),
        ("我住在幸福路12号", ["幸福路12号"]),
        ("长安区幸福路12号", ["长安区幸福路12号"]),
        ("正定县城里", ["正定县"]),
        ("高新区天山大街266号", ["高新区天山大街266号"]),
        ("长安区的中山东路", ["长安区中山东路"]),
        ("长安区，中山东路128号", ["长安区中山东路128号"]),
        ("建设被大街旁边的阳光小区", ["建设北大街", "阳光小区"]),
        ("先到裕华路，再去槐安路", ["裕华路", "槐安路"]),
        ("中山东路128号，中山东路128号", ["中山东路128号"]),
    ],
)
def test_extract_addresses(text: str, expected: list[str]) -> None:
    assert extract_addresses(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我们小区垃圾没人收",
        "严重影响小区居民休息",
        "进出小区很不方便",
        "这个小区的物业不管",
        "走路去和谐路",  # 和谐路 is not in the gazetteer and no house number follows
        "中山南路",  # no such road; 南 is not mistaken for 东 or 西
        "3号楼2单元13812345678",
        "新华书店",
        "长安",  # a district needs its suffix
        "我想问一下医保卡怎么办",
    ],
)
def test_no_address(text: str) -> None:
    assert extract_addresses(text) == []


def test_parts_of_an_address() -> None:
    (address,) = parse_addresses("我家在常安区钟山东路一百二十八号阳光小区三号楼二单元五零二")
    assert address == Address(
        district="长安区",
        road="中山东路",
        number="128号",
        compound="阳光小区",
        building="3号楼2单元502室",
        start=3,
        end=len("我家在常安区钟山东路一百二十八号阳光小区三号楼二单元五零二"),
    )
    assert address.text == "长安区中山东路128号阳光小区3号楼2单元502室"


def test_house_number_in_a_compound_is_kept_with_yuan() -> None:
    (address,) = parse_addresses("槐安东路128号院3号楼")
    assert (address.number, address.compound, address.building) == ("128号", "院", "3号楼")


def test_district_inferred_from_road_is_not_in_text() -> None:
    (address,) = parse_addresses("槐安东路128号")
    assert address.district == ""
    assert address.inferred_district == "裕华区"
    assert address.text == "槐安东路128号"


def test_no_inference_for_roads_on_a_district_boundary() -> None:
    (address,) = parse_addresses("中山东路128号")
    assert address.inferred_district == ""


def test_said_district_wins_over_inference() -> None:
    (address,) = parse_addresses("桥西区槐安东路")
    assert address.district == "桥西区"
    assert address.inferred_district == ""


def test_custom_gazetteer() -> None:
    gaz = Gazetteer(
        [Place("测试区", "district"), Place("样例路", "road", districts=("测试区",))],
    )
    (address,) = parse_addresses("在样例路8号", gazetteer=gaz)
    assert (address.road, address.number, address.inferred_district) == ("样例路", "8号", "测试区")
