"""The address check: finding the stretch, the place-name prompt, voting part by part, and a
real second decoding with the embedded model."""

from __future__ import annotations

import json
from pathlib import Path

from asr.types import Segment
from classify.entities.address import Address, extract_addresses, parse_addresses
from classify.gazetteer import load_gazetteer
from classify.phonetic import loose_distance
from pipeline.addresses import (
    _best,
    address_stretch,
    confirm_address,
    place_districts,
    place_prompt,
    vote,
    with_confirmed,
)
from tests.pipeline.conftest import CALLS, FakeRedecoder, transcript_of


def _parsed(text: str) -> Address:
    return parse_addresses(text)[0]


def test_loose_distance_ranks_sounds() -> None:
    assert loose_distance("街", "街") == 0.0
    assert loose_distance("常", "长") == 0.0  # same sound
    assert loose_distance("监", "街") == 0.5  # jian/jie: near
    assert loose_distance("中", "庄") == 0.75  # zhong/zhuang: same initial
    assert loose_distance("猫", "街") == 1.0


def test_sounding_like_proposes_names_heard_past_matching_by_sound() -> None:
    gaz = load_gazetteer()
    assert gaz.sounding_like("我家在建设打监一百号")[0] == "建设大街"
    assert gaz.sounding_like("饭中间，范庄村") == []  # 间 shares no sound with 镇
    assert gaz.sounding_like("近周是怀术证小屯村")[:2] == ["晋州市", "槐树镇"]
    assert gaz.sounding_like("青眼睛一百零五号")[0] == "青园街"
    assert gaz.sounding_like("路灯不亮，电话多少") == []  # nothing near: no names
    assert len(gaz.sounding_like("长安七中山东路508号", limit=3)) == 3


def test_place_prompt_lists_the_names() -> None:
    prompt = place_prompt("长安七中山东路508号，请越华庭小区")
    assert prompt.startswith("中山东路、长安区、") and prompt.endswith("。")
    assert place_prompt("路灯不亮") == ""


def test_vote_takes_each_part_most_readings_give() -> None:
    # two prompted readings agree on the road: it overturns the transcript's
    merged = vote(
        [_parsed("长安区青园路105号建安小区"), _parsed("长安区青园街105号"), _parsed("青园街105号")]
    )
    assert merged is not None and merged.text == "长安区青园街105号建安小区"
    # the house number stays the transcript's, even against two prompted readings
    numbers = [_parsed("鹿泉区向阳北大街108号"), _parsed("鹿泉区向阳北大街178号")]
    merged = vote([*numbers, numbers[1]])
    assert merged is not None and merged.text == "鹿泉区向阳北大街108号"
    # readings that disagree with each other leave the transcript's part
    merged = vote(
        [
            _parsed("长安区中山东路508号锦苑小区"),
            _parsed("长安区中山东路108号"),
            _parsed("长安区中山东路18号"),
        ]
    )
    assert merged is not None and merged.text == "长安区中山东路508号锦苑小区"
    # a reading naming one road of the transcript's junction agrees with it
    junction = _parsed("裕华区槐安东路与体育南大街交叉口")
    merged = vote([junction, _parsed("裕华区槐安东路"), _parsed("裕华区槐安东路")])
    assert merged is not None and merged.text == "裕华区槐安东路与体育南大街交叉口"
    # ... as does one that heard the junction but not its corner
    corner = _parsed("裕华区裕华东路与翟营南大街交叉口东南角")
    merged = vote([corner, _parsed("裕华区裕华东路与翟营南大街交叉口"), _parsed("裕华区裕华东路")])
    assert merged is not None and merged.text == "裕华区裕华东路与翟营南大街交叉口东南角"
    # ... and one that heard the road it crosses completes it
    merged = vote([_parsed("中山东路"), _parsed("中山东路与建设大街交叉口"), _parsed("长安区")])
    assert merged is not None and merged.text == "长安区中山东路与建设大街交叉口"
    # a house number with a digit too many (二百零六号 as 2006号) counts for the shorter one
    numbers = [_parsed("新华区合作路206号"), _parsed("新华区合作路2006号"), _parsed("合作路2006号")]
    merged = vote(numbers)
    assert merged is not None and merged.text == "新华区合作路206号"
    merged = vote([_parsed("裕华区塔南路2007号"), _parsed("裕华区塔南路207号"), None])
    assert merged is not None and merged.text == "裕华区塔南路207号"
    # one reading each: a road the gazetteer knows beats one it does not
    heard = [
        _parsed("敌营蛮大街68号东民院小区"),
        _parsed("裕华区"),
        _parsed("裕华区翟营南大街86号"),
    ]
    merged = vote(heard, known={"翟营南大街"})
    assert merged is not None and merged.text == "裕华区翟营南大街68号东民院小区"
    # nothing heard in the transcript: the prompted readings decide, the first on a tie
    merged = vote([None, _parsed("元氏县殷村镇东韩村"), _parsed("元氏县殷村镇东喊村")])
    assert merged is not None and merged.text == "元氏县殷村镇东韩村"
    assert vote([None, None]) is None


def test_vote_keeps_towns_in_the_district_voted() -> None:
    gaz = load_gazetteer()
    districts = place_districts(gaz)
    assert districts["上庄镇"] == "鹿泉区" and districts["范庄镇"] == "赵县"
    # 赵县，范庄镇，范庄村 heard as 照线，散装箭，散装村 (上庄镇 is a town of 鹿泉区)
    heard = [_parsed("鹿泉区上庄镇上庄村"), _parsed("赵县"), _parsed("赵县范庄镇")]
    merged = vote(heard, district_of=districts)
    # the town of 赵县 stands, and the village named like the town follows it
    assert merged is not None and merged.text == "赵县范庄镇范庄村"
    # without the gazetteer's districts the transcript's town wins the tie
    merged = vote(heard)
    assert merged is not None and merged.text == "赵县上庄镇上庄村"
    # a village named otherwise stays, and a town of the district voted is kept
    heard = [_parsed("元氏县槐阳镇南关村"), _parsed("元氏县槐阳镇南观村"), _parsed("元氏县")]
    merged = vote(heard, district_of=districts)
    assert merged is not None and merged.text == "元氏县槐阳镇南关村"
    # dev56: the only town heard names its county (井航线上碑镇 read 井陉县上碑镇 twice)
    heard = [None, _parsed("井陉县上碑镇南庄头村"), _parsed("井陉县上碑镇南庄头村")]
    merged = vote(heard, district_of=districts)
    assert merged is not None and merged.text == "行唐县上碑镇南庄头村"


def test_vote_undoes_an_inserted_digit_against_the_number_said() -> None:
    # the transcript's address stopped at the district (the road garbled), but its words hold
    # 二百零九号; both prompted readings wrote 2009号
    heard = [
        _parsed("长安区"),
        _parsed("长安区谈固南大街2009号"),
        _parsed("长安区谈固南大街2009号"),
    ]
    merged = vote(heard, said_numbers=["209号"])
    assert merged is not None and merged.text == "长安区谈固南大街209号"
    # 2019号 is no X百零Y: without a number said it stands, and so does one said that is no
    # such slip
    heard = [_parsed("长安区"), _parsed("长安区谈固南大街2019号")]
    merged = vote(heard)
    assert merged is not None and merged.text == "长安区谈固南大街2019号"
    merged = vote(heard, said_numbers=["29号"])
    assert merged is not None and merged.text == "长安区谈固南大街2019号"


def test_vote_breaks_a_tie_of_numbers_with_the_number_said() -> None:
    # the transcript read only the district; the prompted readings disagree on the number
    heard = [_parsed("桥西区"), _parsed("桥西区槐安西路1918号"), _parsed("桥西区槐安西路98号")]
    merged = vote(heard, said_numbers=["98号"])
    assert merged is not None and merged.text == "桥西区槐安西路98号"
    merged = vote(heard)
    assert merged is not None and merged.text == "桥西区槐安西路1918号"  # the first on a tie


def test_vote_takes_the_tens_the_transcript_lost() -> None:
    # 八十八号 heard 班十八号 in the transcript, 88号 in both prompted readings
    heard = [
        _parsed("鹿泉区向阳北大街18号封责院小区"),
        _parsed("鹿泉区向阳北大街88号峰泽院小区"),
        _parsed("鹿泉区向阳北大街88号峰泽院小区"),
    ]
    merged = vote(heard)
    assert merged is not None and merged.number == "88号"
    # not on one reading's word, nor for another slip
    heard = [_parsed("鹿泉区向阳北大街18号"), _parsed("鹿泉区向阳北大街88号"), None]
    merged = vote(heard)
    assert merged is not None and merged.number == "18号"
    heard = [_parsed("鹿泉区向阳北大街28号"), *[_parsed("鹿泉区向阳北大街88号")] * 2]
    merged = vote(heard)
    assert merged is not None and merged.number == "28号"


def test_vote_takes_the_number_the_transcript_says_when_it_read_no_address() -> None:
    # 玉华趋怀安东都二百零七后: no address read, but 207 said; 二环 read 2号 in one reading
    heard = [None, _parsed("裕华区槐安东路2号"), _parsed("裕华区槐安东路207号锦秀家园")]
    merged = vote(heard, said_numbers=["207号"])
    assert merged is not None and merged.number == "207号"
    merged = vote(heard)
    assert merged is not None and merged.number == "2号"


def test_vote_reads_x00y_as_x_hundred_and_y() -> None:
    # 二百零九号 written 2009号 in every reading, no number in the transcript's words
    heard = [_parsed("新华区中华北大街2009号康宁业小区12号楼"), _parsed("新华区中华北大街2009号")]
    merged = vote(heard)
    assert merged is not None and merged.text == "新华区中华北大街209号康宁业小区12号楼"
    # 百 written as a 1 (四百零二号 as 4102号)
    merged = vote(
        [_parsed("长安区中山东路4102号明德院小区11号楼"), _parsed("长安区中山东路4202号")]
    )
    assert merged is not None and merged.text == "长安区中山东路402号明德院小区11号楼"
    # 2000号 is no X百零Y
    merged = vote([_parsed("新华区中华北大街2000号")])
    assert merged is not None and merged.text == "新华区中华北大街2000号"


def test_address_stretch_finds_the_callers_address() -> None:
    agent = Segment(0.0, 3.0, "请问您的地址是哪里", "agent")
    other = Segment(3.5, 6.0, "我们那儿垃圾三天没人收了", "caller")
    said = Segment(6.5, 9.0, "长安区青园路，一百零五号", "caller")
    more = Segment(9.6, 11.0, "建安小区三号楼", "caller")
    stretch = address_stretch(transcript_of(agent, other, said, more), "长安区青园街105号")
    assert stretch is not None and (stretch.start, stretch.end) == (6.5, 11.0)
    assert "青园路" in stretch.text and "建安小区" in stretch.text
    assert address_stretch(transcript_of(agent, other), None) is None
    # no segment gives an address: the one where place names sound close wins over one with
    # more place-ending characters (赵县范庄镇南庄村 heard 照线饭中这南中村)
    garbled = Segment(3.0, 8.0, "喂，我是照线饭中这南中村的，我们村停水三天了", "caller")
    villages = Segment(10.0, 14.0, "都得去别的村拉水，往西韩村跑了好几趟，村委会报上去了", "caller")
    stretch = address_stretch(transcript_of(agent, garbled, villages), None)
    assert stretch is not None and stretch.start == 3.0
    # the answer to the agent's question where beats the opening with more words that sound
    # like places, on one channel (no speakers) and on two
    ask = Segment(20.76, 23.56, "请您说一下这体位置。")
    opening = Segment(
        7.24,
        20.76,
        "你好，我是赵先生那边等，向反应一下垃圾的时候，我们村区口拿个垃圾点，"
        "得有半个月没人来垃圾，垃圾捧早就满了，都堆到路边上了。",
    )
    answer = Segment(23.96, 30.6, "照线反装正，难还数营村，就是村区口村那条路边上的垃圾点。")
    after = Segment(30.6, 33.64, "好的，那边现在是什么情况。")
    greeting = Segment(0.2, 7.24, "你好，央二三四五，是民服务界线，请问有什么可以帮您。")
    stretch = address_stretch(transcript_of(greeting, opening, ask, answer, after), None)
    assert stretch is not None and stretch.start == 23.96
    opening, answer = (Segment(s.start, s.end, s.text, "caller") for s in (opening, answer))
    ask = Segment(ask.start, ask.end, ask.text, "agent")
    stretch = address_stretch(transcript_of(opening, ask, answer), None)
    assert stretch is not None and stretch.start == 23.96
    # the answer to the question for the address (地址 heard 地质) beats the answer to where
    # something happened (是在哪儿吃的), on one channel
    where = Segment(17.5, 22.8, "您别急，是在哪儿去的，现在有多少人不舒服。")
    when = Segment(
        23.2, 34.4, "就是今儿中午，村里老留家去媳妇，摆得流水媳，到下午3点来中就开始疼。"
    )
    sent = Segment(34.4, 42.2, "现在得有十几个人，已经拿车往县医院送了。")
    asked = Segment(42.2, 44.7, "请问具体地质是哪里？")
    place = Segment(44.7, 56.3, "前六臀村，就是，铁感症人，先责线铁感症，再次委会前头那个文化广场")
    stretch = address_stretch(transcript_of(where, when, sent, asked, place), None)
    assert stretch is not None and stretch.start == 44.7
    # a house number said beats 楼 in 楼道, 楼底下, 三楼 (长安区青园街 garbled past reading)
    stairs = Segment(3.0, 9.0, "我就在楼底下站着，味儿是从三楼那家出来的，楼道里全是", "caller")
    number = Segment(20.0, 25.0, "我们这是长安期轻眼睛 218号，催流言小区", "caller")
    stretch = address_stretch(transcript_of(agent, stairs, number), None)
    assert stretch is not None and stretch.start == 20.0
    # a long mono segment is narrowed to the address, with a margin
    long = Segment(
        0.0, 40.0, "我们楼下垃圾没人收" * 5 + "地址是长安区青年街一百零五号" + "好的" * 15
    )
    stretch = address_stretch(transcript_of(long), None)
    assert stretch is not None and stretch.text == long.text
    assert 0.0 < stretch.start < stretch.end < 40.0 and stretch.end - stretch.start < 15.0


def test_confirm_address_prompts_with_place_names_and_votes() -> None:
    said = Segment(2.0, 6.0, "我住在长安区，青年街一百零五号建安小区", "caller")
    fake = FakeRedecoder(
        {"places": "长安区、青园街、105号、建安小区", "places-slow": "长安区青园街105号"}
    )
    check = confirm_address(Path("x.wav"), transcript_of(said), "长安区青年街105号建安小区", fake)
    assert check is not None and check.address == "长安区青园街105号建安小区"
    assert fake.prompts[0] is not None and "青园街" in fake.prompts[0]
    assert [r[0] for r in check.readings] == ["transcript", "places", "places-slow"]
    assert with_confirmed(["长安区青年街105号建安小区", "长安区"], check.address) == [
        "长安区青园街105号建安小区",
        "长安区",
    ]
    assert with_confirmed([], "长安区") == ["长安区"]
    assert with_confirmed(["长安区"], None) == ["长安区"]


def test_a_road_of_the_prompt_echoed_beside_the_one_heard_is_no_vote_against_it() -> None:
    # dev37: both prompted readings list 二环路 (a prompt word) after 和平东路 and before
    # the number; the road heard in all three readings stands
    said = Segment(2.0, 9.0, "长安区和屏东路209号，东风小区，十二号楼三单圆，五零一", "caller")
    fake = FakeRedecoder(
        {
            "places": "长安区、和平东路、二环路、109号、东风小区、石二号楼、三单圆、五零一。",
            "places-slow": "长安区、和平东路、二环路、百零九号、东风小区、十二号楼。",
        }
    )
    first = "长安区和平东路209号东风小区12号楼3单元501室"
    check = confirm_address(Path("x.wav"), transcript_of(said), first, fake)
    assert check is not None and check.address == "长安区和平东路209号东风小区12号楼3单元501室"
    # a town the reading heard is no echo of the transcript's street (dev39)
    from pipeline.addresses import _echo_of_prompt_dropped

    heard = parse_addresses("无极县张段固镇南庄村")[0]
    street = parse_addresses("和平街26号")[0]
    text = "无极县章断固这南章村和平街二十六号，就我家门口那一流"
    assert _echo_of_prompt_dropped(heard, street, text) is heard
    # a reading that heard only another road still votes for it
    fake = FakeRedecoder({"places": "长安区二环路209号", "places-slow": "长安区二环路209号"})
    check = confirm_address(Path("x.wav"), transcript_of(said), first, fake)
    assert check is not None and check.address.startswith("长安区二环路209号")


def test_a_village_taken_back_outlasts_readings_of_the_one_taken_back() -> None:
    said = Segment(45.5, 54.7, "照线，范装镇，鞋杨装村，村西骂个排水局，照线范装镇鞋杨装村，对吗？")
    fixed = Segment(
        54.7, 70.4, "艾不对，我说差了，是后杨装，前后的红鞋杨装是我们隔壁村，范装镇后杨装村，"
    )
    transcript = transcript_of(said, fixed)
    first = extract_addresses(transcript.caller_text)[0]
    assert first == "赵县范庄镇后杨庄村"
    fake = FakeRedecoder({"places": "赵县、范庄镇、鞋杨庄村", "places-slow": "赵县范庄镇鞋杨庄村"})
    check = confirm_address(Path("x.wav"), transcript, first, fake)
    assert check is not None and check.address == "赵县范庄镇后杨庄村"
    # without the correction the readings' village stands
    fake = FakeRedecoder({"places": "赵县、范庄镇、鞋杨庄村", "places-slow": "赵县范庄镇鞋杨庄村"})
    check = confirm_address(Path("x.wav"), transcript_of(said), "赵县范庄镇后杨庄村", fake)
    assert check is not None and check.address == "赵县范庄镇鞋杨庄村"


def test_a_street_in_the_village_outlasts_the_vote() -> None:
    heard = [
        _parsed("正定县新城铺镇后韩家营村中心街26号"),
        _parsed("正定县新城铺镇破韩家营村"),
        _parsed("正定县新城铺镇后韩家营村"),
    ]
    merged = vote(heard)
    assert merged is not None and merged.text == "正定县新城铺镇后韩家营村中心街26号"
    # a reading that took the street's number for the town's gives none
    heard = [_parsed("赵县范庄镇前臀宝村南街15号"), Address("赵县", "范庄镇", "15号", "潜团导村")]
    merged = vote(heard)
    # (臀, no village's word, is 屯: the script says 前屯堡村)
    assert merged is not None and merged.text == "赵县范庄镇前屯宝村南街15号"
    # the transcript heard no street (建设路 as 建设夺); the readings of the same village did
    # (号 heard 红 before a pause), and a village's street is no road of the town (dev43)
    texts = [
        "原事县怀扬正东街村建设夺二十七红，原来的店舅在鞋对面。",
        "元氏县、槐阳镇东街村建设路27红，原来的店舅在鞋对面。",
        "元氏县、槐阳镇东街村建设路27红，原来的店舅在鞋对面。",
    ]
    merged = vote([_best(t, load_gazetteer()) for t in texts])
    assert merged is not None and merged.text == "元氏县槐阳镇东街村建设路27号"


def test_transcriber_redecodes_the_callers_address() -> None:
    from pipeline.service import Pipeline

    transcriber = Pipeline.from_settings().transcriber  # the embedded Whisper base
    path = CALLS / "gas_leak_01.stereo.flac"
    truth = json.loads((CALLS / "gas_leak_01.truth.json").read_text(encoding="utf-8"))
    transcript = transcriber.transcribe(path)
    check = confirm_address(path, transcript, None, transcriber.redecode)
    assert check is not None and check.address is not None
    assert check.stretch.speaker == "caller"
    assert [r[0] for r in check.readings] == ["transcript", "places", "places-slow"]
    assert all(text for _, text, _ in check.readings)
    district_and_road = _parsed(truth["address"]).parts()[:2]
    assert _parsed(check.address).parts()[:2] == district_and_road


def _voted(caller_said: str, first: str, readings: dict[str, str]) -> str | None:
    """The address confirm_address gives for one caller segment and stand-in readings."""
    said = Segment(2.0, 12.0, caller_said, "caller")
    check = confirm_address(Path("x.wav"), transcript_of(said), first, FakeRedecoder(readings))
    assert check is not None
    return check.address


def test_a_number_both_prompted_readings_take_back_outlasts_the_transcripts() -> None:
    # dev42: 不对 heard 补兹 in the transcript, which kept the number taken back; both
    # prompted readings heard the correction and read the number said after it
    said = "地址是乔西区有一南大街168号，埃补兹补兹186号，康泰岩小区3号罗尔丹岩"
    readings = {
        "places": "地址是桥西区有一南大街、168厚、艾部队部队、186厚。",
        "places-slow": "第一只是桥西区有一南大街、168号、艾部队部队、186号。",
    }
    first = "桥西区友谊南大街168号康泰岩小区3号楼"
    assert _voted(said, first, readings) == "桥西区友谊南大街186号康泰岩小区3号楼"
    # readings without a correction, or with another number, leave the transcript's
    plain = {k: v.replace("艾部队部队、", "") for k, v in readings.items()}
    assert str(_voted(said, first, plain)).startswith("桥西区友谊南大街168号")
    other = {"places": readings["places"], "places-slow": readings["places"].replace("186", "618")}
    assert str(_voted(said, first, other)).startswith("桥西区友谊南大街168号")
    # readings that stop before the number said instead (dev37) do not undo the transcript's
    # correction: their number comes before the cue
    said = "小熙区域华熙路271号，紧华宴小区埃部队部队1217号，紧华宴小区二号楼"
    cut = {
        "places": "小夕区御华西路271号。剪华宴小区，艾部队部队，121史。",
        "places-slow": "小夕区御华西路271号，剪华院小区，艾部队部队，121时。",
    }
    assert str(_voted(said, "桥西区裕华西路217号紧华宴小区", cut)).startswith("桥西区裕华西路217号")
