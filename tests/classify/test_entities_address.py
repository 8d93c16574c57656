"""Tests for addresses: gazetteer spelling, numerals, parts and ASR misspellings."""

from __future__ import annotations

import pytest

from classify.entities.address import Address, extract_addresses, parse_addresses, with_readback
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
        ("建设被大街", ["长安区建设北大街"]),  # district inferred from the road
        ("卫民南大街上", ["桥西区维明南大街"]),
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
        ("建设被大街旁边的阳光小区", ["长安区建设北大街", "阳光小区"]),
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
        "我每天坐70路公交上班",  # a bus route, no 区石
        "我们等了70多路人",
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


def test_district_inferred_from_road_is_written_but_marked() -> None:
    (address,) = parse_addresses("槐安东路128号")
    assert address.district == ""
    assert address.inferred_district == "裕华区"
    assert address.text == "裕华区槐安东路128号"


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


# Addresses as Whisper base writes them from 8 kHz calls: near-homophones in district and
# road names, misheard 号/楼/building digits and compound suffixes. Compound names stay as
# written (东方民族 for 东方明珠).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("小夕区域华西路六十六号，华北小区九号楼", "桥西区裕华西路66号华北小区9号楼"),
        ("长安区，胜利北达加236号，建民小区5号楼", "长安区胜利北大街236号建民小区5号楼"),
        ("我住在艺华区坦南路199号，南宴小区2号楼", "裕华区塔南路199号南宴小区2号楼"),
        ("新华区中华北大街318号，和平家延遗号楼底商", "新华区中华北大街318号和平家园1号楼"),
        ("乔西区为民南大建立102号，就在河边上", "桥西区维明南大街102号"),
        ("请问超市的地址时，长安期盘顾南大街33号", "长安区谈固南大街33号"),
        ("消息区中划南大街二百一时后，金桥小区寺号楼。", "桥西区中华南大街210号金桥小区4号楼"),
        ("小区区红旗大街208号，红心小区后门", "桥西区红旗大街208号红心小区"),  # district from road
        ("余华区建华南大街45号，翠竹元6号楼", "裕华区建华南大街45号翠竹园6号楼"),
        ("新华区合作路八十八号，汤乐小区二号龙。", "新华区合作路88号汤乐小区2号楼"),
        ("新华区中华北大建166号，请问您贵姓", "新华区中华北大街166号"),
        ("新华区合作路50行，市中小区", "新华区合作路50号市中小区"),
        ("玉华区怀安东路106号，东方民族小区7号楼", "裕华区槐安东路106号东方民族小区7号楼"),
        ("我家在轮程区", "栾城区"),
        # roads of the outer districts too (dev47: 栾武路 heard 乱五路)
        ("请问小区地址是哪里，乱城区乱五路二百一十五号，服税家圆小区", "栾城区栾武路215号服税家园"),
        ("小夕驱红旗大监一百六十六号，请问", "桥西区红旗大街166号"),  # 4 characters, 监 near 街
        ("消息区新华洛210号对面的河边", "桥西区新华路210号"),  # a road between district and number
        ("长安区体育北大街一百一十二号一，光明小区四号楼。", "长安区体育北大街112号光明小区4号楼"),
        ("新华区民族路期时7号，民族小区二号楼，请问", "新华区民族路77号民族小区2号楼"),
        ("御华区体育南大街126横，京东花圆二号楼，请问", "裕华区体育南大街126号京东花园2号楼"),
        ("消息去有一南大街八十号，有一小七六号龙。", "桥西区友谊南大街80号有一小区6号楼"),
        ("消息区中山西路300号，新市这家圆7号楼。请问", "桥西区中山西路300号新市这家园7号楼"),
        # one wrong character in a road name that does not end like a road, before a number
        ("长安区针远接105号，监安小区，正好楼底下", "长安区青园街105号监安小区"),
        # a district without its 区 spelt right, and a town whose 镇 was misheard
        ("请问您家的地址，仅行况取奉山井，矿建小区，二号楼", "井陉矿区凤山镇矿建小区2号楼"),
        ("搞城区，港上镇，北新庄村，就在村东头", "藁城区岗上镇北新庄村"),
        (
            "玉华区体育南大街和南二环东路交叉口往南五十米，路西边。",
            "裕华区体育南大街与南二环东路交叉口往南50米",
        ),
        (
            "消息趋镇头达尖143号，服务员小区7号楼，就在楼的北边",
            "桥西区振头大街143号服务员小区7号楼",
        ),
        # 绿华区 is as near 新华区 as 裕华区: the road runs through 裕华区; 单园 is 单元
        (
            "请问您家的地址，绿华区域才加218号，问何花园，6号楼二单园",
            "裕华区育才街218号问何花园6号楼2单元",
        ),
        # a junction with a filler before 路口 and its corner; 地 in a long name is a wrong
        # character, not a particle
        (
            "御华区，御华东路跟地营南大街那根路口，东南角，正修路的",
            "裕华区裕华东路与翟营南大街交叉口东南角",
        ),
        # 交叉口 spelt by sound; a distance with 大概 in it
        (
            "长岸区建华北大街和北二环东路交插口往东大概二百米",
            "长安区建华北大街与北二环东路交叉口往东200米",
        ),
        # 区 heard as the numeral 七 before a road (an agent's read-back)
        ("潇西七星时中路166号，阅墙颜色号楼，对吗", "桥西区新石中路166号"),
        # a district heard as 小熄奇 before 红旗南大街 spelt 红奇
        ("小熄奇红奇南大街，三十七号，福安里小区，六号楼", "桥西区红旗南大街37号福安里小区6号楼"),
        # the caller goes on before the house number
        ("路前区向阳北大街，我们小区是108号，请秀华庭", "鹿泉区向阳北大街108号"),
        # a road by sound before a number whose 号 was heard as 后
        ("新华去泰华间128后，泰河院小区3号楼", "新华区泰华街128号泰河院小区3号楼"),
        # the road's misheard first character is the district's 区 (新 of 新石中路 lost)
        ("消息趋势中路，212号，那个烧烤门口", "桥西区新石中路212号"),
        # a road heard only by sound before 和 and a junction written by sound
        ("我刚路过怀安录和体育大街那个十字录口", "槐安路与体育大街交叉口"),
        # 区 heard as the Arabic 7; 自强路 as 次强路
        ("瞧悉7次强路45号，一楼门脸儿", "桥西区自强路45号1楼"),
        # the county town between the county and the road
        ("我住政定线城，中山西洛218号，杨河岩小区2号楼", "正定县中山西路218号杨河岩小区2号楼"),
        # 十字路口 heard as 石子路口, 米 as 明, with 来 (about)
        (
            "长安区，中山东路跟建设北大街那个石子路口，往东走100来明，路北",
            "长安区中山东路与建设北大街交叉口往东100米",
        ),
        # the road and the number apart: 这边 between them
        ("新华去，泰华街这边208号，家和元小区，三号楼", "新华区泰华街208号家和元小区3号楼"),
        # a counted noun describes a compound, it does not name one
        ("在桥西区那边一个老小区，墙上的裂缝", "桥西区"),
        # a pause between the road and its number
        ("就在新华区合作录，206后，俺们小区门口", "新华区合作路206号"),
        # 向阳北大街 written 向洋 after a district heard as 路全区
        ("路全区向洋北大街45号，汤太加元小区", "鹿泉区向阳北大街45号汤太家园"),
        # 向 and 和 (of 向阳, 和谐) do not cut the name of a road the gazetteer lacks
        ("就在向洋路12号", "向洋路12号"),
        ("新华区和谐路12号", "新华区和谐路12号"),
        # 路 heard as 录 with a pause before the number; 区 heard as 七
        ("乔西七次强录，118号，华信小七次号楼", "桥西区自强路118号华信小区"),
        # the district said after the road, before the number (本: a stray character)
        ("和平西洛新华区本，三百九十六号，庞民家院十二号楼", "新华区和平西路396号庞民家园12号楼"),
        # the district said after the house number
        ("石铜录，二百一十五号，文，失录全区等，服务人家园小区", "鹿泉区石铜路215号"),
        # a county's two-syllable stem with its 县 misheard (证定是 for 正定县)
        ("证定是烟照南大街88号，长山花园小区", "正定县燕赵南大街88号长山花园"),
        # the house number after a landmark clause
        ("正定县中山东路，大佛寺往东一点儿，158号", "正定县中山东路158号"),
        # a town's 镇 heard as 这 after its county; the village's 岗头 as 港投
        ("你好，我是晋州市怀术这南港投村为，我们村西投有格收费品的厂增", "晋州市槐树镇南岗头村"),
        # a town that sounds like another county's (兴安镇 of 藁城区), a stray character
        # before the pause and the village
        ("在正定县新安阵屋，西沿河村，就是村东头村上大路的那个石字路口", "正定县新安镇西沿河村"),
        # a town with one syllable wrong and its 镇 misheard, a village right after it
        ("新成库政能新债村，工地就在村子东边", "正定县新城铺镇能新寨村"),
        # a street of the village and its number (街 heard 接)
        ("赵县范庄镇东郭庄村，二接三十六号。请问您贵姓", "赵县范庄镇东郭庄村2街36号"),
        (
            "正定县、新城铺镇、后韩家营村、中心街二十六号，进村往北",
            "正定县新城铺镇后韩家营村中心街26号",
        ),
        # 区石 heard as 七十 and written 70 (鹿泉区石铜路)
        ("路前70同路156号，西元工业员3号厂房", "鹿泉区石铜路156号"),
        # a house number taken back
        ("新华区和平西路410号，我不对411号，太和家园", "新华区和平西路411号太和家园"),
        # the county town with 里头 before the road
        ("正定线城里头，中山东路，八十六号，长山花园，二号楼", "正定县中山东路86号长山花园2号楼"),
        # a county said alone before 城里住 and the road
        ("我们在证定县城里住，烟照南大街六十六号，杨河小区", "正定县燕赵南大街66号杨河小区"),
        # 和 heard as 合 in a junction
        ("和平东路合建设北大街那个交叉口，东北角", "长安区和平东路与建设北大街交叉口东北角"),
        # the district after the building, after 我们是
        (
            "烟照南大街88号，红叶家园，三号楼二单园，我们是证定县等",
            "正定县燕赵南大街88号红叶家园3号楼2单元",
        ),
        # a junction with 那个 before the second road and a pause before 交叉口
        ("怀中路跟那个体育南大街，交叉口，御华区等就在公交站", "裕华区槐中路与体育南大街交叉口"),
    ],
)
def test_addresses_as_whisper_writes_them(text: str, expected: str) -> None:
    assert extract_addresses(text) == [expected]


def test_a_house_number_taken_back_later_is_the_one_kept() -> None:
    # the agent's read-back, then the caller: 我刚才说反了，是318号
    text = (
        "新华缺和评路381号，康略院小区，缺号楼，好的，新华区和评论381号，康乐院小区7号楼，"
        "对吗，我刚才说反了是318号 318 康略院小区"
    )
    assert extract_addresses(text)[0] == "新华区和平路318号康略院小区"
    assert extract_addresses("长安区中山东路128号阳光小区，不是128号，是129号") == [
        "长安区中山东路129号阳光小区"
    ]
    # no house number in the correction (a building, a phone), or one no slip of this number
    for text in (
        "长安区中山东路128号阳光小区3号楼，不对，是5号楼",
        "长安区中山东路128号阳光小区，电话不对，是一三九",
        "长安区中山东路128号阳光小区，不对，我说的是56号那家",
        "长安区中山东路128号阳光小区，不是128号。我想问一下129号",
    ):
        assert extract_addresses(text)[0].startswith("长安区中山东路128号"), text


def test_a_house_number_taken_back_as_whisper_writes_it() -> None:
    # 不对不对，应该是二百一十七号: 该是 heard 十, 号 heard 毫
    text = "长安区胜利北大加二百七十一毫，不对不对应，十二百一十七毫，，对峰家院小区八号楼"
    assert extract_addresses(text)[0] == "长安区胜利北大街217号"
    # 哎，不对不对 heard 埃补队补队 or 艾部队
    text = "在乔西区有一南大街上，门排是186号，埃补队补队是168号，我老街反"
    assert extract_addresses(text) == ["桥西区友谊南大街168号"]
    assert extract_addresses("在桥西区、友谊南大街上，门排是186号，艾部队部队是168号。") == [
        "桥西区友谊南大街168号"
    ]
    # 是261号 heard 1261号: the 1 is the 是, as the number is a slip of 216
    text = "请问您的具体地质时，调戏区怀暗西卢，216号，艾部队部队，1261号，任何家园"
    assert extract_addresses(text)[0].startswith("桥西区槐安西路261号")
    # 不对不对，应该是 heard 不对不对应，是: the 是 begins no number (十五十七 is none)
    text = "路前去向阳北大街七十五号，不对不对应，是五十七号，锦绣华庭小区八号楼，我们俩户口"
    assert extract_addresses(text) == ["鹿泉区向阳北大街57号锦绣华庭小区8号楼"]
    text = "路前区向阳北大街75号，不对不对应。是57号，锦绣华庭小区8号楼，我们两户口都在这儿。"
    assert extract_addresses(text) == ["鹿泉区向阳北大街57号锦绣华庭小区8号楼"]
    # 就是 before the number: no numeral (九十318 is none)
    text = "新华区，中华北大厅，就是318号，请秀院小区，歇后楼"
    assert extract_addresses(text) == ["新华区中华北大街318号请秀院小区"]
    assert extract_addresses("中山东路是十八号")[0] == "中山东路18号"
    # a correction to another number altogether stands
    assert extract_addresses("长安区中山东路128号，不对，是1356号")[0] == "长安区中山东路1356号"


def test_a_house_number_named_after_the_rest_of_the_address() -> None:
    text = "玉华区，怀暗东路，就那个先和家演小区，门牌号时，等会按我看看阿姨，146号，工地就在"
    assert extract_addresses(text) == ["裕华区槐安东路146号"]
    text = "小细绪，印华西路，核严小绪，三号楼，我们排时二百三十三号，请问您怎么称呼"
    assert extract_addresses(text) == ["桥西区裕华西路233号核严小区3号楼"]
    # not past a sentence's end, nor a count
    assert extract_addresses("裕华区槐安东路馨和家园，门牌号我记不清了。电话是一三九") == [
        "裕华区槐安东路馨和家园"
    ]
    assert extract_addresses("裕华区槐安东路馨和家园，我们排队排了三十个号") == [
        "裕华区槐安东路馨和家园"
    ]


def test_a_district_said_before_a_compound_and_road() -> None:
    text = "鹿泉区御泉湾小区，在石铜路二百一十二号三号楼"
    assert extract_addresses(text) == ["鹿泉区石铜路212号御泉湾小区3号楼"]
    assert extract_addresses("我家在鹿泉区那边儿，石铜路二百一十二号") == ["鹿泉区石铜路212号"]
    # not across another road, nor for a road known to be in another district
    assert extract_addresses("鹿泉区御泉湾小区，中山东路二百一十二号")[0] != "鹿泉区中山东路212号"


def test_a_number_taken_back_after_the_compound() -> None:
    # 哎不对不对，是二百一十七号 after the compound, the 是 heard as a 1 (dev37)
    text = "小熙区域华熙路271号，紧华宴小区埃部队部队1217号，紧华宴小区二号楼，店舅在二号楼底商员"
    assert extract_addresses(text)[0] == "桥西区裕华西路217号紧华宴小区"
    # a longer number that is no slip of the first is another place's, not the correction
    text = "裕华西路271号，紧华宴小区，不对，1892号是我单位"
    assert extract_addresses(text)[0] == "桥西区裕华西路271号紧华宴小区"


def test_the_number_answering_the_agents_question_for_it() -> None:
    # one-channel calls (dev39): the agent asks 多少号 after the road, the caller answers
    text = "长安期建设北大街，建设北大街多少号，每个小区，166号，新运华府小区，就我们小清南边"
    assert extract_addresses(text)[0] == "长安区建设北大街166号新运华府小区"
    text = "这是新华区，中华北大街那块儿，楼上好些老人，中华北大街多少号，每个小区几号楼，312号"
    assert extract_addresses(text)[0] == "新华区中华北大街312号"
    text += "，核烟小区，7号楼，就7号楼地下室"
    assert extract_addresses(text)[0] == "新华区中华北大街312号核烟小区7号楼"
    # no number in reach: the road alone
    text = "长安区建设北大街，建设北大街多少号？我也不知道"
    assert extract_addresses(text)[0] == "长安区建设北大街"


def test_a_village_streets_number_taken_back() -> None:
    text = "行唐县上杯镇北长村，建设街45号，哀不对不对，是54号，我老季反了。"
    assert extract_addresses(text) == ["行唐县上碑镇北长村建设街54号"]
    # two cues, and 是 heard 十 (dev40)
    text = "行唐县上悲镇，北章村，建设接六十二号，哀不对不对，说反了，十二十六号，二十六号。"
    assert extract_addresses(text)[0] == "行唐县上碑镇北张村建设街26号"


def test_the_agents_question_for_the_village_is_no_compound() -> None:
    # 槐树镇哪个村 (heard 每个村) asks; it names nothing
    text = "晋州市等，槐树镇，槐树镇每个村，北阳镇村，就在村委会旁边"
    assert all("每个" not in a for a in extract_addresses(text))


def test_a_village_then_its_town_then_its_county() -> None:
    # 俺是北庄头村的，上碑镇，行唐县的 (dev42): the town is placed by its county after it
    assert extract_addresses("俺是北庄头村的，上碑镇，行唐县的。")[0] == "行唐县上碑镇北庄头村"
    # a three-character town heard with no county or village near stays unread
    assert extract_addresses("我们去上碑镇赶集") == []


def test_a_village_said_first_with_its_de_as_heard() -> None:
    # dev44: 西辛庄村的，上碑镇，行唐县… (的 heard 白 or 板; 辛庄 heard 心中 or 心庄)
    text = "我是西心庄村板，上碑镇、行唐县、上碑镇哪个西心庄。"
    assert extract_addresses(text)[0] == "行唐县上碑镇西辛庄村"
    text = "我是西心中村白，上碑镇、行唐县、上碑镇哪个西心中。"
    assert extract_addresses(text)[0] == "行唐县上碑镇西辛庄村"


def test_a_number_taken_back_with_bu_dui_heard_bu_dui_of_exchange() -> None:
    # dev50: 二百七十三号，哎不对不对，是二百三十七号 heard 273厚，埃补兑补兑 1237厚
    text = "地址是新华庆，中华北大坚 273厚，埃补兑补兑 1237厚，红浮烟小区，三厚楼一单圆门口"
    assert extract_addresses(text)[0].startswith("新华区中华北大街237号")


def test_the_characters_a_caller_spells_out() -> None:
    # dev50: 东槐林村 heard 东怀临村, the caller spelling 树林的林 (and 槐 heard 怀 even there)
    text = "东怀临村，饭装镇冷，照鲜，照鲜饭装镇。对，没错，东边耳的东怀树的怀，树林的林"
    assert extract_addresses(text)[0] == "赵县范庄镇东槐林村"
    # nothing spelt: the village as heard
    assert extract_addresses("东怀临村，饭装镇冷，照鲜，照鲜饭装镇。")[0] == "赵县范庄镇东槐临村"
    # 电话的话 spells nothing
    text = "裕华区槐安东路128号华府小区，电话的话，我姓王"
    assert extract_addresses(text)[0] == "裕华区槐安东路128号华府小区"


def test_a_villages_cun_heard_pen_right_after_its_town() -> None:
    # dev45: 新城铺镇东槐屯村，北街十二号 with 村 heard 喷 (and 屯 heard 吞)
    text = "郑定宪新城铺镇东怀吞喷，北街十二号是我家，出门往北走"
    assert extract_addresses(text) == ["正定县新城铺镇东槐屯村北街12号"]
    # 喷 anywhere else is a word
    assert extract_addresses("我们那儿天天喷，臭死了") == []


def test_the_town_said_again_with_its_village_is_not_doubled() -> None:
    # dev47: 是青同镇的，灵寿县、青同镇后柳沟村 (not 青同镇青同镇后柳沟村)
    text = "我，你们可能不知道，是青同镇的，灵寿县、青同镇后流沟村。好的，灵寿县、青同镇。"
    assert extract_addresses(text)[0] == "灵寿县青同镇后柳沟村"


def test_a_house_number_taken_back_when_whisper_doubled_a_digit_of_the_first() -> None:
    # dev55: 二一九号，哎不对，那是隔壁，俺们是二一六号 heard 2119号…阿门1216号
    text = "新华区有一北大街2119号艾部队那是隔壁，阿门1216号银碎院小区7号楼，舅楼前偷那16号银"
    assert extract_addresses(text)[0] == "新华区友谊北大街216号"
    # three digits are not undoubled (233 is no 23 said twice)
    text = "乔西区鸿奇达加二百三十三号，会淋润小区十一号楼。不是二百二十三，十二百三十三号"
    assert extract_addresses(text)[0].startswith("桥西区红旗大街233号")


def test_the_number_said_again_after_a_wrong_read_back_stands() -> None:
    # dev56: 215号 read back 251号, the caller: 不是，215号，215号 heard 1215号，1515号
    text = (
        "在桥西区中山多215号，华信大厦里头。我何对一下，中山多251号，华信大厦，是吗？"
        "不是，1215号，1515号，好的"
    )
    assert extract_addresses(text)[0] == "桥西区中山路215号华信大厦"


def test_a_house_number_taken_back_with_a_digit_whisper_added() -> None:
    # dev47: 一百三十七号 heard 1307号 after the agent read back 173号
    text = "义华区怀安东路173号，加核心承小区9号楼，对吗？，我不对，我说错淋，是1307号，1307，好的"
    assert extract_addresses(text)[0] == "裕华区槐安东路137号加核心承小区9号楼"
    # 3101 after 310号 could be 301 or 311: the number first said stands
    text = "新华区和平息路310号i，不对是3101号，我老机会就是一个铃接的门面房。"
    assert extract_addresses(text)[0] == "新华区和平西路310号"


def test_a_village_named_a_little_before_its_town() -> None:
    # dev45: the village, a landmark, then the town and county (镇 heard 县)
    text = "请问试每个村。东流钩村，就是尽村那个大怀术底下。我对石温唐县的，平山县温唐县。"
    assert extract_addresses(text)[0] == "平山县温塘镇东柳沟村"
    # another village named later in the call does not hide it
    assert extract_addresses(text + "西王庄村那边也没人收")[0] == "平山县温塘镇东柳沟村"
    # dev46: the district said alone between (…村，村西头那个老砖窑，就是赵县的，范庄镇)
    text = "请问是在每个村，北度家营村，村西头哀哲纳个老专阳，就是赵县等，范庄镇，北度家营"
    assert "赵县范庄镇北杜家营村" in extract_addresses(text)
    # 我们村 heard 阿门村 is no village, nor is a village beyond the reach
    assert extract_addresses("我们阿门村旁边，灵寿县慈峪镇") == ["灵寿县慈峪镇"]
    far = (
        "我原来在东王庄村住，后来搬走了，这些年一直在外地打工，前阵子才回来，家里也没什么人了，"
        "现在住在灵寿县慈峪镇"
    )
    assert extract_addresses(far) == ["灵寿县慈峪镇"]


def test_a_town_beside_its_village_by_sound_or_spelt_alone() -> None:
    # dev44: 前郭庄村的，铁杆镇，深泽县铁杆镇 with the town heard 铁赶镇 and the county lost
    text = "请问您是在每个村，前郭中村等，铁赶镇，先责线铁赶镇，就村委会后边那一片"
    assert extract_addresses(text)[0] == "深泽县铁杆镇前郭庄村"
    # a three-character town spelt right, a village right before it
    assert extract_addresses("前国中村等，铁杆镇、鲜泽县杆镇，就村委会后边")[0] == (
        "深泽县铁杆镇前郭庄村"
    )
    # a town's sound alone, with no village beside it, is no town
    assert extract_addresses("我们那儿的铁赶镇上") == []


def test_a_county_and_its_town_both_heard_only_by_sound() -> None:
    # dev52: 赵县范庄镇 heard 照先范中正, the village named before
    text = "请问具体位置在那里，小营头村，阿门村叫小营头，示范中正等，照先范中正，就在村东"
    assert extract_addresses(text)[0] == "赵县范庄镇小营头村"
    # dev46: 赞皇县院头镇 heard 在黄线岩头阵 (one syllable of each near), the village after
    assert extract_addresses("我是在黄线岩头阵西领口村等，我们村里那条主街")[0] == (
        "赞皇县院头镇西岭口村"
    )
    # dev41: 正定县南牛乡 heard 正病现男牛相
    text = "哎，你好，我是正病现男牛相后分装村北，我们村东"
    assert extract_addresses(text)[0].startswith("正定县南牛乡")
    # dev48: a pause and 等 between; 整个村 is no village
    text = "前滴头村，我们是前滴头，是哪个线哪个镇灯？袁世线等南左镇，整个村儿都没水"
    assert extract_addresses(text)[0] == "元氏县南佐镇前滴头村"
    # dev20: the town spelt right after the county heard 郑殿线
    assert extract_addresses("我是郑殿线南牛乡等，我们村那个垃圾点")[0] == "正定县南牛乡"
    # dev56: the village's 村 heard 存 (its very sound) between pauses; 保存 is no village
    assert extract_addresses("正定险心安静，吸流营存，进村往东走")[0] == "正定县新安镇西柳营村"
    assert extract_addresses("这些东西都得保存，不然就坏了") == []
    # dev17: 北 heard 被 at the start of the village after the town; 被 as a word is no village
    text = "请问您现在就在哪里，按加时照线反装镇等，被王村。请问您怎么称呼"
    assert extract_addresses(text)[0] == "赵县范庄镇北王村"
    assert extract_addresses("赵县范庄镇被淹了好几个村") == ["赵县范庄镇"]
    # dev18: the town's 镇 heard 这, a village's 庄 heard 中
    text = "喂，我是照线饭中这南中村的，我们村停水三天了"
    assert extract_addresses(text)[0] == "赵县范庄镇南庄村"
    # dev51: the town said again, heard 营, is not doubled; 因/营村镇 is written 殷村镇
    text = "西柳庄村，就村东头，哀著那个大水塌。我，原是县本，营村镇，营村镇西柳庄村。"
    assert extract_addresses(text)[0] == "元氏县殷村镇西柳庄村"


def test_a_county_by_sound_needs_its_own_town_after_it() -> None:
    # 赵先生 is a man's name; 原是县 a phrase; with no town of theirs after, no place
    assert extract_addresses("好的赵先生，我们会尽快处理") == []
    assert extract_addresses("那个原是县里管的，后来就没人管了") == []
    # a town of another county after the sound of 赵县 is not enough
    assert extract_addresses("好的赵先生，南牛乡那边我们也会通知") != ["赵县南牛乡"]


def test_the_door_number_given_sentences_after_the_road() -> None:
    # dev54: the agent asks for the door number two sentences on; 二百零九号 written 200零九号
    text = (
        "就在怀案东路上遇华区，按门小旗是金地花园，工地就在按门小旗东边，隔一条小马路。"
        "您小旗的门牌号是多少？朱吉浩楼。门牌是200,200零几来著，200零九号，按朱吉浩楼"
    )
    assert extract_addresses(text)[0] == "裕华区槐安东路209号"
    assert extract_addresses("裕华区槐安东路300一十六号")[0] == "裕华区槐安东路316号"
    # dev56: 门牌号和小区呢 heard 门排号和小七能 (小七 is no number 7), then the number
    text = "长安区，体育北大街那边。其体门排号和小七能，一百一十七号，东上小七，就在超市对面"
    assert extract_addresses(text)[0] == "长安区体育北大街117号"
    # not past another road, and not a number without 门牌 before it
    text = "就在槐安东路上裕华区。我单位在中山西路，门牌是一百二十号"
    assert "裕华区槐安东路" in extract_addresses(text)
    assert extract_addresses("就在槐安东路上裕华区。家里三口人，住了二十年") == ["裕华区槐安东路"]


def test_a_district_heard_with_qi_and_its_road_one_syllable_off() -> None:
    # dev53: 藁城区廉州路 heard 搞成七连中路 (区 as 七, zhong for zhou)
    assert extract_addresses("搞成七连中路142号封责任小区9号楼")[0] == (
        "藁城区廉州路142号封责任小区9号楼"
    )
    # dev37: 廉州东路 heard 年中东路 (nian near lian)
    assert extract_addresses("搞成七年中东路166号金墙花园")[0] == "藁城区廉州东路166号金墙花园"
    # only a road of the district said before, and only before a house number
    assert extract_addresses("藁城区连中路那边") != ["藁城区廉州路"]
    assert not extract_addresses("新华区连中路142号")[0].startswith("新华区廉州路")
    # 七 after a word that is no district's stem stays
    assert extract_addresses("第七中路12号") == ["第七中路12号"]


def test_a_road_said_again_keeps_its_district_and_the_number_asked_for() -> None:
    # dev57: the district named with the road first, the number with the road later
    text = (
        "新华区，有一大街这边，核水烟小区，三号楼，就是有烟从三楼扯了跟电线下来。"
        "核水烟小区在有一大街多少号？有一大街136号，小区门口有个药店"
    )
    assert "新华区友谊大街136号" in extract_addresses(text)
    # dev57: the number answered after the agent's 多少号？, a number taken back between
    text = (
        "小夕去，中山西路，那个圣井华廷小区，中山西路多少号？三百八，爱不对不对，说错了，"
        "是三百一十八号，七号楼"
    )
    assert extract_addresses(text)[0] == "桥西区中山西路318号"
    # dev57: a county's town with its first syllable lost (城户镇 for 新城铺镇)
    assert extract_addresses("我家是郑定线，城户镇后退营村，二组")[0].startswith("正定县新城铺镇")


def test_a_numeral_that_sounds_near_in_a_districts_slot() -> None:
    # dev58: 裕华区 heard 一滑去 (yi for yu) right before the road
    text = "请问是在哪里？一滑去东港路，就是那个大超市对面，任何院小区，东港路多少号，一百三十三号"
    assert extract_addresses(text)[0] == "裕华区东岗路133号"
    # numerals said as such before a road are still no district
    assert extract_addresses("住了一三年，东岗路133号") == ["东岗路133号"]
    assert extract_addresses("我家三楼，东岗路133号") == ["东岗路133号"]
    # dev59: 辛集市旧城镇北郭庄村 heard 心急事就成正北郭章村 (庄 heard 章 at a long name's end)
    text = "具体位置在哪儿？心急事就成正北郭章村二组，拉鸡点就在二组村口"
    assert extract_addresses(text)[0] == "辛集市旧城镇北郭庄村"
    # dev55: 东石桥村 heard 东是桥村 (是 in no village's name, 乔 before 村 is the bridge)
    assert extract_addresses("零售现侵童镇，东是桥村，去的就是镇上")[0] == "灵寿县青同镇东石桥村"


def test_dev60_village_and_number_forms() -> None:
    # the village before its town after 这是 heard 这时, a landmark between
    text = "阿门这时东岔口村，东边那个岔口，青童阵门，灵受现青童阵，就在村当间而那个大怀术底下"
    assert extract_addresses(text)[0] == "灵寿县青同镇东岔口村"
    # 几来着 heard 戒来阵 in a hesitation before the number
    text = "消息去，周山西路，那个500 580戒来阵，583号，康明小七，4号楼"
    assert extract_addresses(text)[0] == "桥西区中山西路583号康明小区4号楼"
    # 营 heard 云 before 村: no 家园 by sound inside a village's name
    text = "请问计体室哪个村？正定先先安静西韩家云村，村东头达膨子哪家就是"
    assert extract_addresses(text)[0] == "正定县新安镇西韩家营村"


def test_a_district_then_jiushi_nage_then_the_road() -> None:
    # dev62: 长安区，就是那个中山东路，三百，三百五十几来证，三百五十六号
    text = "长安区，就是那个中山东路，三百，三百五十几来证，三百五十六号，金贵人小区，三号楼"
    assert extract_addresses(text)[0] == "长安区中山东路356号金贵人小区3号楼"


def test_dev61_village_lead_and_a_number_restated_with_the_road() -> None:
    # 东 heard 都 at the start of the village right after its town
    text = "我是证定现新成谱证能，向反应依向。请问是每个村。新成谱证都梦村，就在村南那条水泥路边上"
    assert extract_addresses(text)[0] == "正定县新城铺镇东孟村"
    assert extract_addresses("赵县范庄镇都去过了") == ["赵县范庄镇"]
    # 211号，我不对说错了 and the number said in the correction garbled; the road and the
    # number said again clear
    text = "小青七红其大家211号，我不对说错了12117号，立警院小青南门外边。红其大家217号，立警院"
    assert extract_addresses(text)[0] == "桥西区红旗大街217号"
    # a 不对 a sentence on is not the number's
    text = "红旗大街211号，丽景苑小区。电话不对。红旗大街217号那家也是"
    assert extract_addresses(text)[0].startswith("桥西区红旗大街211号")


def test_the_town_said_again_by_sound_is_not_doubled() -> None:
    # dev46: 零瘦线的，青铜镇，青铜镇南柳沟村 (灵寿县青同镇)
    text = "南柳沟村，就我们村东头那条河沟，我，是零瘦线的，青铜镇，青铜镇南柳沟村，上游有个厂"
    assert extract_addresses(text)[0] == "灵寿县青同镇南柳沟村"


def test_the_beginnings_of_a_number_tried_first_are_no_house_number() -> None:
    # dev43: 三百，三百二十几，你看我这记性，三百二十四号 (三百 had been read 3号)
    text = "新华区和平西路，三百，三百二十几，你看我这迹星，三百二十四号，就在那个浓漠市场西边"
    assert extract_addresses(text)[0] == "新华区和平西路324号"
    text = "在日华区，怀暗东路，坟一百，一百零起来著，一百零六号，对一百零六号"
    assert extract_addresses(text)[0] == "裕华区槐安东路106号"
    # a count of people after the road is no house number either way
    assert extract_addresses("新华区和平西路，三百二十个人，我们小区")[0] == "新华区和平西路"
    # dev44, dev45: a filler before the beginnings, the number then heard with 号 as 后;
    # beginnings in Arabic digits, 几 heard 级; a pause written 、
    text = "长安区建设北大街，就那个二百，二百二十六后和顺家严小区，二号楼底下"
    assert extract_addresses(text)[0] == "长安区建设北大街226号和顺家园"
    text = "长安区、建设北大街、就那哥二百、二百二十六后和顺家严小区，二号楼底下"
    assert extract_addresses(text)[0].startswith("长安区建设北大街226号")
    text = "玉华去，体育南大坚，140几，145后，加和小七二号楼，离那个小学挺近的。"
    assert extract_addresses(text)[0] == "裕华区体育南大街145号加和小区2号楼"
    assert extract_addresses("裕华区体育南大街、140级、145号。") == ["裕华区体育南大街145号"]
    # dev46: 八十，八十几来着，八十六号 heard 80、80近来至86后
    text = "我家注意华区，塔南路80、80近来至86后，河热家园12号楼。"
    assert extract_addresses(text) == ["裕华区塔南路86号河热家园12号楼"]
    # a number taken back in Arabic digits, 哎 heard 挨
    text = "门排是怀岸东路160，挨不对168号，三号楼正冲着公地那面"
    assert extract_addresses(text)[0] == "裕华区槐安东路168号3号楼"


def test_a_number_said_in_two_breaths_and_a_road_said_again_more_precisely() -> None:
    # dev51: 三百，一十六号 is 316号 (not 16号)
    text = "小夕七红其大街，三百，一十六号，汤银小区，七号楼南边那颗"
    assert extract_addresses(text)[0] == "桥西区红旗大街316号汤银小区7号楼"
    # dev51: 槐安路，东边那段，叫槐安东路，门牌158号
    text = "在玉华去，怀暗路，东边那段，叫怀暗东路，门排158号，叫新元海鲜酒家"
    assert extract_addresses(text)[0] == "裕华区槐安东路158号"
    # dev51: 一百四，一百四十几来着: a numeral is no misheard 号 (一百四 had been 100号)
    text = "新华区有一北大街，一百四，一百四十级来镇，一百四十五号，祥河院小区，二号楼底下"
    assert extract_addresses(text)[0] == "新华区友谊北大街145号祥河院小区2号楼"
    # dev51: the village after 是, a sentence before its town
    text = "请问您住在哪里？是每个卫生院，我是东怀林村南。我先责现铁杆镇门，就是铁杆镇卫生院"
    assert extract_addresses(text)[0] == "深泽县铁杆镇东槐林村"


def test_no_house_number_runs_to_five_digits() -> None:
    # dev52: 二百零，二百零九号 heard 2202909号 is no house number
    text = "搞成七连中路2202909号，小区校服责院5号楼"
    assert all("2202909号" not in a.number for a in parse_addresses(text))


def test_a_number_begun_and_said_whole_without_a_pause() -> None:
    # dev48: 六十，六十二号 heard 六十六十二号 (not 122号)
    text = "小七七红七大间，六十六十二号，催摆院小区，九号楼南边"
    assert extract_addresses(text)[0] == "桥西区红旗大街62号催摆院小区9号楼"


def test_beginnings_of_a_number_mixing_digits_and_words() -> None:
    # dev49: 一百，一百零几来着，一百零八号 heard 100,100零起来著，108号
    text = "我在搞城区，连州东路，那个100,100零起来著，108号，埃著盟貌市场那个小区"
    assert extract_addresses(text)[0] == "藁城区廉州东路108号"


def test_the_compound_named_with_xiaoqu_jiao_and_a_village_street_after_wo_jia_zhu() -> None:
    # dev48: 友谊北大街那边，小区叫春晖园; 后营里村，我家就住东街六号 (号 heard 行)
    text = "新华区，有一北大街那边，小区叫春辉园，坏的地方"
    assert extract_addresses(text)[0] == "新华区友谊北大街春辉园"
    text = "照线沙河电镇后营里村，我家就住东街六行，出门往东走二百米就是那条河"
    assert extract_addresses(text)[0] == "赵县沙河店镇后营里村东街6号"


def test_a_number_begun_and_said_whole_after_a_pause() -> None:
    # dev45: 二百零，二百零九号 (二百零 alone reads as 200号, its 零 taken for 号)
    text = "新华区有一北大街，二百零，二百零九后，新华人小区六号楼"
    assert extract_addresses(text)[0] == "新华区友谊北大街209号新华人小区6号楼"
    text = "新华区、友谊北大街、二百零、二百零九号。"
    assert extract_addresses(text) == ["新华区友谊北大街209号"]
    # another number after the pause is no restart, and a number cut short (二百零) is none
    assert extract_addresses("新华区友谊北大街二百零，三号楼") == ["新华区友谊北大街"]


def test_a_village_taken_back_later_is_the_one_kept() -> None:
    text = (
        "照线，范装镇，鞋杨装村，村西骂个排水局，照线范装镇鞋杨装村，对吗？"
        "艾不对，我说差了，是后杨装，前后的红鞋杨装是我们隔壁村，范装镇后杨装村"
    )
    assert extract_addresses(text) == ["赵县范庄镇后杨庄村"]
    # 不是 names the village it is not
    text = "赵县范庄镇东王村，不是范庄镇西王村，我们是东王村"
    assert extract_addresses(text)[0] == "赵县范庄镇东王村"
    # 不对 as Whisper writes it (补队) is a take-back cue too
    text = "赵县范庄镇西王村，对吗？补队补队，是东王村，范庄镇东王村"
    assert extract_addresses(text) == ["赵县范庄镇东王村"]


def test_a_road_said_before_the_full_address_is_dropped() -> None:
    text = "能不能开一条夜班车，从火车站到坦南路这边？我住在艺华区坦南路199号，南宴小区2号楼"
    assert extract_addresses(text) == ["裕华区塔南路199号南宴小区2号楼"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("成了全区人口密度最高的地方", []),  # 了 is never a misheard part of 鹿泉区
        ("我们老城区的路灯坏了", []),  # 老 lao is not near 藁 gao
        ("都有人跳广场舞", []),  # landmarks take no wrong character
        ("金沙北路253号", ["金沙北路253号"]),  # two near characters: not 新石北路
        ("予以打击", []),
        ("新闻路99号目前由园林局负责", ["新闻路99号"]),  # 园 of 园林 is no compound suffix
        ("赵县级住院", ["赵县"]),  # 院 is not a misheard 园
        ("中山东路是好的", ["中山东路"]),  # 是 starts no house number
        ("中山东路是时候修了", ["中山东路"]),  # 是时 is no number: no real numeral in it
        ("中山东路是128号", ["中山东路128号"]),  # 是 before digits is a word, not a 4
        ("中山东路100米，有个坑", ["中山东路"]),  # a unit, not a misheard 号
        ("六十七路公交车", []),  # a bus route, not 石清路
        ("东风路与广东路交叉口", ["东风路"]),  # 与 never stands for 裕: no 裕华东路
        ("中山东路128号那个小区", ["中山东路128号"]),
        ("新闻路99号", ["新闻路99号"]),  # ends like a road: maybe one the gazetteer lacks
        ("藁城区廉州路那边", ["藁城区廉州路"]),  # a road, not 廉州镇 with a misheard 镇
        ("原是县里的干部", []),  # three syllables sounding like 元氏县 are not enough
        ("夏层铺镇学校门口", []),  # towns must sound exactly right: not 新城铺镇
        # after a pause only a road sounding right to its suffix, before a real 号
        ("物业管理公司同意，一伙人正在对小区", []),
        # 离 begins no compound, and a district after 离 is not the address's
        ("我住自强路118号，离新华区不远", ["自强路118号", "新华区"]),
        # a number ahead belongs to the road only within the sentence and with no place between
        ("中山东路堵车。我家128号", ["中山东路"]),
        ("中山东路往南走两百米，128号", ["中山东路"]),
    ],
)
def test_misheard_looking_words_that_are_not_addresses(text: str, expected: list[str]) -> None:
    assert extract_addresses(text) == expected


def test_loose_district_only_right_before_a_road() -> None:
    (address,) = parse_addresses("长安期盘顾南大街33号")
    assert (address.district, address.road, address.start) == ("长安区", "谈固南大街", 0)
    assert extract_addresses("长安期") == []


def test_an_agents_fuller_read_back_leads() -> None:
    caller = extract_addresses("我先把电话给你吧，住在长安区议才将，安心小区")
    agent = extract_addresses("长安区域才加二十七号，安心小趋十号楼三单人，请问您贵姓")
    assert caller == ["长安区"]
    assert with_readback(caller, agent)[0].startswith("长安区育才街27号安心小区10号楼")
    # the caller's own address stays first when the read-back adds nothing
    assert with_readback(["长安区育才街27号"], ["长安区育才街17号"]) == ["长安区育才街27号"]
    # ... unless the caller's number is the read-back's with a digit Whisper added
    caller = extract_addresses("长安区，潭固南大街 1118号，阁风家元小区")
    agent = extract_addresses("长安区谈顾南大街118号任风家员4号罗二干颜，对吗？")
    assert with_readback(caller, agent)[0].startswith("长安区谈固南大街118号")
    assert with_readback(["长安区育才街1127号"], ["长安区育才街27号"]) == ["长安区育才街1127号"]
    assert with_readback([], []) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the district garbled or said without 区/县: the town, by sound, before its village
        ("俺是稿成梅花正梅花村的，村东头那条排水沟", "藁城区梅花镇梅花村"),
        ("俺是证定的，新成谱证，新成谱村", "正定县新城铺镇新城铺村"),
        # a village named after its town, respelt with the town's characters
        ("路前期童野镇男童野村，厂子就在村北边", "鹿泉区铜冶镇南铜冶村"),
        ("藁城区梅花镇东庄村", "藁城区梅花镇东庄村"),
        # towns of the counties, the county said as 线 for 县
        ("为暗示照线泛装线泛装村的，阿门村", "赵县范庄镇范庄村"),
        ("暗示无极线章段故政，章段故村等", "无极县张段固镇张段固村"),
        # a town of the county one syllable off (zhong for zhuang), a village's 庄 heard 中
        ("赵县反中镇南王中村，作坊在村西头", "赵县范庄镇南王庄村"),
        ("赵县，饭中镇，饭中村就村东头", "赵县范庄镇范庄村"),
        # 庄 by its sound anywhere in a village's name, a direction at its start
        # (因村镇 is written 殷村镇, the homophone town callers name: a prior)
        ("元氏县因村镇后桩村", "元氏县殷村镇后庄村"),
        ("元氏县槐阳镇难关村", "元氏县槐阳镇南关村"),
        # a surname for a word no village is named with (梦 for 孟, 洋 for 杨)
        ("正定县新城铺镇前梦村，村西头那个厂子", "正定县新城铺镇前孟村"),
        ("元氏县槐阳镇西洋庄村", "元氏县槐阳镇西杨庄村"),
        # village words heard as words no village is named with (报 for 堡, 钩 for 沟)
        ("深泽县铁杆镇，前马报村，就是村里文化广场东边那家", "深泽县铁杆镇前马堡村"),
        # the town's 的 before a pause, or heard 等, and the county misheard or left out
        ("那个我是赞皇县院头镇的，石槽沟村儿，我们村", "赞皇县院头镇石槽沟村"),
        ("那个我是在皇县院头镇等，石草钩村儿，我们村这次来水儿", "赞皇县院头镇石草沟村"),
        # the village said before its town
        ("前柳屯村，就是铁杆镇镇、深泽县铁杆镇。再次委会前头纳个文化广场", "深泽县铁杆镇前柳屯村"),
        ("我们是前柳屯村的，深泽县铁杆镇", "深泽县铁杆镇前柳屯村"),
        # ... and the town said alone first, 的 heard 门 or 本, 俺是 heard 暗示
        (
            "后怀营村，阿门是后怀营村门，大营镇门就是高邑县大营镇。在村小学门口",
            "高邑县大营镇后槐营村",
        ),
        (
            "食草沟村、暗示食草沟村本、院头镇、赞皇县院头镇，暗家就在村委会西边",
            "赞皇县院头镇石草沟村",
        ),
        # 杜 heard 度, 柳 heard 溜, 杨 heard 央, 石 heard 使, 岭 heard 领
        ("深泽县赵八镇，北度林村，就是村小学门口儿那一段儿", "深泽县赵八镇北杜林村"),
        ("北溜营村，慈毅镇灯，就是灵寿县慈毅镇北溜营村", "灵寿县慈峪镇北柳营村"),
        ("喂，你好，我是深泽县铁感镇前央藤村类", "深泽县铁杆镇前杨藤村"),
        ("我是灵寿县，慈峪镇后使领村的", "灵寿县慈峪镇后石岭村"),
        ("我是灵寿县，慈峪镇后时岭村的", "灵寿县慈峪镇后石岭村"),
    ],
)
def test_villages_after_towns(text: str, expected: str) -> None:
    assert extract_addresses(text)[0] == expected


def test_a_road_of_a_county_town_keeps_its_town() -> None:
    # county, town, then a road in the town: one address, not the town and a road apart
    text = "正定县、正定镇、燕赵南大街、120号、长山花园小区、4号楼。"
    assert extract_addresses(text) == ["正定县正定镇燕赵南大街120号长山花园"]
    assert extract_addresses("赵县赵州镇石塔路15号") == ["赵县赵州镇石塔路15号"]
    # without the county, the town's county is written in
    assert extract_addresses("我家在正定镇，燕赵南大街120号") == ["正定县正定镇燕赵南大街120号"]
    # a village after its town is no road
    assert extract_addresses("元氏县殷村镇东韩村") == ["元氏县殷村镇东韩村"]


def test_a_town_by_sound_needs_a_district_or_a_real_village_after_it() -> None:
    # 已经浸 sounds like no town; 我们村 is no village name
    assert extract_addresses("污水已经浸漫我们村组农田") == []
    # three-character towns heard only by sound, with nothing around them
    assert extract_addresses("以前也曾为家乡建言献策") == []  # not 于家乡
    assert extract_addresses("G8县壶瓶山镇居民") == []  # not 平山镇
    assert extract_addresses("全体村民意见很大") == []  # villagers, not a village
    assert extract_addresses("平山县平山镇") == ["平山县平山镇"]
    # spelt right, a three-character town still needs a place around it
    assert extract_addresses("对于家乡的发展") == []
    assert extract_addresses("我家在栾城镇") == ["栾城区栾城镇"]
    # one syllable off, a town must be its county's and the only one that fits
    assert extract_addresses("正定县反中镇") == ["正定县"]  # 范庄镇 is 赵县's
    assert extract_addresses("中华大街城中村")[0].endswith("城中村")  # an urban village
    # a village with 家 in its name is a village all the same
    assert extract_addresses("我们在于家乡于家村")[0].startswith("井陉县于家乡")
