"""Tests for the gazetteer file and for matching place names by sound."""

from __future__ import annotations

from pathlib import Path

import pytest

from classify.gazetteer import (
    DEFAULT_GAZETTEER,
    Gazetteer,
    GazetteerError,
    Place,
    load_gazetteer,
    read_gazetteer,
)
from classify.segment import DEFAULT_USER_DICT


def _has_pypinyin() -> bool:
    try:
        import pypinyin  # noqa: F401
    except ImportError:
        return False
    return True


pinyin_only = pytest.mark.skipif(not _has_pypinyin(), reason="homophones need pypinyin")


def test_shipped_gazetteer_covers_the_city() -> None:
    gaz = load_gazetteer()
    districts = set(gaz.names("district"))
    for name in ("长安区", "桥西区", "新华区", "裕华区", "井陉矿区", "藁城区", "鹿泉区", "栾城区"):
        assert name in districts
    for county in ("正定县", "赵县", "平山县", "辛集市", "晋州市", "新乐市"):
        assert county in districts
    roads = gaz.names("road")
    assert len(roads) >= 60
    assert len(roads) == len(set(roads))
    assert {"中山东路", "裕华路", "槐安路", "建设大街", "中华大街", "体育大街"} <= set(roads)
    assert "民心河" in gaz.names("landmark")


def test_every_place_is_in_the_jieba_dictionary() -> None:
    words = {
        line.split()[0]
        for line in DEFAULT_USER_DICT.read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    gaz = load_gazetteer()
    missing = [p.name for p in gaz.places if p.name not in words]
    assert missing == []


def test_district_of_maps_only_unambiguous_roads() -> None:
    gaz = load_gazetteer()
    assert gaz.district_of("槐安东路") == "裕华区"
    assert gaz.district_of("中山东路") is None  # lies on a district boundary
    assert gaz.district_of("中山路") is None
    assert gaz.district_of("不存在路") is None


@pinyin_only
@pytest.mark.parametrize(
    ("said", "canonical"),
    [
        ("常安区", "长安区"),
        ("桥溪区", "桥西区"),
        ("玉华区", "裕华区"),
        ("新化区", "新华区"),
        ("井形矿区", "井陉矿区"),
        ("高城区", "藁城区"),
        ("路泉区", "鹿泉区"),
        ("峦城区", "栾城区"),
        ("郑定县", "正定县"),
        ("钟山东路", "中山东路"),
        ("中三东路", "中山东路"),  # s/sh merged
        ("玉华西路", "裕华西路"),
        ("怀安东路", "槐安东路"),
        ("建设被大街", "建设北大街"),
        ("卫民南大街", "维明南大街"),  # in/ing merged
        ("宅营南大街", "翟营南大街"),  # 翟 read zhai locally
        ("民新河", "民心河"),
    ],
)
def test_homophones_match(said: str, canonical: str) -> None:
    (match,) = load_gazetteer().find(f"我在{said}这边")
    assert (match.said, match.place.name, match.typos) == (said, canonical, 0)
    assert not match.exact


def test_exact_spelling_and_alias() -> None:
    (match,) = load_gazetteer().find("高新技术产业开发区")
    assert match.place.name == "高新区"
    assert match.exact


def test_one_wrong_character_in_a_long_name() -> None:
    (match,) = load_gazetteer().find("体育北小街")
    assert (match.place.name, match.typos) == ("体育北大街", 1)


def test_the_suffix_must_be_spelt_right() -> None:
    assert load_gazetteer().find("建设北大道") == []


@pytest.mark.parametrize(
    "text",
    [
        "中山南路",  # a wrong direction is never corrected
        "和谐路",  # three-character names need every sound right
        "走路去学校",
        "新华书店",
        "我知道了",
        "城市管理",
        "长安",  # suffix missing
    ],
)
def test_no_false_places(text: str) -> None:
    assert load_gazetteer().find(text) == []


def test_longer_match_wins() -> None:
    matches = load_gazetteer().find("北二环东路")
    assert [m.place.name for m in matches] == ["北二环东路"]


def test_ambiguous_typo_is_dropped() -> None:
    gaz = Gazetteer([Place("甲乙东路", "road"), Place("甲丙东路", "road")])
    assert gaz.find("甲丁东路") == []
    assert [m.place.name for m in gaz.find("甲乙东路")] == ["甲乙东路"]


def test_kinds_filter() -> None:
    gaz = load_gazetteer()
    assert [m.place.kind for m in gaz.find("长安区中山东路", kinds=("road",))] == ["road"]


def test_read_errors_are_actionable(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="cannot read"):
        read_gazetteer(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("roads:\n  - {title: 中山路}\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="needs a name"):
        read_gazetteer(bad)
    bad.write_text("roads:\n  - {name: 中山路, color: red}\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="unknown keys"):
        read_gazetteer(bad)
    bad.write_text("roads:\n  - {name: 中山路, districts: [火星区]}\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="unknown district"):
        read_gazetteer(bad)
    bad.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="mapping"):
        read_gazetteer(bad)


def test_default_path_is_the_shipped_file() -> None:
    assert DEFAULT_GAZETTEER.is_file()
    assert load_gazetteer().city == "石家庄市"


@pinyin_only
@pytest.mark.parametrize(
    ("said", "canonical", "near"),
    [
        ("小夕区", "桥西区", 1),  # xiao ~ qiao
        ("消息区", "桥西区", 1),
        ("艺华区", "裕华区", 1),  # yi ~ yu
        ("轮程区", "栾城区", 1),  # lun ~ luan
        ("坦南路", "塔南路", 1),  # tan ~ ta
        ("怀中路", "槐中路", 0),
        ("胜利北达加", "胜利北大街", 1),  # a near last character in a long name
        ("中华北大建", "中华北大街", 1),
        ("为民南大建", "维明南大街", 1),
    ],
)
def test_near_homophones_match(said: str, canonical: str, near: int) -> None:
    (match,) = load_gazetteer().find(f"我在{said}这边")
    assert (match.said, match.place.name, match.typos, match.near) == (said, canonical, 0, near)


@pinyin_only
@pytest.mark.parametrize(
    "text",
    [
        "成了全区",  # a particle is never a misheard character
        "老城区",  # lao is not near gao
        "进了市",  # three-character 市 and 县 names must sound right
        "经向县",
        "予以打击",  # two near characters and a near last one
        "有一大家子",  # a near last character needs five or more characters
        "金沙北路",  # two near characters in a four-character name
        "都有人跳广场舞",  # landmarks take no wrong character
        "建设的加快",
    ],
)
def test_near_homophones_do_not_overreach(text: str) -> None:
    assert load_gazetteer().find(text) == []


@pinyin_only
def test_closest_district_for_a_slot() -> None:
    gaz = load_gazetteer()
    assert gaz.closest("长安期", "district") == gaz.lookup("长安区")  # near last character
    assert gaz.closest("消息区", "district") == gaz.lookup("桥西区")
    assert gaz.closest("小区区", "district") is None  # 西 is a direction: never near
    assert gaz.closest("在城区", "district") is None  # 藁城区 and 栾城区 tie
