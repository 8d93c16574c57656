"""Tests for misheard building numbers, house numbers and compound suffixes."""

from __future__ import annotations

import pytest

from classify.entities import extract_addresses
from classify.entities.address_sounds import compound_at, house_number_at, respell_buildings

pytest.importorskip("pypinyin", reason="homophones need pypinyin")

STOP = "的了在是"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("和平家园遗号楼", "和平家园一号楼"),
        ("金桥小区寺号楼", "金桥小区四号楼"),
        ("汤乐小区二号龙", "汤乐小区二号楼"),
        ("3号龙", "3号楼"),
        ("这栋楼", "这栋楼"),  # 这 is no digit
        ("3号路口", "3号路口"),  # 路 stays a road
        ("一号楼", "一号楼"),
        ("五号搂", "五号楼"),
        # a compound's name after the house number: 仅 is read jin (lu only rarely)
        ("新华区和平西路318号仅成家园2号楼", "新华区和平西路318号仅成家园2号楼"),
    ],
)
def test_respell_buildings(text: str, expected: str) -> None:
    assert respell_buildings(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("128号", ("128号", False, 4)),
        ("128号院", ("128号", True, 5)),
        ("50行", ("50号", False, 3)),
        ("二百一时后", ("210号", False, 5)),
        ("立102号", ("102号", False, 5)),  # one stray character before the number
        ("三百四十七红，", ("347号", False, 6)),  # 号 heard as 红, then a pause
        ("三百米，", None),  # a unit: a distance, not a house number
        ("3号楼", None),
        ("是好的", None),
        ("排时388号", None),  # 排 sounds like 百, but no number begins with it (was 118号)
    ],
)
def test_house_number_at(text: str, expected: tuple[str, bool, int] | None) -> None:
    assert house_number_at(text, 0, STOP) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("阳光小区3号楼", ("阳光小区", 4)),
        ("和平家延1号楼", ("和平家园", 4)),
        ("天山家元三号楼", ("天山家园", 4)),
        ("翠竹元6号楼", ("翠竹园", 3)),
        ("翠屏嘉园", ("翠屏嘉园", 4)),  # spelt right: kept as written
        ("目前由园林局", None),
        ("的阳光小区", None),
    ],
)
def test_compound_at(text: str, expected: tuple[str, int] | None) -> None:
    assert compound_at(text, 0, STOP) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the whole road only sounds right (落 for 路), but a house number follows
        ("请问是每个路口，一滑起怀中落280号，牵眼小青门口", ["裕华区槐中路280号"]),
        ("怀中落280号", ["裕华区槐中路280号"]),
        ("我住在128号", []),
        # 门牌是 heard as 门排时 between the road and the number
        ("在路前期时同路，门排时388号，现代人最里头那个车间", ["鹿泉区石铜路388号"]),
        # the address with a road and number first, the river where the problem is seen after
        ("民心河发黑发臭，在长岸区和屏东路330号后面", ["长安区和平东路330号", "民心河"]),
    ],
)
def test_addresses_as_whisper_writes_them(text: str, expected: list[str]) -> None:
    assert extract_addresses(text) == expected
