"""Addresses in a caller's words, normalised to one canonical string each.

An address is read left to right as district, road (or landmark), house number, compound and
building, each part optional but in that order: "常安区钟山东路一百二十八号阳光小区3号楼2单元"
becomes ``长安区中山东路128号阳光小区3号楼2单元``. Districts, roads and landmarks are matched
against the gazetteer by sound (see :mod:`classify.gazetteer`) and written in its spelling;
numbers in Chinese numerals become Arabic digits. A road missing from the gazetteer is taken
as said only when a house number follows it (幸福路12号). A compound (小区, 花园, 家园, 公寓,
家属院, 大厦, 社区, 新村) is recognised on its own too, so "阳光小区3号楼" is an address.

Choices worth knowing:

* When no district was heard but the gazetteer maps the road to exactly one district, that
  district is written in the string form too (``Address.inferred_district`` says it was
  inferred). Callers of the hotline name the district almost always, so a missing district
  usually means Whisper garbled it beyond recognition (小区区红旗大街); the road's district is
  then the best reading. Roads on a district boundary list several districts and infer none.
* Right before a road, where a district is expected, a three-character district name is
  matched more loosely (长安期 -> 长安区: the suffix may sound near too).
* Building numbers and compound suffixes may be misheard (遗号楼, 三号龙, 翠竹元, 和平家延,
  五十行): see :mod:`classify.entities.address_sounds`. Compound names themselves are free
  text and kept as written.
* An address that only repeats parts of a more complete one in the same text (塔南路 before
  裕华区塔南路199号...) is dropped, so the first address is the fullest one said first.
* A bare door number after 单元 or 号楼 gets 室 (2单元502 -> ``2单元502室``).
* Two roads joined by 和/与/跟 and followed by 交叉口/路口 form one intersection,
  written ``中山东路与体育大街交叉口``.
* A town (镇, 乡) gives its district; heard only by sound it needs a district before it or a
  village after it (稿成梅花正梅花村 -> 藁城区梅花镇梅花村). A village that carries its town's
  name, alone or after a direction, is written with the town's characters (铜冶镇男童野村 ->
  铜冶镇南铜冶村).
* Named places without a suffix (恒大绿洲), villages without their town, and house numbers
  said without 号 are not recognised.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from classify.entities.address_sounds import compound_at, house_number_at, respell_buildings
from classify.entities.corrections import HEY, NOT_RIGHT, SAID_SWAPPED, SAID_WRONG, TAKE_BACK
from classify.entities.numerals import NUMBER_PATTERN, number_to_arabic
from classify.gazetteer import Gazetteer, Place, PlaceMatch, load_gazetteer
from classify.phonetic import is_han, loose_distance, main_sound, near, syllables

_HAN = "\u4e00-\u9fff"
# Characters that cannot be part of a compound or unknown road name (the words around them).
_STOP_CHARS = (
    "号的了在是有和与跟就都也还很我你他她们这那个哪里边面近口旁对附前后住家说到去从往向址于吗呢啊吧"
)
# Right after a house number or road a compound name is expected: these words may not begin
# it (128号那个小区), but 和, 向, 前 may (和平家园, 向阳小区, 前进小区).
_SLOT_STOP_CHARS = (
    "号的了着过在是就都也还很我你他她们这那个哪吗呢啊吧说到去从往于被把让给将对跟与及或离"
)
_COMPOUND_SUFFIX = "小区|花园|家园|公寓|家属院|宿舍|大厦|社区|新村|嘉园|名苑|公馆|广场|苑|村"
_STANDALONE_SUFFIX = "小区|花园|家园|公寓|家属院|大厦|社区|新村|嘉园|名苑"
# Common words of place names that begin with one of the stop characters (向阳北大街,
# 和平家园, 前进小区), also as Whisper spells them (向洋): a name is not cut there.
_NAME_WORD_SOUNDS = frozenset(map(syllables, ("向阳", "和平", "和谐", "前进", "向东")))
# Words before 小区 etc. that describe rather than name a compound.
_GENERIC_NAMES = frozenset(
    str.split(
        "我们 咱们 你们 他们 这个 那个 整个 附近 周边 旁边 对面 各个 所有 很多 几个 其他 老旧 "
        "高档 新建 同一 本 该 隔壁 一个 两个 住宅 居民 商品房 回迁 安置 俺们"
    )
)
# A subdistrict, district or township before a compound name is not part of it.
_ADMIN_UNIT_RE = re.compile(r"街道|社区|[区县市省镇乡]")
# What says that the words after it are a place (ends right before the name).
_PLACE_CUE_RE = re.compile(
    r"(?:[在住是到于址：:]|街道|社区|[区县市省镇乡]|(?:旁边|对面|附近|隔壁|后面|前面|边上)的?)$"
)
# 就是 said before a number (中华北大街，就是318号).
_JIUSHI_BEFORE_NUMBER = r"就是(?=[0-9零一二两三四五六七八九幺])"
# What may stand between two parts of an address: a pause, 的, or the caller going on
# (向阳北大街，我们小区是108号; 泰华街这边208号; 中华北大街，就是318号; 友谊北大街那边，小区叫
# 春晖园).
_FILLER_RE = re.compile(
    r"[\s，,、]{0,2}(?:这边|那边|这儿|那儿)?[\s，,、]{0,2}"
    rf"(?:(?:我们|我家|俺们|俺家|咱们|咱家)(?:小区|家|楼)?(?:就是|是|在)|{_JIUSHI_BEFORE_NUMBER}"
    r"|(?:我们|我家)?小区(?:名字)?叫)?"
    r"(?:的[\s，,、]{0,2})?"
)
# A counted noun (一个老小区) describes a compound; it does not name one.
_COUNTED_RE = re.compile(r"[一两几][个座片栋]")
# A lone character between a house number and a pause, which Whisper sometimes adds.
_STRAY_RE = re.compile(rf"[^\s，,、。{_STOP_CHARS}](?=[\s，,、])")
# What may stand between a district and the road after it (the county town: 正定县城，,
# 正定县城里头，, 正定县城里住，).
_DISTRICT_GAP_RE = re.compile(
    r"(?:城(?:里头?|里边|里面)?(?:住着?)?|(?:那边|这边|那块|那片)儿?)?[\s，,、]{0,2}$"
)
# What may stand between a district said (with a compound, perhaps) and the road and number
# said after it: pauses, 那边儿, then 在 or 就在 (御泉湾小区，在石铜路上).
_DISTRICT_BEFORE_GAP_RE = re.compile(
    r"(?:那边|这边|那块|那片)?儿?[\s，,、]{0,2}(?:就是|就在|在|是)?(?:那个|这个)?[\s，,、]{0,2}"
)
_STANDALONE_RE = re.compile(rf"([{_HAN}]{{2,6}})({_STANDALONE_SUFFIX})")
_BUILDING_PART_RE = re.compile(rf"({NUMBER_PATTERN})\s*(号楼|栋|幢|座|单元|层|楼|室|号|户)?")
_PART_RANK = {
    "号楼": 1,
    "栋": 1,
    "幢": 1,
    "座": 1,
    "单元": 2,
    "层": 3,
    "楼": 3,
    "室": 4,
    "号": 4,
    "户": 4,
}
# A number and the character after it, which may be 号 misheard (128后).
_NUMBER_HAO_RE = re.compile(rf"{NUMBER_PATTERN}\s*([{_HAN}])")
# A road read by sound before a house number: one wrong character (针远接105号 for
# 青园街105号) or one near one; never two near ones (金沙北路 is not 新石北路).
_ROAD_BY_SOUND_COST = 1.0
_HAO_SOUND = main_sound("号")
_NEAR_COST = 0.5
_MIN_DISTRICT_BY_SOUND = 4
# A town right after a district (at most this many characters of pause between), its 镇 or
# 乡 written as a character that sounds like one of these (见, 进, 井 for 镇).
_TOWN_GAP = 2
# A town's name said with its 镇 right after its district may have one character this far
# off by sound (classify.phonetic.loose_distance: shares the initial or the final).
_TOWN_NEAR_COST = 0.75
# Towns of one county that sound the same: Whisper writes the commoner character (因), so
# the sound names the town callers name (殷村镇 in 13 call scripts of 元氏县, 因村镇 in none).
# A prior, not a reading: a caller from 因村镇 is written 殷村镇.
_TOWN_HEARD_AS = {"因村镇": "殷村镇"}
# Characters that may stand between a county and its town (等, 的, 本, a pause).
_COUNTY_TOWN_GAP = 3
_LONG_TOWN = 4
# How far after a house number the take-back cue of a number restated later may begin.
_RESTATED_CUE_REACH = 6
# Particles Whisper writes for the direction that begins a village's name after its town.
_VILLAGE_LEAD_HEARD = {"被": "北", "都": "东"}
# A town with the road said after it (正定镇燕赵南大街), as one road.
_TOWN_BEFORE_ROAD_RE = re.compile(r"^(.+?[镇乡])(?=.)")
_TOWN_SUFFIX_SOUNDS = frozenset({"zen", "ze", "jin", "jian", "cen", "xian"})  # ze: 这
_ROAD_SUFFIX_CHARS = frozenset("路街道")
# Numerals that sound like 区 (qi, qu), as Whisper writes a district's suffix before a road.
_QU_NUMERALS = frozenset("七7")
# Words no village's name holds (我们村 is no name).
_NOT_IN_VILLAGE_NAME = "我你他她们这那哪个的了在是就都也还很"
# A village right after a town (梅花镇，梅花村, 于家乡于家村, 院头镇的，石槽沟村; 全体村民 are
# villagers, not a village).
_VILLAGE_AFTER_RE = re.compile(
    rf"的?[\s，,、]{{0,2}}(?:[^\W\d{_NOT_IN_VILLAGE_NAME}]{{2,4}}|[被都][^\W\d{_NOT_IN_VILLAGE_NAME}]{{1,3}})"
    r"村(?![民委])"
)
# The 的 after a village, as heard (本, 等, 门, 白 or 板).
_VILLAGE_DE = "[的本等门白板]"
# ... and one right before its town, with 的, 就是 or a pause between (前柳屯村，就是铁杆镇;
# 俺是 heard 暗示 is no part of the name).
_VILLAGE_BEFORE_RE = re.compile(
    rf"([^\W\d{_NOT_IN_VILLAGE_NAME}俺暗示]{{2,4}}村)(?![民委]){_VILLAGE_DE}?[\s，,、]{{0,2}}"
    r"(?:(?:我们|俺们|咱们)?(?:就是|是|属于|在))?[\s，,、]{0,2}"
    # the town said alone first (后槐营村的，大营镇的，就是高邑县大营镇)
    r"(?:[^\W\d，,、。]{1,4}[镇乡][的本等门]?[\s，,、]{0,2}(?:就是|是|属于|在)?[\s，,、]{0,2})?$"
)
# A village ending right before a place, its 的 as heard (前郭庄村等，).
_VILLAGE_JUST_BEFORE_RE = re.compile(
    rf"[^\W\d{_NOT_IN_VILLAGE_NAME}]{{2,4}}村{_VILLAGE_DE}?[\s，,、]{{0,2}}$"
)
# ... and one named a little before its town, words between: how far (characters) it may
# be, and its form: a name of three or four characters after a pause, 是 (or 时, as heard)
# or 在 (one of two may be 我们 heard 阿门), no 村民, 村委, 村里 or 村口.
_VILLAGE_REACH = 40
_VILLAGE_NAMED_RE = re.compile(
    rf"(?:(?<![^\W\d])|(?<=[是在时]))([^\W\d{_NOT_IN_VILLAGE_NAME}]{{3,4}}村)(?![民委里子口])"
)
# A character spelt out by a word that holds it (树林的林, 幸福的福); what is never spelt so
# (the words of a place's kind, and words like 我们的们 or 电话的话).
# Said between pauses (电话的话，我… is no spelling either).
_SPELT_RE = re.compile(
    rf"(?:^|(?<=[\s，,、。？?！!]))([{_HAN}]{{2}})的([{_HAN}])(?=[\s，,、。？?！!]|$)"
)
_NOT_SPELT = _NOT_IN_VILLAGE_NAME + "村镇乡区县市路街道号楼小园院家上下里外边话"
# Hundreds in digits, tens and units in words (200零九, 300一十六), before 号 or a pause.
_MIXED_HUNDREDS_RE = re.compile(
    r"(?<![0-9])([1-9])00(零[一二三四五六七八九]|[一二三四五六七八九]?十[一二三四五六七八九]?)"
    r"(?=号|[\s，,。])"
)
# 石 heard 是 right after the direction that begins a village's name (东是桥村).
_SHI_IN_VILLAGE_RE = re.compile(r"((?:^|(?<=[\s，,、。]))[东南西北前后])是([^\W\d]{1,2}村)")
# 村 heard 存 or 寸 (its very sound) ending a name said alone between pauses.
_CUN_AS_CUN_RE = re.compile(
    rf"((?:^|(?<=[\s，,、。]))[^\W\d{_NOT_IN_VILLAGE_NAME}]{{2,4}})[存寸](?=[\s，,、。]|$)"
)
# 村 heard 喷 at the end of a village's name right after its town.
_PEN_AS_CUN_RE = re.compile(rf"([镇乡][^\W\d{_NOT_IN_VILLAGE_NAME}]{{2,4}}?)喷(?=[\s，,、。的]|$)")
# Direction characters that begin village names (南铜冶村), by their reading.
_DIRECTION_BY_SOUND = {main_sound(ch): ch for ch in "东南西北"}
_FRONT_BACK_BY_SOUND = {main_sound(ch): ch for ch in "前后"}
# Villages are mostly named after a family (东杨庄, 北孟村, 东王庄): the words Whisper writes
# for a surname's sound that no village name would hold (梦, 网, 洋, 找, 喊 ...), by surname.
_SURNAME_HEARD_AS = {
    heard: surname
    for surname, words in {
        "孟": "梦", "王": "网往忘", "赵": "照找", "韩": "喊含",
        "宋": "送", "孙": "损", "柳": "流溜", "马": "码吗", "李": "理礼", "张": "章彰",
        "杜": "度肚", "杨": "洋羊样央",
    }.items()
    for heard in words
}  # fmt: skip
# Other words Whisper writes that no village name holds, for the village word of their sound
# (南港投村 for 南岗头村, 西柳赢村 for 西柳营村, 李嘉营村 for 李家营村, 东坏营村 for 东槐营村:
# the pagoda tree names villages in three of the last six sets; 前马报村 for 前马堡村, 石草钩村
# for 石槽沟村; 北观村 and 东观村 for 北关村 and 东关村, in two sets of the eleventh session).
_VILLAGE_WORD_HEARD_AS = {
    "投": "头", "赢": "营", "港": "岗", "嘉": "家", "佳": "家", "债": "寨", "坏": "槐", "怀": "槐",
    "囤": "屯", "臀": "屯", "吞": "屯", "报": "堡", "抱": "堡", "钩": "沟", "狗": "沟", "勾": "沟",
    "食": "石", "使": "石", "时": "石", "领": "岭", "观": "关",
}  # fmt: skip
# 乔 in a village's name: the bridge's 桥, but a family's before 家 or 庄 (乔家庄).
_QIAO_RE = re.compile("乔(?![家庄])")
# The common surnames, most common first: a one-character name before 庄 is a family's
# (后阳庄 -> 后杨庄).
_SURNAMES_BY_FREQUENCY = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_BY_SOUND: dict[str, str] = {}
for _surname in _SURNAMES_BY_FREQUENCY:
    _SURNAME_BY_SOUND.setdefault(main_sound(_surname), _surname)
# 庄, the commonest character of village names, and 中 as Whisper hears it at a name's end.
_ZHUANG_SOUND = main_sound("庄")
_ZHONG_SOUND = main_sound("中")
_ZHANG_SOUND = main_sound("章")
# Between an address and the district said after it: pauses, at most two stray characters,
# and 我们是 or the like (…三号楼二单元，我们是正定县).
_DISTRICT_AFTER_GAP_RE = re.compile(
    rf"[\s，,、]{{0,2}}(?:[^\s，,、。{_STOP_CHARS}离][\s，,、]{{0,2}}){{0,2}}"
    r"(?:(?:我们|我家|俺们|咱们)这?(?:是|在|属于)|是|属于)?"
)
# A house number said a little after its road (中山东路，大佛寺往东一点儿，158号): how far
# (characters) it may be, its form, and what may not stand between (a sentence end, another
# place, a digit, a junction or distance word).
_NUMBER_REACH = 20
# A house number taken back (410号，我不对，411号; 说错了，是411号), cues as in
# :mod:`classify.entities.corrections`.
_NUMBER_CORRECTION_RE = re.compile(
    rf"[\s，,]{{0,2}}(?:我|哦|啊|呃|{HEY})?(?:(?:{NOT_RIGHT}){{1,2}}|{SAID_WRONG}|错了)"
    # a second cue (哎不对不对，说反了，是二十六号)
    rf"(?:[\s，,]{{0,2}}我?(?:刚才)?(?:{SAID_WRONG}|{SAID_SWAPPED}))?"
    r"[\s，,]{0,2}(?:应该?[\s，,。]{0,2})?是?"
)
# A house number taken back later in the call (…381号，对吗？我刚才说反了，是318号): the cue,
# then the number within a few characters.
_TAKE_BACK_CUE_RE = re.compile(f"{TAKE_BACK}|不是")
# ... and a village (不是 may say which village it is not: 不是范庄镇西王村).
_VILLAGE_TAKE_BACK_RE = re.compile(f"{SAID_WRONG}|{NOT_RIGHT}")
_TAKE_BACK_REACH = 14
# The house number named after the rest of the address (，门牌号是; 我们门牌是, 门牌 heard
# 门排 or, after 我们, 排): how far (characters) the cue may follow the address, and the
# number the cue.
_DOOR_NUMBER_CUE_RE = re.compile(r"门[牌排]号?码?|(?<=们)排|多少号")
_DOOR_NUMBER_REACH = 18
# 门牌 said before a house number in its sentence (门牌是…, 门牌号和小区呢，一百一十七号),
# looked for a few sentences on.
_LATE_DOOR_CUE_RE = re.compile(r"门[牌排]号?码?|多少号[？?]")
_LATE_DOOR_REACH = 80
_FOUR_DIGITS = 4
# Road suffixes Whisper may write as another word (大厅, 都, 录) before a house number, and
# how far on that number may come (门牌是300，三百级来着，三百零八号).
_STEM_SUFFIXES = ("大街", "路", "街", "道")
_STEM_NUMBER_REACH = 24
_NUMERAL_CHARS_HAN = "零〇一二两三四五六七八九十百千幺"
_AFTER_STEM_ROAD_RE = re.compile(r"[\s，,、]|门[牌排]|就是|[0-9零一二两三四五六七八九幺]")
# How far (characters) after a road the caller may name it again more precisely.
_REFINE_REACH = 12
_SENTENCE_END_RE = re.compile(r"[。？！?!]")
# Where a number begins (not inside another: 一百二十八 begins at 一 only).
_NUMBER_START_RE = re.compile(rf"(?<![0-9零〇一二两三四五六七八九十百千幺])({NUMBER_PATTERN})")
# A street of a village and the house number on it (中心街二十六号, 二街三十六号, 南街15号;
# 街 heard 接, 节, 加 or 交; the village's 的 before it: 西留村的，幸福街二十六号; 我家就住
# before it).
_STREET_HEARD = "接节加交"
_VILLAGE_STREET_RE = re.compile(
    r"的?[\s，,、]{0,2}(?:(?:我家|俺家)就?(?:住在?|在))?"
    rf"((?:{NUMBER_PATTERN})?[^\W\d，,。村镇乡]{{0,3}}?(?:大街|街|路|巷|胡同|[{_STREET_HEARD}]))"
    # 号, or as heard before a pause (建设路二十七红，)
    rf"[\s，,]?({NUMBER_PATTERN})\s*(?:号(?!楼|线|码)|[后毫豪好红行](?=[\s，,。、]|$))"
)
_LEADING_NUMBER_RE = re.compile(rf"^{NUMBER_PATTERN}")
# 区石 heard as 七十 and written 70 between a district's first two characters and the rest
# of a road's name (路前70同路: 鹿泉区石铜路).
_QU_SHI_RE = re.compile(rf"([{_HAN}]{{2}})70(?=[{_HAN}]{{1,3}}(?:大街|路|街))")
# A district's 区 heard 七 or 期 before a road the gazetteer may not know (搞成七连中路 for
# 藁城区廉州路, 长安七千元街 for 长安区青园街): the stem must sound exactly like a district's.
_QU_QI_RE = re.compile(
    rf"([{_HAN}]{{2}})[七期](?=[{_HAN}]{{1,4}}(?:大街|路|街)[\s，,]?[0-9零一二两三四五六七八九])"
)
_HOUSE_NUMBER_AHEAD_RE = re.compile(
    rf"(?<![0-9０-９零〇○一二两三四五六七八九十百千幺洞])(?:{NUMBER_PATTERN})\s*号(?!楼|线|码)"
)
# Beginnings of a number a caller tries before the whole of it, without 号 (三百，三百二十几，
# 一百零几来着，; 就那个二百，; 80，80几来着86号; a number taken back: 160，哎不对，168号),
# skipped before looking ahead for it.
_HESITATION_RE = re.compile(
    r"(?:[\s，,、]{0,2}(?:嗯|就?那[个哥]|这个|就是)?[\s，,、]{0,2}"
    r"(?:[零〇一二两三四五六七八九十百千]+|\d{1,4}零?)[几级起多]?"
    # 几来着 as heard (八十几来着: 80近来至, 80进来这; 一百零几来着: 100零起来著; 580戒来阵),
    # the number perhaps said whole right after
    r"(?:(?:来[着著])?(?=[\s，,、])|[近进今紧戒]?来[着著这至镇阵](?=[\s，,、0-9零一二两三四五六七八九]))"
    r")*"
)
# A number said in two breaths: hundreds, a pause, then its tens (三百，一十六号; 一十 is how
# tens are said only after hundreds).
_HUNDREDS_BEFORE_RE = re.compile(r"(?:^|(?<=[\s，,、]))([一二两三四五六七八九]百)[\s，,、]*$")
_TENS_AFTER_HUNDREDS_RE = re.compile(r"(零[一二三四五六七八九]|一十[一二三四五六七八九]?)")
_AHEAD_BLOCK_RE = re.compile(r"[。？！?!；;0-9０-９路街道区县镇乡村米口和与跟]")
# A pause Whisper may write between a road and its house number (合作路，206号).
_PAUSE_CHARS = " ，,"
_PAUSE_BEFORE_NUMBER_RE = re.compile(rf"[\s，,]?(?:{_JIUSHI_BEFORE_NUMBER})?")
_PAUSES_RE = re.compile(r"[\s，,、]*")
# (No 村 in its name: 东街村建设路27号 is a village's street, not a road named 东街村建设路.)
_UNKNOWN_ROAD_RE = re.compile(
    rf"((?:(?!村)[{_HAN}]){{2,6}}?)(大街|大道|路|街)(?=\s*{NUMBER_PATTERN}\s*号)"
)
_JUNCTION_RE = re.compile(r"(?:和|与|跟|及|、|合)")  # 合: Whisper's 和
# Between 和 and the second road of a junction (槐中路跟那个体育南大街).
_JUNCTION_FILLER_RE = re.compile(r"(?:那个|这个)?")
# How far after 和 a junction word may end the second road's name.
_JUNCTION_REACH = 12
_JUNCTION_SPLIT_RE = re.compile(r"与|交叉口.*$")
# How far from a junction: 往南五十米, 往东走二百米, 往东走100来米 (米 heard as 明 or 名).
_OFFSET_RE = re.compile(
    rf"[\s，,]{{0,2}}往([东南西北]{{1,2}})走?(?:大概|大约|差不多|约)?({NUMBER_PATTERN})\s*来?[米明名]"
)
# 交叉口 and 路口 also as Whisper writes them by sound (交插口, 十字录口).
_JUNCTION_END_RE = re.compile(
    r"[\s，,]{0,2}(?:那个|那根|这个|的)?(?:[十石][字子][路录露]口|交[叉插差]口|交[叉插差][路录露]口|交口|[路录露]口)"
)
# Which corner of a junction: 东南角, 西北侧.
_CORNER_RE = re.compile(r"[\s，,]{0,2}((?:东|西)?(?:南|北)?(?:角|侧)|[东西南北](?:边|侧|角))")
_ORDER = ("district", "road", "number", "compound", "building")


@dataclass
class Address:
    """One address, split into parts (empty string for a part not said).

    Attributes:
        district: District or county in the gazetteer's spelling (长安区).
        road: Road, intersection or landmark (中山东路, 民心河), or a town (镇, 乡) of a county;
            a road said after its town follows the town (正定镇燕赵南大街).
        number: House number on the road (128号).
        compound: Residential compound or building complex (阳光小区, 128号院 -> 院).
        building: Building, unit, floor and room (3号楼2单元502室).
        inferred_district: District implied by the road when none was heard and the gazetteer
            maps the road to exactly one district; written in ``text`` in place of the
            missing ``district``.
        start: Index in the source text where the address begins.
        end: Index one past where it ends.
        retaken: The house number or village is the one the caller said after taking back
            the first (…381号，对吗？我刚才说反了，是318号).
    """

    district: str = ""
    road: str = ""
    number: str = ""
    compound: str = ""
    building: str = ""
    inferred_district: str = ""
    start: int = 0
    end: int = 0
    retaken: bool = False

    @property
    def text(self) -> str:
        """Canonical string form: the parts joined in order."""
        district = self.district or self.inferred_district
        return district + self.road + self.number + self.compound + self.building

    def parts(self) -> tuple[str, str, str, str, str]:
        """District (said or inferred), road, number, compound and building."""
        district = self.district or self.inferred_district
        return district, self.road, self.number, self.compound, self.building


@dataclass(frozen=True)
class _Anchor:
    """A place where an address may begin: a gazetteer place, unknown road or compound."""

    kind: str
    start: int
    end: int
    value: str


def parse_addresses(text: str, gazetteer: Gazetteer | None = None) -> list[Address]:
    """Addresses said in ``text``, in order, with their parts.

    Args:
        text: The caller's words as transcribed.
        gazetteer: Places to match; the city's default gazetteer when None.

    Returns:
        Addresses that name at least a district, road, landmark or compound.
    """
    gaz = gazetteer or load_gazetteer()
    text = _cun_respelt(_shi_respelt(respell_buildings(_hundreds_respelt(text))))
    text = _qu_shi_respelt(text, gaz)
    places = gaz.find(text)
    places = [m for m in places if _plausible_town(text, m, places)]
    places += _districts_by_sound(text, gaz, places)
    places += _counties_with_towns_by_sound(text, gaz, places)
    places += _towns_by_sound(text, gaz, places) + _roads_by_sound(text, gaz)
    places += _roads_by_stem(text, gaz, places)
    places += _roads_before_junction(text, gaz, places)
    anchors = _find_anchors(text, places)
    starts = {a.start: a for a in anchors}
    spelt = _spelt_characters(text)
    addresses: list[Address] = []
    cursor = 0
    for anchor in anchors:
        if anchor.start < cursor:
            continue
        address = _read_address(text, anchor, starts, gaz)
        address.road = _TOWN_HEARD_AS.get(address.road, address.road)
        _road_refined(text, address, anchors)
        # A district said alone just before (正定县城里住，燕赵南大街…)
        bare = addresses[-1] if addresses and not any(addresses[-1].parts()[1:]) else None
        if address.road and not address.district:
            # ... is this road's.
            _district_before(text, address, bare.start if bare else cursor, gaz)
            if bare is not None and address.district and address.start <= bare.start:
                addresses.pop()
        if address.road and not address.district:
            address.inferred_district = _district_of_road(address.road, gaz)
        if address.road.endswith(("镇", "乡")) and not address.compound:
            # a village may come before the district said alone (…村，就是赵县的，范庄镇)
            before = [a for a in addresses if a is not bare]
            _village_before(text, address, before[-1].end if before else 0)
        if address.road.endswith(("镇", "乡")) and _town_said_again(address):
            # the town said again with its village (是青同镇的，灵寿县、青同镇后柳沟村; by
            # sound: 青铜镇，青铜镇南柳沟村)
            address.compound = address.compound[len(address.road) :]
        # the characters the caller spelt out, then the priors of village names
        compound = _village_spelt(_respelt_as_spelt(address.compound, spelt))
        address.compound = _village_of_town(address.road, compound, gaz)
        _read_village_street(text, address)
        _door_number_after(text, address)
        addresses.append(address)
        cursor = address.end
    addresses = _with_district_before(text, _with_district_after(text, addresses))
    for i, address in enumerate(addresses):
        # up to the next road (a compound named on its own between is the same place)
        until = next((a.start for a in addresses[i + 1 :] if a.road), len(text))
        _door_number_later(text, address, until)
        _district_of_same_road(address, addresses[:i])
    for i, address in enumerate(addresses):
        # Up to another place (a read-back of the same road is no other place).
        other = (a.start for a in addresses[i + 1 :] if a.road and a.road != address.road)
        until = next(other, len(text))
        number = _number_taken_back(text, address, until) or _number_restated(
            text, address, addresses[i + 1 :]
        )
        village = _village_taken_back(text, address, addresses[i + 1 :])
        if number or village:
            address.number = number or address.number
            address.compound = village or address.compound
            address.retaken = True
    return addresses


def _town_said_again(address: Address) -> bool:
    """Whether the village read after a town begins with that town said again, spelt
    right or only sounding right (营村镇西柳庄村 after 因村镇)."""
    town, village = address.road, address.compound
    if len(village) <= len(town) + 1:
        return False
    return all(loose_distance(h, w) == 0 for h, w in zip(village, town, strict=False))


def _road_refined(text: str, address: Address, anchors: list[_Anchor]) -> None:
    """The road said again more precisely right after, before its number (槐安路，东边那段，
    叫槐安东路，门牌158号): the address takes the fuller name and reads on from it."""
    if not address.road or address.number:
        return
    for anchor in anchors:
        if anchor.kind != "road" or not 0 <= anchor.start - address.end <= _REFINE_REACH:
            continue
        fuller = anchor.value
        if len(fuller) == len(address.road) + 1 and any(
            fuller[i] in "东南西北" and fuller[:i] + fuller[i + 1 :] == address.road
            for i in range(len(fuller))
        ):
            address.road, address.end = fuller, anchor.end
        return


def _door_number_after(text: str, address: Address) -> None:
    """The house number a caller gives after the rest of the address, named as such
    (槐安东路，馨和家园小区，门牌号是，等会儿我看看啊，146号; …3号楼，我们门牌是233号), or
    asked for by the agent in a one-channel call (建设北大街，建设北大街多少号，哪个小区，166号)."""
    if not address.road or address.number or address.road.endswith(("镇", "乡")):
        return
    cue = _DOOR_NUMBER_CUE_RE.search(text, address.end, address.end + _DOOR_NUMBER_REACH)
    if cue is None or _SENTENCE_END_RE.search(text, address.end, cue.start()):
        return
    for number, end in _house_numbers_after(text, cue.end(), cue.end() + _DOOR_NUMBER_REACH):
        address.number, address.end = number, end
        _read_after_number(text, address)
        return


def _district_of_same_road(address: Address, earlier: list[Address]) -> None:
    """The district of the same road named earlier with it, for a road said again without
    one (新华区，有一大街这边…核水烟小区在有一大街多少号？有一大街136号)."""
    if not address.road or address.district or address.road.endswith(("镇", "乡")):
        return
    district = next((a.district for a in reversed(earlier) if a.road == address.road), "")
    if district and address.inferred_district in ("", district):
        address.district, address.inferred_district = district, ""


def _door_number_later(text: str, address: Address, until: int) -> None:
    """The house number given a sentence or two after the road, named as the door's
    (就在槐安东路上裕华区…门牌号是多少？朱吉浩楼。门牌是200零九号): 门牌 said before the
    number in its sentence, before the next road and within :data:`_LATE_DOOR_REACH`."""
    if not address.road or address.number or address.road.endswith(("镇", "乡")):
        return
    for cue in _LATE_DOOR_CUE_RE.finditer(
        text, address.end, min(until, address.end + _LATE_DOOR_REACH)
    ):
        for number, end in _house_numbers_after(text, cue.end(), cue.end() + _DOOR_NUMBER_REACH):
            if text[end - 1] == "号":  # so far from the road, 号 heard as such (小七能 is 小区呢)
                address.number = number
                return


def _read_after_number(text: str, address: Address) -> None:
    """The compound and building said right after a house number read late (166号，
    新运华府小区，12号楼), where the address has none yet."""
    pos = _FILLER_RE.match(text, address.end).end()  # type: ignore[union-attr]
    if not address.compound and not _COUNTED_RE.match(text, pos):
        compound = compound_at(text, pos, _SLOT_STOP_CHARS)
        if compound is not None:
            address.compound, address.end = compound
            pos = _FILLER_RE.match(text, address.end).end()  # type: ignore[union-attr]
    if not address.building:
        building = _read_building(text, pos)
        if building is not None:
            address.building, address.end = building[1], building[2]


def _village_before(text: str, address: Address, floor: int) -> None:
    """A village said right before its town (前柳屯村，就是铁杆镇…; 我们是前柳屯村的，深泽县铁杆镇)
    is the town's village: it becomes the address's compound, and the address starts there.
    So is one said a little before it, with a landmark between, the last one named after
    ``floor``."""
    m = _VILLAGE_BEFORE_RE.search(text, floor, address.start)
    if m is not None:
        address.compound, address.start = m.group(1), m.start(1)
        return
    # a village named a little before, with a landmark between (请问是哪个村？东柳沟村，
    # 就是进村那个大槐树底下。我的是温塘镇): the address keeps its start, at the town
    lo = max(floor, address.start - _VILLAGE_REACH)
    found = list(_VILLAGE_NAMED_RE.finditer(text, lo, address.start))
    if found:
        address.compound = found[-1].group(1)


def is_village(address: Address) -> bool:
    """Whether ``address`` names a village of a town (范庄镇东王村)."""
    return address.road.endswith(("镇", "乡")) and address.compound.endswith("村")


def _read_village_street(text: str, address: Address) -> None:
    """A street and house number said right after a village (后韩家营村，中心街二十六号;
    东郭庄村二街三十六号) are where in the village: they become the address's building part,
    after the village, rather than an address of their own."""
    if not is_village(address) or address.number or address.building:
        return
    m = _VILLAGE_STREET_RE.match(text, address.end)
    if m is None:
        return
    try:
        street = _LEADING_NUMBER_RE.sub(lambda n: number_to_arabic(n.group()), m.group(1))
        street = street[:-1] + "街" if street[-1] in _STREET_HEARD else street  # 二接三十六号
        number = number_to_arabic(m.group(2))
    except ValueError:  # not a number after all (十百)
        return
    address.building, address.end = f"{street}{number}号", m.end()
    fixed = _number_corrected(text, m.end(), f"{number}号")
    if fixed is not None:  # 建设街45号，哎不对不对，是54号
        address.building, address.end = f"{street}{fixed[0]}", fixed[1]


def _with_district_after(text: str, addresses: list[Address]) -> list[Address]:
    """Addresses with a road and number but no district heard, given the district said
    right after them (石铜路，二百一十五号，文，鹿泉区): the district-only address is merged."""
    merged: list[Address] = []
    for address in addresses:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.road
            and last.number
            and not last.district
            and address.district
            and not (address.road or address.number or address.compound or address.building)
            and last.inferred_district in ("", address.district)
            and _DISTRICT_AFTER_GAP_RE.fullmatch(text, last.end, address.start)
        ):
            last.district, last.inferred_district = address.district, ""
            last.end = address.end
            continue
        merged.append(address)
    return merged


def _with_district_before(text: str, addresses: list[Address]) -> list[Address]:
    """A road and number heard without a district take the district said a little before,
    alone or with a compound (鹿泉区，御泉湾小区，在石铜路上212号; 在长安区那边儿，…): the
    district's address is merged into the road's, its compound too when the road's has none."""
    merged: list[Address] = []
    for address in addresses:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.district
            and not (last.road or last.number or last.building)
            and address.road
            and address.number
            and not address.district
            and address.inferred_district in ("", last.district)
            and _DISTRICT_BEFORE_GAP_RE.fullmatch(text, last.end, address.start)
        ):
            address.district, address.inferred_district = last.district, ""
            address.compound = address.compound or last.compound
            address.start = last.start
            merged[-1] = address
            continue
        merged.append(address)
    return merged


def _plausible_town(text: str, match: PlaceMatch, places: list[PlaceMatch]) -> bool:
    """Whether a match is no town, or one that is likely meant.

    A three-character town (为家乡 or 对于家乡 for 于家乡, 瓶山镇 in 壶瓶山镇) is common speech or
    a town elsewhere unless a district comes right before it, a village right before or
    after it (前郭庄村等，铁杆镇), or, when spelt right, a word that places it (在栾城镇) or
    its own district right after it (北庄头村的，上碑镇，行唐县的: the caller going from the
    village outwards).
    """
    if match.place.kind != "town" or len(match.said) > 3:
        return True
    if match.exact and _PLACE_CUE_RE.search(text[max(0, match.start - 3) : match.start]):
        return True
    if match.exact and any(
        m.place.kind == "district"
        and m.place.name in match.place.districts
        and 0 <= m.start - match.end <= _TOWN_GAP
        for m in places
    ):
        return True
    district_ends = {m.end for m in places if m.place.kind == "district"}
    return any(0 <= match.start - e <= _TOWN_GAP for e in district_ends) or _beside_village(
        text, match.start, match.end
    )


def _district_of_road(road: str, gaz: Gazetteer) -> str:
    """The district a road (or a junction of two: X与Y交叉口) lies in, when known."""
    town = _TOWN_BEFORE_ROAD_RE.match(road)
    if town is not None:  # 正定镇燕赵南大街: the town's district
        return gaz.district_of(town.group(1)) or ""
    names = [r for r in _JUNCTION_SPLIT_RE.split(road) if r]
    districts = {d for d in map(gaz.district_of, names) if d is not None}
    return districts.pop() if len(districts) == 1 else ""


def _village_of_town(town: str, village: str, gaz: Gazetteer) -> str:
    """A village named after its town, written with the town's characters.

    Villages often carry their town's name, alone or after a direction (铜冶镇南铜冶村,
    梅花镇梅花村), and Whisper spells the village freely (男童野村). When the village
    name, less one leading character, sounds exactly like the town's, both are respelt.

    Examples:
        >>> _village_of_town("铜冶镇", "男童野村", load_gazetteer())
        '南铜冶村'
        >>> _village_of_town("铜冶镇", "东庄村", load_gazetteer())
        '东庄村'
    """
    place = gaz.lookup(town)
    if place is None or place.kind != "town" or not village.endswith("村"):
        return village
    stem, name = town[:-1], village[:-1]
    for lead in (0, 1):
        said = name[lead:]
        if len(said) != len(stem) or not all(map(is_han, name)):
            continue
        if syllables(said) == syllables(stem):
            prefix = name[:lead]
            prefix = _DIRECTION_BY_SOUND.get(main_sound(prefix), prefix) if prefix else ""
            return f"{prefix}{stem}村"
    return village


def _village_spelt(village: str) -> str:
    """A village's name with the characters village names most often carry written as such
    where Whisper wrote another with their sound: 庄 for any zhuang (后桩村, 后装村 -> 后庄村)
    and for zhong before 村 (南王中村 -> 南王庄村; 庄 is heard 中 at the end of a name), a
    surname for a word no village is named with (前梦村 -> 前孟村, 东洋庄 -> 东杨庄), the
    village word for another such word (南港投村 -> 南岗头村, 西柳赢村 -> 西柳营村), a family
    for the one character before 庄 (after a direction, if any) that is no surname (后阳庄 ->
    后杨庄), and a leading direction (被岭村 -> 北岭村, 男关村 -> 南关村; 前 and 后 but for a
    surname: 厚杨庄 -> 后杨庄, 钱家庄 stays). No gazetteer of villages exists, so this is a
    prior, not a lookup: 庄 ends 25 of the 59 village names of the call scripts of the eighth
    session, none of them ends in 中, and most name a family; of the 134 distinct village
    names of the scripts up to dev49 it changes one (北章村 to 北张村: 章 is a surname too,
    rarer than 张).

    Examples:
        >>> _village_spelt("南王中村"), _village_spelt("后桩村"), _village_spelt("被岭村")
        ('南王庄村', '后庄村', '北岭村')
        >>> _village_spelt("前梦村"), _village_spelt("东洋庄村")
        ('前孟村', '东杨庄村')
        >>> _village_spelt("南港投村"), _village_spelt("后阳庄村"), _village_spelt("北辛庄村")
        ('南岗头村', '后杨庄村', '北辛庄村')
        >>> _village_spelt("李嘉营村"), _village_spelt("南辛债村"), _village_spelt("厚杨庄村")
        ('李家营村', '南辛寨村', '后杨庄村')
        >>> _village_spelt("后怀云村"), _village_spelt("东坏营村"), _village_spelt("性化囤村")
        ('后槐营村', '东槐营村', '性化屯村')
        >>> _village_spelt("西营村"), _village_spelt("城中村"), _village_spelt("东中头村")
        ('西营村', '城中村', '东庄头村')
        >>> _village_spelt("西心中村"), _village_spelt("西柳庄村"), _village_spelt("北流庄村")
        ('西辛庄村', '西柳庄村', '北刘庄村')
        >>> _village_spelt("后马云村"), _village_spelt("李家云村"), _village_spelt("等东阳庄村")
        ('后马营村', '李家营村', '东杨庄村')
        >>> _village_spelt("北流家庄村"), _village_spelt("北柳庄村")
        ('北刘家庄村', '北柳庄村')
        >>> _village_spelt("东西乔村"), _village_spelt("乔家庄村")
        ('东西桥村', '乔家庄村')
        >>> _village_spelt("北郭章村"), _village_spelt("北章村")
        ('北郭庄村', '北张村')
    """
    if not village.endswith("村") or len(village) < 3 or not all(map(is_han, village)):
        return village
    if village[0] == "等" and len(village) >= 4:  # 的 heard 等 before the name (镇，等东阳庄村)
        village = village[1:]
    chars = list(village[:-1])
    for i, ch in enumerate(chars):
        if main_sound(ch) == _ZHUANG_SOUND:
            chars[i] = "庄"
        chars[i] = _SURNAME_HEARD_AS.get(chars[i], chars[i])
        chars[i] = _VILLAGE_WORD_HEARD_AS.get(chars[i], chars[i])
    name = "".join(chars)
    name = _QIAO_RE.sub("桥", name)  # 东西乔村: the bridge, 桥 (乔 a family before 家 or 庄)
    if len(name) >= 3 and name[-1] in "云银":  # 后怀云村, 西怀银村, 后马云村: 营, a village word
        name = name[:-1] + "营"
    name = name.replace("中头", "庄头")  # 东中头村: 庄头, a village word, its 庄 heard 中
    chars = list(name)
    if main_sound(chars[-1]) == _ZHONG_SOUND and village != "城中村":  # an urban village
        chars[-1] = "庄"
    if len(chars) >= 3 and main_sound(chars[-1]) == _ZHANG_SOUND:  # 北郭章村: 庄, its u lost
        chars[-1] = "庄"
    chars[0] = _DIRECTION_BY_SOUND.get(main_sound(chars[0]), chars[0])
    if chars[0] not in _SURNAMES_BY_FREQUENCY:  # 钱家庄 and 侯庄 are families' (厚杨庄 -> 后杨庄)
        chars[0] = _FRONT_BACK_BY_SOUND.get(main_sound(chars[0]), chars[0])
    if len(chars) >= 2 and chars[-1] == "庄" and (len(chars) == 2 or chars[-3] in "东南西北前后"):
        family = chars[-2]
        # (柳 as Whisper wrote it stays, the tree's: 西柳庄; 流 before 庄 is 刘's: 北流庄)
        written = village[len(chars) - 2]  # the respellings above keep the length
        keep = "东南西北前后上下大小新老中" + ("柳" if written == "柳" else "")
        if family not in _SURNAMES_BY_FREQUENCY and family not in keep:
            chars[-2] = _SURNAME_BY_SOUND.get(main_sound(family), family)
    for i in range(len(chars) - 1):  # 北流家庄: a family's, 刘 (柳 before 庄 is the tree's)
        if chars[i + 1] == "家" and chars[i] not in _SURNAMES_BY_FREQUENCY:
            chars[i] = _SURNAME_BY_SOUND.get(main_sound(chars[i]), chars[i])
    return "".join(chars).replace("心庄", "辛庄") + "村"  # 西心中村: 辛庄, a village word


def _district_before(text: str, address: Address, floor: int, gaz: Gazetteer) -> None:
    """Read a misheard district right before the road (长安期盘顾南大街), if there is one;
    between districts that sound equally near (绿华区: 裕华区 or 新华区?), one the road runs
    through.

    When the road was matched with its first character wrong, that character may be the
    district's 区 (消息趋势中路: 桥西区 and 新石中路 with its 新 lost)."""
    gap = _DISTRICT_GAP_RE.search(text, floor, address.start)
    ends = [gap.start() if gap else address.start]
    if address.road and text[address.start] != address.road[0]:
        ends.append(address.start + 1)
    road = gaz.lookup(address.road)
    prefer = road.districts if road is not None else ()
    for end, length in ((e, n) for e in ends for n in (3, 4)):
        start = end - length
        if start < floor:
            continue
        said = text[start:end]
        if said[-1] in _QU_NUMERALS:  # 潇西七星时中路: 区 heard as 七, which no match takes
            said = said[:-1] + "区"
        place = gaz.closest(said, "district", max_cost=1.0, prefer=prefer)
        if place is not None:
            address.district = place.name
            address.start = start
            return
    # The district's two-syllable stem sounding exactly right, its 县/区 dropped or misheard
    # (证定是烟照南大街 for 正定县燕赵南大街).
    for start in (ends[0] - 3, ends[0] - 2):
        if start < floor:
            continue
        stems = _district_stems(gaz).get(syllables(text[start : start + 2]), ())
        if len(stems) == 1:
            address.district = stems[0]
            address.start = start
            return


def _spelt_characters(text: str) -> dict[str, str]:
    """The characters a caller spells out by a word that holds them (树林的林, 幸福的福), by
    their sound."""
    spelt: dict[str, str] = {}
    for m in _SPELT_RE.finditer(text):
        word, char = m.groups()
        if char in word and char not in _NOT_SPELT:
            spelt.setdefault(main_sound(char) or char, char)
    return spelt


def _respelt_as_spelt(name: str, spelt: dict[str, str]) -> str:
    """``name`` (a compound's or village's) with each character the caller spelt out written
    as spelt where Whisper wrote another of its sound (东槐临村, 树林的林: 东槐林村).

    Examples:
        >>> _respelt_as_spelt("东槐临村", _spelt_characters("东边的东，槐树的槐，树林的林"))
        '东槐林村'
    """
    if not spelt:
        return name
    return "".join(spelt.get(main_sound(ch) or ch, ch) if is_han(ch) else ch for ch in name)


def _hundreds_respelt(text: str) -> str:
    """Hundreds Whisper wrote in digits and the rest of the number in words, as digits
    (200零九号 for 二百零九号, 300一十六号 for 三百一十六号).

    Examples:
        >>> _hundreds_respelt("门牌是200零九号"), _hundreds_respelt("300一十六号")
        ('门牌是209号', '316号')
        >>> _hundreds_respelt("200零几来着")
        '200零几来着'
    """
    return _MIXED_HUNDREDS_RE.sub(
        lambda m: m.group(1) + number_to_arabic(m.group(2)).rjust(2, "0"), text
    )


def _shi_respelt(text: str) -> str:
    """``text`` with 石 written where Whisper wrote 是 right after a direction that begins a
    village's name (东是桥村 for 东石桥村): 是 is in no village's name.

    Examples:
        >>> _shi_respelt("暗示都是桥村等"), _shi_respelt("我家东边是王庄村")
        ('暗示都是桥村等', '我家东边是王庄村')
        >>> _shi_respelt("零售现侵童镇，东是桥村，去的")
        '零售现侵童镇，东石桥村，去的'
    """
    return _SHI_IN_VILLAGE_RE.sub(r"\1石\2", text)


def _cun_respelt(text: str) -> str:
    """``text`` with the 村 of a village right after its town written 村 where Whisper wrote
    喷 (新城铺镇东槐屯喷，北街十二号), or 存 (its very sound) ending a name said alone
    between pauses (正定险心安静，吸流营存，进村往东), same length."""
    return _CUN_AS_CUN_RE.sub(r"\1村", _PEN_AS_CUN_RE.sub(r"\1村", text))


def _qu_shi_respelt(text: str, gaz: Gazetteer) -> str:
    """``text`` with 70 written back as 区石 (区十, of the same length) where a district's
    区 and the 石 of the road after it came out as the number 七十: 路前70同路156号 for
    鹿泉区石铜路156号 (twice in two fresh sets). Only after two characters that sound like
    the first two of a district, and before a road's name. Likewise 七 or 期 for 区 before a
    road and its number (:data:`_QU_QI_RE`).
    """

    def respelt(m: re.Match[str]) -> str:
        stem = m.group(1)
        close = any(
            all(loose_distance(h, w) <= _TOWN_NEAR_COST for h, w in zip(stem, name, strict=False))
            for name in gaz.names("district")
            if len(name) == 3
        )
        return stem + "区十" if close else m.group(0)

    def respelt_qi(m: re.Match[str]) -> str:
        stem = m.group(1)
        same = any(
            all(loose_distance(h, w) == 0 for h, w in zip(stem, name, strict=False))
            for name in gaz.names("district")
            if len(name) == 3 and name.endswith("区")
        )
        return stem + "区" if same else m.group(0)

    return _QU_QI_RE.sub(respelt_qi, _QU_SHI_RE.sub(respelt, text))


@functools.cache
def _district_stems(gaz: Gazetteer) -> dict[str, tuple[str, ...]]:
    """Districts of three characters by the toneless syllables of their first two."""
    stems: dict[str, tuple[str, ...]] = {}
    for name in gaz.names("district"):
        if len(name) == 3:
            key = syllables(name[:2])
            stems[key] = (*stems.get(key, ()), name)
    return stems


def extract_addresses(text: str, gazetteer: Gazetteer | None = None) -> list[str]:
    """Canonical address strings said in ``text``, deduplicated, the most useful first.

    An address whose parts all recur in a more complete address of the same text is left
    out (塔南路 ... 裕华区塔南路199号 gives only the second). Addresses with a road and a
    house number come first, then those with a district, each group in order of
    appearance: a ticket takes the first, and 民心河 said before 长安区和平东路330号 is
    where the problem is seen, not where to send someone.

    Examples:
        >>> extract_addresses("我家在常安区钟山东路一百二十八号阳光小区三号楼二单元")
        ['长安区中山东路128号阳光小区3号楼2单元']
    """
    addresses = parse_addresses(text, gazetteer)
    kept = [a for a in addresses if not any(_subsumed(a, b) for b in addresses)]
    kept.sort(key=_usefulness)  # stable: order of appearance within a group
    return list(dict.fromkeys(a.text for a in kept))


def with_readback(said: list[str], read_back: list[str]) -> list[str]:
    """The caller's addresses, led by the agent's read-back when that names more of the
    district, road and house number than the caller's first address does.

    Agents read an address back to confirm it (长安区育才街二十七号，对吗？), and Whisper may
    hear the agent's clear voice better than the caller on the phone line.

    Examples:
        >>> with_readback(["长安区"], ["长安区育才街27号安心小区"])
        ['长安区育才街27号安心小区', '长安区']
        >>> with_readback(["长安区育才街27号"], ["长安区育才街17号"])
        ['长安区育才街27号']
        >>> with_readback(["长安区谈固南大街1118号"], ["长安区谈固南大街118号"])
        ['长安区谈固南大街118号', '长安区谈固南大街1118号']
    """
    if not read_back:
        return said
    if _core_parts(read_back[0]) > (_core_parts(said[0]) if said else 0) or _digit_inserted(
        said[0], read_back[0]
    ):
        return list(dict.fromkeys([read_back[0], *said]))
    return said


def core_count(address: Address | None) -> int:
    """How many of district (said or inferred), road and house number ``address`` has."""
    if address is None:
        return 0
    district, road, number, _, _ = address.parts()
    return sum(map(bool, (district, road, number)))


def _core_parts(text: str) -> int:
    """How many of district, road and house number an address string has."""
    parsed = parse_addresses(text)
    return core_count(parsed[0]) if parsed else 0


def one_digit_inserted(longer: str, shorter: str) -> bool:
    """Whether house number ``longer`` is ``shorter`` with one digit inserted (1118号 and
    118号: how Whisper writes 一百一十八号 at times); a trailing 号 is ignored."""
    a, b = longer.removesuffix("号"), shorter.removesuffix("号")
    return (
        a.isdigit() and b.isdigit() and len(a) == len(b) + 1
        and any(a[:i] + a[i + 1 :] == b for i in range(len(a)))
    )  # fmt: skip


def _digit_inserted(said: str, read_back: str) -> bool:
    """True when the read-back names the same district and road with a house number that is
    the caller's with one digit fewer: Whisper wrote 一百一十八号 as 1118号, the agent's 118号.
    """
    heard, back = parse_addresses(said), parse_addresses(read_back)
    if not heard or not back:
        return False
    (d1, r1, n1, _, _), (d2, r2, n2, _, _) = heard[0].parts(), back[0].parts()
    if not (r1 and r1 == r2 and d1 == d2 and n1.endswith("号") and n2.endswith("号")):
        return False
    return one_digit_inserted(n1, n2)


def _usefulness(address: Address) -> tuple[bool, bool]:
    """Sort key: road with house number first, then with a district."""
    district, road, number, _, _ = address.parts()
    return (not (road and number), not district)


def _subsumed(a: Address, b: Address) -> bool:
    """True when every part ``a`` has is the same in ``b`` and ``b`` has more parts."""
    pa, pb = a.parts(), b.parts()
    return all(not x or x == y for x, y in zip(pa, pb, strict=True)) and sum(map(bool, pb)) > sum(
        map(bool, pa)
    )


def _districts_by_sound(
    text: str, gazetteer: Gazetteer, found: list[PlaceMatch]
) -> list[PlaceMatch]:
    """Districts whose whole name sounds exactly right, 区 included (仅行况取 for 井陉矿区).

    :meth:`Gazetteer.find` wants the 区 spelt right (or the rest spelt right); a district
    said on its own is often written with neither, and every syllable sounding right is
    evidence enough for a name of four characters or more (three-syllable ones are too
    common a sound: 原是县 would be 元氏县).
    """
    taken = [(m.start, m.end) for m in found]
    matches: list[PlaceMatch] = []
    for start, end in _free_windows(text, range(_MIN_DISTRICT_BY_SOUND, 6), taken):
        said = text[start:end]
        place = gazetteer.closest(said, "district", max_cost=0.0)
        if place is not None and said != place.name:
            matches.append(
                PlaceMatch(place=place, start=start, end=end, said=said, typos=0, near=0)
            )
            taken.append((start, end))
    return matches


def _counties_with_towns_by_sound(
    text: str, gazetteer: Gazetteer, found: list[PlaceMatch]
) -> list[PlaceMatch]:
    """A county and one of its towns said one after the other, both only by sound
    (袁世线等南左镇 for 元氏县南佐镇, 照先范中正 for 赵县范庄镇, 正病现男牛相 for 正定县南牛乡).

    A county's name of two or three syllables alone sounds like too many other words (赵先生,
    原是县); followed by a town of that very county, the pair is evidence enough. The county
    may be one syllable near (在黄线 for 赞皇县) but its 县, 市 or 区 must sound right; the
    town may be one syllable loosely off (星城库镇 for 新城铺镇), its 镇 or 乡 sounding right.
    """
    taken = [(m.start, m.end) for m in found]
    matches: list[PlaceMatch] = []
    districts = (p for p in gazetteer.places if p.kind == "district")
    for county in (p for p in districts if _towns_of(p.name, gazetteer)):
        size = len(county.name)
        # only windows ending in a sound of the county's 县, 市 or 区 (checked first: cheap)
        ends = [i + 1 for i, ch in enumerate(text) if loose_distance(ch, county.name[-1]) == 0]
        for start, end in _free_windows(text, (size,), taken, ends=ends):
            said = text[start:end]
            costs = [loose_distance(h, w) for h, w in zip(said, county.name, strict=True)]
            if costs[-1] or sum(costs) > _TOWN_NEAR_COST or (size == 2 and sum(costs)):
                continue
            town = _town_after_county(text, end, county.name, gazetteer, taken)
            if town is None:
                continue
            if said != county.name:
                matches.append(PlaceMatch(county, start, end, said, typos=0, near=1))
                taken.append((start, end))
            if not any(s <= town.start < e for s, e in taken):
                matches.append(town)
                taken.append((town.start, town.end))
    return matches


def _town_after_county(
    text: str, end: int, county: str, gazetteer: Gazetteer, taken: list[tuple[int, int]]
) -> PlaceMatch | None:
    """The town of ``county`` said within a few characters after ``end`` (a pause, 的 or
    等 between), by sound; a town already found there counts too."""
    for gap in range(_COUNTY_TOWN_GAP + 1):
        start = end + gap
        if start >= len(text):
            return None
        if gap and not is_han(text[start - 1]) and text[start - 1] not in _PAUSE_CHARS:
            return None
        # a town of four characters or more may have lost its first (城户镇 for 新城铺镇)
        for name, heard in [
            *((n, n) for n in _towns_of(county, gazetteer)),
            *((n, n[1:]) for n in _towns_of(county, gazetteer) if len(n) >= _LONG_TOWN),
        ]:
            stop = start + len(heard)
            if stop > len(text) or not all(is_han(ch) for ch in text[start:stop]):
                continue
            said = text[start:stop]
            found = any(s <= start < e for s, e in taken)
            if found and said != name:
                continue
            if not _town_suffix_heard(said[-1], name[-1]):
                continue
            if not _loosely_one_off(said[:-1], heard[:-1]):
                continue
            place = gazetteer.lookup(name)
            assert place is not None
            return PlaceMatch(place, start, stop, said, typos=int(said != name), near=0)
    return None


def _town_suffix_heard(heard: str, suffix: str) -> bool:
    """Whether ``heard`` may be a town's 镇 or 乡 as Whisper writes it after a county
    (镇 as 正, 这, 间, 进: :data:`_TOWN_SUFFIX_SOUNDS`)."""
    if suffix == "镇":
        return main_sound(heard) in _TOWN_SUFFIX_SOUNDS
    return loose_distance(heard, suffix) == 0


def _free_windows(
    text: str,
    lengths: Iterable[int],
    taken: list[tuple[int, int]],
    ends: Iterable[int] | None = None,
) -> Iterator[tuple[int, int]]:
    """(start, end) of every run of Chinese characters of the given lengths that overlaps
    no span in ``taken`` (read as it grows: a caller appends what it matched), in order;
    only those ending at one of ``ends`` when given."""
    for length in lengths:
        last = len(text) - length
        starts: Iterable[int] = (
            range(last + 1)
            if ends is None
            else (e - length for e in ends if 0 <= e - length <= last)
        )
        for start in starts:
            end = start + length
            if not all(is_han(ch) for ch in text[start:end]):
                continue
            if not any(start < e and end > s for s, e in taken):
                yield start, end


def _towns_by_sound(text: str, gazetteer: Gazetteer, found: list[PlaceMatch]) -> list[PlaceMatch]:
    """Towns whose name sounds exactly right but whose 镇 or 乡 was misheard as a
    near-sounding character (井陉矿区奉山井 for 井陉矿区凤山镇), right after a district or
    right before a village (稿成梅花正梅花村: the district garbled, 藁城 said without 区);
    and towns with 镇 or 乡 heard right whose name only sounds right, right before or after
    a village (前郭中村等，铁赶镇 for 铁杆镇)."""
    taken = [(m.start, m.end) for m in found]
    district_ends = {m.end: m.place.name for m in found if m.place.kind == "district"}
    matches: list[PlaceMatch] = []
    for start, end in _free_windows(text, (5, 4, 3), taken):
        said = text[start:end]
        district = next((d for e, d in district_ends.items() if 0 <= start - e <= _TOWN_GAP), None)
        if said[-1] in "镇乡" and district is not None:
            place = _town_of_district_by_sound(said, district, gazetteer)
            if place is not None:
                matches.append(
                    PlaceMatch(place=place, start=start, end=end, said=said, typos=1, near=1)
                )
                taken.append((start, end))
            continue
        if said[-1] in "镇乡" and _beside_village(text, start, end):
            place = gazetteer.closest(said, "town", max_cost=0.0)
            if place is not None and place.name != said:  # 前郭庄村，铁赶镇 for 铁杆镇
                matches.append(
                    PlaceMatch(place=place, start=start, end=end, said=said, typos=1, near=0)
                )
                taken.append((start, end))
            continue
        if said[-1] in "镇乡村" or main_sound(said[-1]) not in _TOWN_SUFFIX_SOUNDS:
            continue
        after_district = district is not None
        if not after_district and not _VILLAGE_AFTER_RE.match(text, end):
            continue
        # 新安镇 of 正定县 sounds as 兴安镇 of 藁城区: the district said before picks one.
        own_towns = _towns_of(district, gazetteer) if district else ()
        # A name of three syllables before a village may have one of them near (新成库政，
        # 南新债村 for 新城铺镇南辛寨村): the 镇 misheard and the village after are evidence.
        cost = 1.0 if not after_district and len(said) >= 4 else 0.0
        for suffix in "镇乡":
            place = gazetteer.closest(
                said[:-1] + suffix, "town", max_cost=cost, max_near=1, prefer=own_towns
            )
            if place is not None:
                matches.append(
                    PlaceMatch(place=place, start=start, end=end, said=said, typos=1, near=0)
                )
                taken.append((start, end))
                break
    return matches


def _beside_village(text: str, start: int, end: int) -> bool:
    """Whether a village is named right before ``text[start:end]`` (前郭庄村的，) or right
    after it."""
    return bool(_VILLAGE_JUST_BEFORE_RE.search(text, 0, start)) or bool(
        _VILLAGE_AFTER_RE.match(text, end)
    )


@functools.lru_cache(maxsize=64)
def _towns_of(district: str, gazetteer: Gazetteer) -> tuple[str, ...]:
    """The towns the gazetteer places in ``district``."""
    return tuple(
        place.name
        for place in gazetteer.places
        if place.kind == "town" and gazetteer.district_of(place.name) == district
    )


def _town_of_district_by_sound(said: str, district: str, gazetteer: Gazetteer) -> Place | None:
    """The one town of ``district`` that ``said`` (a name ending in 镇 or 乡, right after
    the district) could be with one character off by its initial or final (赵县反中镇 for
    赵县范庄镇: zhong for zhuang), every other one sounding the same; None when none or
    several could."""
    towns = (name for name in _towns_of(district, gazetteer) if name[-1] == said[-1])
    return _only_one_loosely_off(said, towns, gazetteer)


def _only_one_loosely_off(said: str, names: Iterable[str], gazetteer: Gazetteer) -> Place | None:
    """The place of the one name in ``names`` that ``said`` could be with one character
    loosely off (:func:`_loosely_one_off`); None when none or several could."""
    fits = [name for name in names if len(name) == len(said) and _loosely_one_off(said, name)]
    return gazetteer.lookup(fits[0]) if len(fits) == 1 else None


def _loosely_one_off(said: str, name: str) -> bool:
    """Whether ``said`` sounds like ``name`` (as long) but for at most one character off by
    its initial or final (:data:`_TOWN_NEAR_COST`)."""
    costs = [loose_distance(h, w) for h, w in zip(said, name, strict=True)]
    return max(costs) <= _TOWN_NEAR_COST and sum(c > 0 for c in costs) <= 1


def _roads_by_sound(text: str, gazetteer: Gazetteer) -> list[PlaceMatch]:
    """Roads right before a house number whose whole name, suffix too, only sounds right.

    The gazetteer's own matching wants a short road's last character spelt right (路, 街),
    which keeps ordinary words out; right before a house number (怀中落280号 for 槐中路280号)
    the number is evidence enough for one near-sounding character, or for one wrong one when
    the name does not end like a road itself (针远接105号 for 青园街105号).
    """
    found: list[PlaceMatch] = []
    for m in _NUMBER_HAO_RE.finditer(text):
        heard = main_sound(m.group(1))
        if heard != _HAO_SOUND and not near(heard, _HAO_SOUND):
            continue  # 号, or a character that sounds the same or near (泰华间128后)
        end = m.start()
        filler = text.endswith("就是", 0, end)  # 中华北大厅，就是318号
        end -= 2 * filler
        paused = filler or (end > 0 and text[end - 1] in _PAUSE_CHARS)
        if paused and heard != _HAO_SOUND:
            continue
        end -= end > 0 and text[end - 1] in _PAUSE_CHARS  # 石铜录，二百一十五号: a pause
        for length in (5, 4, 3):
            start = end - length
            said = text[max(0, start) : end]
            if start < 0 or not all(is_han(ch) for ch in said):
                continue
            # A name that ends like a road (新闻路) may be a road the gazetteer lacks: only a
            # near character then. One ending in a sound-alike (针远接) was misheard anyway.
            loose = said[-1] not in _ROAD_SUFFIX_CHARS and not paused
            place = gazetteer.closest(
                said, "road", max_cost=_ROAD_BY_SOUND_COST if loose else _NEAR_COST, max_near=1
            ) or _road_of_district_by_sound(
                said, _district_just_before(text, start, gazetteer), gazetteer
            )
            if place is not None and said != place.name:
                found.append(
                    PlaceMatch(place=place, start=start, end=end, said=said, typos=0, near=1)
                )
                break
    return found


def _roads_by_stem(text: str, gazetteer: Gazetteer, found: list[PlaceMatch]) -> list[PlaceMatch]:
    """Roads whose name before its suffix sounds right (one syllable near at most, in a
    name of three or more) and whose suffix Whisper wrote as another word or lost
    (建设北大厅 or 建设北达 for 建设北大街, 体育南大1188号, 和屏东都216号 for 和平东路, 合作录 for
    合作路), where a house number follows within a few characters (a pause, 门牌是 or a
    hesitation between). A two-character stem must be followed by its suffix's very sound.
    """
    taken = [(m.start, m.end) for m in found]
    matches: list[PlaceMatch] = []
    # A house number needs its 号 within reach after the suffix: where none is, no window is
    # read (most of a call; checked first, as the windows are many and the roads too).
    hao = [i for i, ch in enumerate(text) if ch == "号"]
    if not hao:
        return matches
    starts_near: dict[int, list[int]] = {}  # by reach: the window starts within it of a 号
    for place in (p for p in gazetteer.places if p.kind == "road"):
        for name in (place.name, *place.aliases):
            suffix = "大街" if name.endswith("大街") else name[-1]
            stem = name[: -len(suffix)]
            if suffix not in _STEM_SUFFIXES or len(stem) < 2:
                continue
            reach = len(name) + _STEM_NUMBER_REACH
            if reach not in starts_near:
                near = {i for k in hao for i in range(max(0, k - reach), k)}
                starts_near[reach] = sorted(near)
            for start in (i for i in starts_near[reach] if i < len(text) - len(stem)):
                end = start + len(stem)
                if loose_distance(text[start], stem[0]) > _NEAR_COST:
                    continue
                if any(start < e and end > s for s, e in taken):
                    continue
                costs = [loose_distance(h, w) for h, w in zip(text[start:end], stem, strict=True)]
                if max(costs) > _NEAR_COST or sum(c > 0 for c in costs) > (len(stem) >= 3):
                    continue
                stop = _suffix_heard(text, end, suffix, exact=len(stem) < 3 or any(costs))
                if stop is None or not _house_number_soon(text, stop):
                    continue
                said = text[start:stop]
                matches.append(PlaceMatch(place, start, stop, said, typos=1, near=int(any(costs))))
                taken.append((start, stop))
    return matches


def _suffix_heard(text: str, end: int, suffix: str, exact: bool) -> int | None:
    """Where a road's ``suffix``, as Whisper wrote it, ends when it starts at ``end``: 大街
    as 大 or 达 and any character or none (建设北大厅, 体育南大1188号); 路 or 街 as a word of
    its very sound (录), or, when not ``exact``, any word (和屏东都216号). None when no suffix
    is heard there."""
    if end >= len(text) or not is_han(text[end]) or text[end] in _NUMERAL_CHARS_HAN:
        return None
    if suffix == "大街":
        if loose_distance(text[end], "大") > 0:
            return None
        after = end + 1
        extra = after < len(text) and is_han(text[after]) and text[after] not in _NUMERAL_CHARS_HAN
        return after + extra
    if exact and loose_distance(text[end], suffix) > 0:
        return None
    return end + 1


def _house_number_soon(text: str, pos: int) -> bool:
    """Whether a house number (with 号) is said within a few characters after ``pos``, in
    the same sentence, with a pause, 门牌 or the number itself right at ``pos``."""
    if not _AFTER_STEM_ROAD_RE.match(text, pos):
        return False  # 合作录了一个视频，三号: words go on after it, no road
    m = _HOUSE_NUMBER_AHEAD_RE.search(text, pos, pos + _STEM_NUMBER_REACH)
    return m is not None and not _SENTENCE_END_RE.search(text, pos, m.start())


def _district_just_before(text: str, start: int, gazetteer: Gazetteer) -> str:
    """The district named just before ``start`` (a pause between allowed), spelt right or
    sounding exactly right (搞成区), else ""."""
    end = start - (start > 0 and text[start - 1] in _PAUSE_CHARS)
    for length in (3, 4, 2):
        said = text[max(0, end - length) : end]
        place = gazetteer.closest(said, "district", max_cost=0.0) if len(said) == length else None
        if place is not None:
            return place.name
    return ""


def _road_of_district_by_sound(said: str, district: str, gazetteer: Gazetteer) -> Place | None:
    """The one road of ``district`` that ``said`` (before a house number, right after the
    district) could be with one syllable loosely off (藁城区连中路 for 廉州路, 长安区千元街
    for 青园街: zhong for zhou, qian for qing), every other sounding the same; None when none
    or several could."""
    if not district:
        return None
    return _only_one_loosely_off(said, _roads_of(district, gazetteer), gazetteer)


@functools.lru_cache(maxsize=64)
def _roads_of(district: str, gazetteer: Gazetteer) -> tuple[str, ...]:
    """The roads the gazetteer places in ``district`` (alone or with others)."""
    return tuple(
        place.name
        for place in gazetteer.places
        if place.kind == "road" and district in place.districts
    )


def _roads_before_junction(
    text: str, gazetteer: Gazetteer, found: list[PlaceMatch]
) -> list[PlaceMatch]:
    """Roads whose whole name only sounds right, before 和/与/跟 and a second road that ends
    in a junction word (怀安录和体育大街那个十字录口 for 槐安路和体育大街…)."""
    taken = [(m.start, m.end) for m in found]
    matches: list[PlaceMatch] = []
    for joiner in _JUNCTION_RE.finditer(text):
        if not _JUNCTION_END_RE.search(text[joiner.end() : joiner.end() + _JUNCTION_REACH]):
            continue
        for length in (5, 4, 3):
            start, end = joiner.start() - length, joiner.start()
            said = text[max(0, start) : end]
            if start < 0 or not all(map(is_han, said)):
                continue
            if any(start < e and end > s for s, e in taken):
                break
            place = gazetteer.closest(said, "road", max_cost=0.0)
            if place is not None:
                matches.append(PlaceMatch(place=place, start=start, end=end, said=said, typos=0))
                break
    return matches


def _find_anchors(text: str, places: list[PlaceMatch]) -> list[_Anchor]:
    """Gazetteer places, unknown roads before a house number, and named compounds."""
    anchors = [
        _Anchor("district" if m.place.kind == "district" else "road", m.start, m.end, m.place.name)
        for m in places
    ]
    taken = [(a.start, a.end) for a in anchors]

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for regex, kind in ((_UNKNOWN_ROAD_RE, "road"), (_STANDALONE_RE, "compound")):
        for m in regex.finditer(text):
            start = _name_start(text, m.start(1), m.end(1), taken)
            if start is None or not free(start, m.end()):
                continue
            if kind == "compound" and not _said_as_place(text, start, m.end()):
                continue
            anchors.append(_Anchor(kind, start, m.end(), text[start : m.end()]))
            taken.append((start, m.end()))
    return sorted(anchors, key=lambda a: a.start)


def _said_as_place(text: str, start: int, end: int) -> bool:
    """Whether a compound name is used as a location: 住在X小区, X小区3号楼, 某区X小区.

    Without such a cue, words before 小区 are usually not a name (影响小区, 进出小区).
    """
    if _PLACE_CUE_RE.search(text[max(0, start - 3) : start]):
        return True
    building = _BUILDING_PART_RE.match(text, end)
    return building is not None and building.group(2) is not None


def _name_start(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> int | None:
    """Where a name in ``text[start:end]`` really begins, after the words that precede it.

    Returns None when fewer than two name characters remain or the name is generic.
    """
    for s, e in taken:
        if s < end and e > start:
            start = max(start, e)
    for i in range(end - 1, start - 1, -1):
        if text[i] in _STOP_CHARS and syllables(text[i : i + 2]) not in _NAME_WORD_SOUNDS:
            start = i + 1
            break
    admin_ends = [m.end() for m in _ADMIN_UNIT_RE.finditer(text, start, end)]
    if admin_ends:
        start = admin_ends[-1]
    name = text[start:end]
    if len(name) < 2 or name in _GENERIC_NAMES or any(g in name for g in ("我们", "这个", "那个")):
        return None
    return start


def _read_address(
    text: str, anchor: _Anchor, starts: dict[int, _Anchor], gazetteer: Gazetteer
) -> Address:
    """Read the parts of one address, starting at ``anchor`` and going right."""
    address = Address(start=anchor.start)
    _set(address, anchor.kind, anchor.value)
    stage = _ORDER.index(anchor.kind)
    cursor = anchor.end
    if anchor.kind == "road" and anchor.value.endswith(("镇", "乡")):
        cursor = _past_stray(text, anchor.kind, anchor.value, cursor)  # 院头镇等，石槽沟村
    while True:
        pos = _FILLER_RE.match(text, cursor).end()  # type: ignore[union-attr]
        step = _next_part(text, pos, stage, starts, address, gazetteer)
        # A town has no house numbers a little after it (its village's street may).
        in_town = address.road.endswith(("镇", "乡"))
        if step is None and stage == _ORDER.index("road") and not address.number and not in_town:
            step = _number_ahead(text, pos, starts)
        if step is None:
            break
        kind, value, cursor = step
        _set(address, kind, value)
        # 128号院: the 院 is the compound, so no other compound can follow.
        stage = _ORDER.index("compound" if address.compound == "院" else kind)
        if kind == "district" and address.road:
            stage = _ORDER.index("road")  # 和平西路新华区，三百九十六号: the number still follows
        if kind == "number":
            fixed = _number_corrected(text, cursor, value)
            if fixed is not None:  # 410号，我不对，411号: the number said after the correction
                address.number, cursor = fixed
        cursor = _past_stray(text, kind, value, cursor)
    address.end = cursor
    return address


def _past_stray(text: str, kind: str, value: str, cursor: int) -> int:
    """``cursor`` moved past a stray character Whisper heard in the pause after a house
    number, a district or a town (112号一，光明小区; 新安阵屋，西沿河村; 院头镇等，石槽沟村: the
    town's 的)."""
    town = kind == "road" and value.endswith(("镇", "乡"))
    if (kind in ("number", "district") or town) and _STRAY_RE.match(text, cursor):
        return cursor + 1
    return cursor


def _next_part(
    text: str,
    pos: int,
    stage: int,
    starts: dict[int, _Anchor],
    address: Address,
    gazetteer: Gazetteer,
) -> tuple[str, str, int] | None:
    """The next address part at ``pos``, if one of a later stage than ``stage`` is there."""
    anchor = starts.get(pos)
    if anchor is not None and _ORDER.index(anchor.kind) > stage:
        return anchor.kind, anchor.value, anchor.end
    if (
        anchor is not None
        and anchor.kind == "road"
        and stage == _ORDER.index("road")
        and address.road.endswith(("镇", "乡"))
        and not anchor.value.endswith(("镇", "乡"))
    ):
        return "road", address.road + anchor.value, anchor.end  # 正定镇，燕赵南大街: in the town
    if (
        anchor is not None
        and anchor.kind == "district"
        and stage == _ORDER.index("road")
        and not address.district
        and "交叉口" not in address.road
    ):
        return "district", anchor.value, anchor.end  # the district said after the road
    if stage == _ORDER.index("district"):
        road = _road_by_sound(text, pos, gazetteer)
        if road is not None:
            return road
    if stage == _ORDER.index("road"):
        junction = _read_junction(text, pos, starts, address.road)
        if junction is not None:
            return junction
    if stage < _ORDER.index("number") and address.road:
        number = house_number_at(text, pos, _STOP_CHARS)
        if number is not None:
            if number[1]:
                address.compound = "院"
            return "number", number[0], number[2]
    if stage < _ORDER.index("compound") and not _COUNTED_RE.match(text, pos):
        compound = compound_at(text, pos, _SLOT_STOP_CHARS)
        lead = _VILLAGE_LEAD_HEARD.get(text[pos : pos + 1])
        if compound is None and address.road.endswith(("镇", "乡")) and lead:
            # a village's 北 heard 被, 东 heard 都, right after its town (范庄镇等，被王村;
            # 新成谱证都梦村)
            village = compound_at(text, pos, _SLOT_STOP_CHARS.replace(text[pos], ""))
            if village is not None and village[0].endswith("村"):
                compound = (lead + village[0][1:], village[1])
        if compound is not None:
            return "compound", compound[0], compound[1]
    if stage < _ORDER.index("building"):
        return _read_building(text, pos)
    return None


def _number_corrected(text: str, pos: int, said: str) -> tuple[str, int] | None:
    """The house number a caller says right after taking back ``said``, which ends at
    ``pos``; a 1 before one of ``said``'s length that is a slip of it is the 是 said before
    the number (216号，不对不对，是261号 heard …1261号)."""
    m = _NUMBER_CORRECTION_RE.match(text, pos)
    if m is None:
        return None
    number = house_number_at(text, m.end(), _STOP_CHARS)
    if number is None:
        return None
    new, old = number[0].removesuffix("号"), said.removesuffix("号")
    return _without_shi(new, old) + "号", number[2]


def _without_shi(new: str, said: str) -> str:
    """The number ``new`` said in place of ``said``, less a leading 1 that is the 是 said
    before it (不对不对，是261号 heard 1261号 after 216号): when ``new`` is one digit longer,
    starts with 1, and the rest is ``said`` with one digit changed or two swapped."""
    if len(new) == len(said) + 1 and new[0] == "1" and near_number(new[1:], said):
        return new[1:]
    return new


def _without_extra_digit(new: str, said: str) -> str:
    """The number ``new`` said in place of ``said``, less a digit Whisper added (一百三十七
    heard 1307 after 173号, its 十 as a 0): when ``new`` is one digit longer and leaving out
    one digit, and only one, gives ``said`` with one digit changed or two swapped (3101
    after 310号 could be 301 or 311: left as heard)."""
    if len(new) != len(said) + 1:
        return new
    shorter = {new[:i] + new[i + 1 :] for i in range(len(new))}
    slips = {n for n in shorter if n != said and near_number(n, said)}
    return slips.pop() if len(slips) == 1 else new


def _number_taken_back(text: str, address: Address, until: int) -> str | None:
    """The house number the caller says instead of ``address``'s after taking it back,
    before ``until`` (…和平路381号，对吗？我刚才说反了，是318号): one with the same digits in
    another order or one digit changed, so that a phone correction or another place's
    number is not taken for it.
    """
    if not address.number:
        return None
    first = address.number.removesuffix("号")
    # the number first said may itself hold a digit Whisper doubled (二一九号 heard 2119号;
    # four digits, which few house numbers have)
    doubled = range(1, len(first)) if len(first) == _FOUR_DIGITS else range(0)
    undoubled = [first[:i] + first[i + 1 :] for i in doubled if first[i] == first[i - 1]]
    taken: str | None = None
    for cue in _TAKE_BACK_CUE_RE.finditer(text, address.end, until):
        reach = min(until, cue.end() + _TAKE_BACK_REACH)
        for read, _ in _house_numbers_after(text, cue.end(), reach):
            digits = read.removesuffix("号")
            said_again = any(_without_shi(digits, old) == old for old in (first, *undoubled))
            if said_again and text[cue.end() : cue.end() + 1] in _PAUSE_CHARS:
                # the number first said, said again after a pause (不是，215号 after a
                # read-back 251号); right after the cue it is the one denied (不是128号，是129号)
                break
            number = _said_instead(digits, (first, *undoubled))
            if number is not None:
                taken = number + "号"
                break
    return taken


def _number_restated(text: str, address: Address, later: list[Address]) -> str | None:
    """The house number of the same road said again after a take-back cue, one digit or two
    swapped off the first (红旗大街211号，我不对说错了12117号…红旗大街217号: the number said
    in the correction garbled, the read-back of the road with it clear), else None."""
    if not address.number:
        return None
    first = address.number.removesuffix("号")
    for other in later:
        if other.road != address.road or not other.number:
            continue
        number = other.number.removesuffix("号")
        # the cue right after the number, in its sentence (电话不对 a sentence on is the phone's)
        cue = _TAKE_BACK_CUE_RE.search(text, address.end, address.end + _RESTATED_CUE_REACH)
        before_cue = text[address.end : cue.start()] if cue else ""
        if cue and not _SENTENCE_END_RE.search(before_cue) and number != first:
            return other.number if near_number(number, first) else None
        return None
    return None


def _said_instead(read: str, said: Iterable[str]) -> str | None:
    """``read`` as the number said in place of one of ``said`` (one digit changed or two
    swapped, less a leading 是 or a digit Whisper added), else None."""
    for old in said:
        number = _without_extra_digit(_without_shi(read, old), old)
        if number != old and len(number) == len(old) and near_number(number, old):
            return number
    return None


def _house_numbers_after(text: str, start: int, end: int) -> Iterator[tuple[str, int]]:
    """House numbers (``"318号"``, end) said between ``start`` and ``end``, in order, up to
    a sentence's end; 号 as heard (217毫)."""
    for m in _NUMBER_START_RE.finditer(text, start, end):
        if _SENTENCE_END_RE.search(text, start, m.start()):
            return
        try:
            read = house_number_at(text, m.start(), _STOP_CHARS)
        except ValueError:
            continue
        if read is not None:
            yield read[0], read[2]


def _village_taken_back(text: str, address: Address, later: list[Address]) -> str | None:
    """The village the caller names instead of ``address``'s after taking it back: a later
    address in the same town with another village, a take-back cue between (…鞋杨庄村，对吗？
    不对，我说差了，是后杨庄…，范庄镇后杨庄村)."""
    if not is_village(address):
        return None
    for other in later:
        if other.road != address.road:
            return None
        if (
            other.compound.endswith("村")
            and other.compound != address.compound
            and _VILLAGE_TAKE_BACK_RE.search(text, address.end, other.start)
        ):
            return other.compound
    return None


def near_number(a: str, b: str) -> bool:
    """Whether two numbers of one length have the same digits, or differ in one."""
    return sorted(a) == sorted(b) or sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _number_ahead(text: str, pos: int, starts: dict[int, _Anchor]) -> tuple[str, str, int] | None:
    """A house number a little after the road, the caller having said something between
    (中山东路，大佛寺往东一点儿，158号): within the same sentence, with no other place, no
    digit and no junction or distance word on the way; past the beginnings of it the caller
    tried first (和平西路，三百，三百二十几，你看我这记性，三百二十四号), or with its hundreds said
    apart (红旗大街，三百，一十六号)."""
    hesitated = _HESITATION_RE.match(text, pos).end()  # type: ignore[union-attr]
    if hesitated > pos:
        # the whole number right after the beginnings, 号 as heard (二百，二百二十六后)
        here = _PAUSES_RE.match(text, hesitated).end()  # type: ignore[union-attr]
        number = house_number_at(text, here, _STOP_CHARS)
        if number is not None and not number[1]:
            hundreds = _HUNDREDS_BEFORE_RE.search(text, pos, hesitated)
            tens = _TENS_AFTER_HUNDREDS_RE.match(text, here)
            if hundreds is not None and tens is not None:
                # no beginning, but the number said in two breaths (三百，一十六号)
                said = number_to_arabic(hundreds.group(1) + tens.group(1))
                return "number", said + "号", number[2]
            return "number", number[0], number[2]
    pos = hesitated
    m = _HOUSE_NUMBER_AHEAD_RE.search(text, pos, pos + _NUMBER_REACH)
    if m is None or any(pos <= s < m.start() for s in starts):
        return None
    if _AHEAD_BLOCK_RE.search(text, pos, m.start()):
        return None
    number = house_number_at(text, m.start(), _STOP_CHARS)
    if number is None or number[1]:
        return None
    return "number", number[0], number[2]


def _road_by_sound(text: str, pos: int, gazetteer: Gazetteer) -> tuple[str, str, int] | None:
    """A road right after a district and before a house number, matched more loosely than
    :meth:`Gazetteer.find` does (the last character too: 新华洛210号 -> 新华路210号)."""
    for length in (3, 4, 5):
        end = pos + length
        if end > len(text):
            break
        place = gazetteer.closest(text[pos:end], "road", max_cost=0.5 if length == 3 else 1.0)
        number_at = _PAUSE_BEFORE_NUMBER_RE.match(text, end).end()  # type: ignore[union-attr]
        if place is not None and house_number_at(text, number_at, _STOP_CHARS) is not None:
            return "road", place.name, end
    return None


def _read_junction(
    text: str, pos: int, starts: dict[int, _Anchor], road: str
) -> tuple[str, str, int] | None:
    """``X和Y交叉口``: a second road joined to the first and ended by a junction word."""
    m = _JUNCTION_RE.match(text, pos)
    if m is None:
        return None
    other = starts.get(_JUNCTION_FILLER_RE.match(text, m.end()).end())  # type: ignore[union-attr]
    if other is None or other.kind != "road":
        return None
    end = _JUNCTION_END_RE.match(text, other.end)
    if end is None:
        return None
    value, cursor = f"{road}与{other.value}交叉口", end.end()
    corner = _CORNER_RE.match(text, cursor)
    if corner is not None and len(corner.group(1)) > 1:
        value, cursor = value + corner.group(1), corner.end()
    offset = _OFFSET_RE.match(text, cursor)
    if offset is not None:  # 往南五十米: where from the junction
        distance = number_to_arabic(offset.group(2))
        value, cursor = f"{value}往{offset.group(1)}{distance}米", offset.end()
    return "road", value, cursor


def _read_building(text: str, pos: int) -> tuple[str, str, int] | None:
    """Building, unit, floor and room numbers: 3号楼2单元502室, 三栋二单元五零二."""
    parts: list[str] = []
    rank = 0
    cursor = pos
    while True:
        m = _BUILDING_PART_RE.match(text, cursor)
        if m is None:
            break
        unit = m.group(2)
        if unit is None:
            # A bare number is a door number only right after a building or unit, and short.
            if rank not in (1, 2) or len(number_to_arabic(m.group(1))) > 4:
                break
            unit = "室"
        if _PART_RANK[unit] <= rank:
            break
        parts.append(number_to_arabic(m.group(1)) + unit)
        rank = _PART_RANK[unit]
        cursor = m.end()
    if not parts:
        return None
    return "building", "".join(parts), cursor


def _set(address: Address, kind: str, value: str) -> None:
    """Store one part of an address."""
    setattr(address, kind, value)
