"""Tests for phone numbers as Whisper writes them."""

from __future__ import annotations

import pytest

from classify.entities.phones import extract_phones, mask_phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我的电话是13812345678", ["13812345678"]),
        ("电话138 1234 5678", ["13812345678"]),
        ("电话138-1234-5678", ["13812345678"]),
        ("我手机号是138，1234，5678，麻烦回个电话", ["13812345678"]),
        ("1 3 8 1 2 3 4 5 6 7 8", ["13812345678"]),
        ("幺三八幺二三四五六七八", ["13812345678"]),
        ("一三八1234五六七八", ["13812345678"]),
        ("我电话是幺三八 1234，五六七八", ["13812345678"]),
        ("一五九两六六八洞洞幺二", ["15926680012"]),
        ("一三八一二三四五六七八一直打不通", ["13812345678"]),
        ("联系方式是+8613812345678", ["13812345678"]),
        ("座机0311-86654321", ["031186654321"]),
        ("座机是洞三幺幺 八六六五 四三二一", ["031186654321"]),
        ("北京的电话010-12345678", ["01012345678"]),
        ("电话是八六六五四三二一", ["86654321"]),
        ("打8665432就行", ["8665432"]),
        ("13812345678，另一个是139 1234 5678", ["13812345678", "13912345678"]),
        ("我电话13812345678，再说一遍13812345678", ["13812345678"]),
        ("医保卡号丢了，电话13812345678", ["13812345678"]),
        ("我住128号，电话13812345678", ["13812345678"]),
    ],
)
def test_phones_found(text: str, expected: list[str]) -> None:
    assert extract_phones(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "身份证号11010519491231002X",
        "身份证号码是130102 19900307 1233",
        "我交了12000元的物业费",
        "2023年5月12日开始停水",
        "号码为2019-6-12办理的",
        "中山东路128号3号楼2单元502",
        "卡号6222 0212 3456 7890 123",
        "银行卡号6222021234567890123",
        "八六六五四三二一",  # a bare 8-digit number is not said as a phone
        "12345热线",
        "12路公交车",
        "18112525462.26万元",
        "户号13812345678",
        "打了十几个电话都没人接",
    ],
)
def test_not_phones(text: str) -> None:
    assert extract_phones(text) == []


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("031186654321", "0311****4321"),
        ("86654321", "86****21"),
        ("138-1234-5678", "138****5678"),
        ("12345", "*****"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


# Phone numbers as Whisper base writes them from 8 kHz calls: homophones of digits, pauses
# written as commas, full stops or 、, one digit too many or too few.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # homophones of 幺 (要 腰 妖 邀 由), 七 (期 起 去) and 四 (是 时)
        ("请问您的联系电话，要三八，六六二零，四幺七五", ["13866204175"]),
        ("电话腰五腰二七八三九零四六", ["15127839046"]),
        # read back with digits wrong right after it: the number, not a void chain
        ("电话031187023358，0318702338548，不对不对，最后是3358", ["031187023358"]),
        # the same number said twice, the second time without a cue before it
        ("电话零三要一八七零一三三五四。零三要一八七零一三三五四。对吗", ["031187013354"]),
        # 腰 at both ends: a full mobile, not the local number between them
        ("我姓彭，电话腰三二，九二六五零三八腰", ["13292650381"]),
        ("电话时要七八、零三二一、五五六六", ["17803215566"]),
        ("我的电话是邀三九，零二四六，八八幺三", ["13902468813"]),
        ("电话妖七七，二零幺九，五五三八", ["17720195538"]),
        ("电话一八二，三六期一，七九二五", ["18236717925"]),
        ("电话是186,312去，5509", ["18631275509"]),
        ("电话幺三是，二二五零，九九八七", ["13422509987"]),
        ("请问您的联系电话，由8833119076，我姓郑", ["18833119076"]),
        ("连续电话，我信逢，电话要三五，要三要要，七九二六", ["13513117926"]),
        ("电话要50,3011,7319", ["15030117319"]),
        ("我姓林，电话是要三期，零三要一要，七四五二", ["13703117452"]),
        # one digit too many: said twice (1135, 03111, 86011) or added at the end (72645)
        ("电话1135,9246,0317", ["13592460317"]),
        ("电话时139,3185,72645。好的", ["13931857264"]),
        ("打家里座机吧，03111,8765,4321", ["031187654321"]),
        ("大家里做鸡巴，0311,86011,2345。好的", ["031186012345"]),
        # a digit repeated across the pause between two groups (2 | 2783)
        ("我心里，电话要512 2783 9046", ["15127839046"]),
        ("电话是137 7312 0958", ["13773120958"]),  # 11 digits already: nothing dropped
        # a word Whisper wrote in a pause, read as a digit by its sound (dev45: 幺五零，三零幺四)
        ("我姓马，电话150指 3014 6682", ["15030146682"]),
        ("电话是要三八，三要要请七零三四五。好的", ["13831177034"]),
        # a 1 of 幺幺 lost in a short group
        ("我姓韩，电话186,031,2468，好的韩先生", ["18603112468"]),
        # pauses written as a full stop or a hyphen
        ("我信请，电话是要三八。三要要请，七零三四五。", ["13831177034"]),
        ("请问您的连续电话，156-3301-7246，我兴许", ["15633017246"]),
        # the hotline's own number is said first in every call
        ("您好，央二三四五，是民服务热线。电话幺五八，三二幺零，六四九七", ["15832106497"]),
        # 0311 with 幺幺 merged: no area code is 031, and a 0318 number is not read 031,8...
        ("你这个电话吧，家里座机，031,8652,3380，好的", ["031186523380"]),
        ("座机031-8765-4321", ["031187654321"]),
        ("电话0318，652，3380", ["03186523380"]),
        # the small comma Whisper writes after a prompt
        ("我姓任150﹑3074﹑2915﹑", ["15030742915"]),
        # no cue (座机 lost), but a soft digit among ten real ones
        ("你去家里做几百，零三要要，八七三九二六一五，晚上一般都有人", ["031187392615"]),
        # the last group said again just before the whole number
        ("我说错了最后是七八，二四七八，腰三九三腰腰六二四七八，你们快点啊", ["13931162478"]),
        # a group said first, then the whole number run on after it
        ("不对不对，我这一慌，是1305,186,1305,5724，好的", ["18613055724"]),
        # 幺 written 鸟 at the head of the first group
        ("电话鸟八六，三三零五，二七幺四。", ["18633052714"]),
        # 座机 heard 作机, a 1 too many after the area code
        ("联系电话，我信封，留电里的作机吧 0311187426053好的", ["031187426053"]),
        # 幺 heard as 两 at the head: no mobile begins with 2
        ("两三八三一二七五九四六，我信顿手机一直开枕", ["13831275946"]),
    ],
)
def test_phones_as_whisper_writes_them(text: str, expected: list[str]) -> None:
    pytest.importorskip("pypinyin", reason="homophones of digits need pypinyin")
    assert extract_phones(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "您好，央二三四五，是民服务热线",
        "你好，12345，市民服务热线，请问有什么可以帮您",
        "市12345热线",
        "我在1991年至1999年在单位工作",  # 年 and 至 are no digits
        "望江二栋建于1993年，距今已26年房龄",
        "电话139,3210,775",  # a digit lost, but not a 1 of 幺幺: any digit could be missing
        "电话1731145209",  # ten digits in one group: nothing shows where one is missing
        # the last group one short: its digit lost anywhere, not a 1 said twice (dev54)
        "电话腰八八，三二九五，零一四，好的",
        "电话138,23456,5678",  # an extra digit inside a group, none doubled: no guess
        "他说要三八六六二零四幺七五",  # homophones without a phone cue or three groups
        "电话是139,3210,775，再说一遍",
        "卡号6222,0212,3456,7890,123",  # a card number: the groups before are not the rest
        "电话二三八三一二七五九四六",  # 二 is a 2 said: no guess which digit was meant
    ],
)
def test_garbled_numbers_that_are_not_guessed(text: str) -> None:
    pytest.importorskip("pypinyin", reason="homophones of digits need pypinyin")
    assert extract_phones(text) == []
