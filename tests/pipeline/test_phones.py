"""The phone-number check: finding the stretch, reading, voting, re-decoding for real."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asr.redecode import DIGIT_VARIANTS, SPOKEN_DIGITS_PROMPT, Variant, at_speed, read_span
from asr.types import Segment
from pipeline.phones import (
    confirm_phone,
    phone_stretch,
    read_number,
    vote,
    with_confirmed,
)
from tests.pipeline.conftest import CALLS, FakeRedecoder, transcript_of


def test_read_number_takes_the_number_after_a_correction() -> None:
    text = "电话是要三要二六八四五零七三，不对不对，说错了，是要三要二六八四五零七八。"
    assert read_number(text) == "13126845078"
    assert read_number("电话13126845073") == "13126845073"
    assert read_number("地址是中山路一百号") is None


def test_a_correction_may_say_one_group_again() -> None:
    # the agent's read-back swapped the last two digits; the caller says the last group again
    text = "电话要三五，032要，447班，135,032要，448请，是班，不对不对，最后是447班，7班"
    assert read_number(text) == "13503214478"
    # 中间: the middle group of a mobile
    assert read_number("电话137,8402,5513，137,8412,5513是吗？不对，中间是8402") == "13784025513"
    # a group that changes nothing, or a fragment of another size, leaves the number as said
    assert read_number("电话137,8402,5513，不对，最后是5513") == "13784025513"
    assert read_number("电话137,8402,5513，不对，最后是55") == "13784025513"
    # 不对 heard as 部队 before the group said again
    text = "我信请电话159 3146 7208 埃部队，最后是7203 91159 3146 7203"
    assert read_number(text) == "15931467203"
    # the caller talks first, then names the last group (最后是…) further on
    text = "电话159 三1200 七六八四，艾部队部队，我这手机多损，是七六四八，最后是七六四八"
    assert read_number(text) == "15931207648"
    text = "电话幺三八零三幺幺二八四七，不对不对，我刚才说错了，后四位应该是二八七四"
    assert read_number(text) == "13803112874"
    # the last digit or two named (最后一位是五), after the agent's read-back got it wrong
    text = "电话是177,3260,8415，我附数1.177,3260,8419，对吗？，不对，最后1位是5,8415，好的"
    assert read_number(text) == "17732608415"
    assert read_number("电话137,8402,5513，137,8402,5531对吗？不对，最后两位是一三") == (
        "13784025513"
    )


def test_the_last_digits_named_after_a_read_back_whose_cue_was_lost() -> None:
    # dev48: 对吗？不对，最后一位是三 with the 不对 lost
    text = "我家做吉林311,8596,2073。，我跟您合对一下，031,8596,2078，对吗？，最后1位是3,2073，好的"
    assert read_number(text) == "031185962073"


def test_vote_between_two_numbers_by_the_end_more_readings_heard() -> None:
    # dev48: one reading heard 3122 where three heard …276490 at the end of their digits
    readings = [
        ("transcript", "我信心，电话158，31276490", "15831276490"),
        ("alone", "我姓孙，电话158,3122,6490", "15831226490"),
        ("spoken-digits", "我姓孙，电话要五八，三二七六四九零。", None),
        ("spoken-digits-slow", "我先生，电话要五八，再要二七六四九零。", None),
    ]
    assert vote(readings) == "15831276490"
    # the end must end a run: 3014668 inside 30146682 backs no …014668 (dev45)
    readings = [
        ("transcript", "我姓马，电话要50指 30146682", "15043014682"),
        ("alone", "我姓马，电话150指 3014 6682", "15030146682"),
        ("spoken-digits", "我姓马。电话要五零九三零雅四六六八，二。", "15093014668"),
        ("spoken-digits-slow", "我姓马，电话要五零九，三零零四，六六八，二。", "15093004668"),
    ]
    assert vote(readings) == "15030146682"


def test_the_group_said_after_a_correction_as_whisper_hears_it() -> None:
    # dev44: the agent's read-back (…7891) rejected; 四 of 最后一位是四 heard 次, then the
    # whole last group: the first group of four after the cue is the one said
    text = "电话135,1326,7894，我核对一下135,1326,7891，对吗？，不对，最后一位是次，7894，好的"
    assert read_number(text) == "13513267894"
    # six digits: 是 heard as two digits before the group (dev27, dev31)
    text = "电话13726584319，我重复一下13726584379,对吗？不对不对，最后是194319，按先拿个"
    assert read_number(text) == "13726584319"
    # five digits: the one left out that leaves a slip of the group taken back (dev16) ...
    text = "电话158,0321,4967，爱不对不对，说错了，74697,158,03214697，孙先生"
    assert read_number(text) == "15803214697"
    # ... and none when two would, or none does: the number said first stands (dev7, dev26)
    text = "电话137,8402,51513，陈先生137,8402,5158，是吗？不是，最后是51513,3，好的"
    assert read_number(text) != "13784021513"
    text = "我姓李，电话19831476602，我合对一下1983147663，对吗？不对，最后是02662，好的"
    assert read_number(text) == "19831476602"


def test_every_cue_of_the_shared_vocabulary_takes_a_number_back() -> None:
    # classify.entities.corrections: 不对 as heard, said wrong, said swapped
    for cue in ("补队补队", "部对", "我说差了", "哦我说反了", "说倒了"):
        text = f"电话是幺三八幺二三四五六七八，{cue}，幺三八幺二三四五六八七"
        assert read_number(text) == "13812345687", cue
    # no cue: the number said first stands
    assert read_number("电话是幺三八幺二三四五六七八，嗯，好的") == "13812345678"


def test_a_number_restated_with_a_digit_changed_is_a_correction() -> None:
    # 不对不对 heard as 部队部队: the later number, two digits apart, stands
    assert read_number("15076412389 艾部队部队，后头12398 我众说15076412398") == "15076412398"
    # the same number twice, or a second, different number: the first stands
    assert read_number("18931165570 我再给你说一遍189 31165570") == "18931165570"
    assert read_number("手机13812345678，座机031185013376") == "13812345678"


def test_bu_shi_before_a_pause_or_the_last_digits_is_a_correction() -> None:
    # the agent's read-back (2059) taken back with 不是，最后是…
    text = "电话173,3168,2095,173,3168,2059，不是，最后是2095,95，好的173,3168,2095"
    assert read_number(text) == "17331682095"


def test_a_read_back_rejected_at_the_end_leaves_the_number_first_said() -> None:
    # the caller's number, the agent's wrong read-back, 不对 and the reading stops (幺 as 鸟)
    text = "电话鸟三三，八三鸟鸟八九二六。鸟三三，八三鸟鸟八九六二。对吗？不对不对。"
    assert read_number(text) == "13383118926"
    # a correction before the restated number still lets it stand
    assert read_number("15076412389 艾部队部队，后头12398 我众说15076412398") == "15076412398"


def test_read_number_reads_a_trailing_qu_as_seven() -> None:
    assert read_number("请问您的联系电话。，18931-06552区，我先下楼了") == "18931065527"
    assert read_number("电话199,3125,068区。") == "19931250687"
    assert read_number("地址是新华区，电话18931065527") == "18931065527"
    # dev61: 七 heard 星 ending the last group
    assert read_number("我认好，电话要三八，三二六五，要八四星") == "13832651847"


def test_bu_dui_heard_wu_dui_is_a_correction() -> None:
    # dev61: 不对 heard 无对 after the agent's wrong read-back
    text = "电话十一五八，3207六四要九，158三二零七六四要七，对吗？无对，最后一个是九，六四要九"
    assert read_number(text) == "15832076419"


def test_read_number_reads_shi_between_digits_as_si_when_nothing_else_fits() -> None:
    assert read_number("要三五八二二十零三要六") == "13582240316"  # 四 heard as 十
    assert read_number("电话要三九，三要一五，七六二十") == "13931157624"  # ending a group
    # 十 stays a quantity when the number is whole without it, or no number comes of it
    assert read_number("我家住二十号楼，电话幺三八二七幺五零九四六") == "13827150946"
    assert read_number("三五二十，零三一一，八六二七") is None


def test_read_number_reads_qu_after_yao_as_seven() -> None:
    assert read_number("电话要区区，三要要留五二，四八") == "17731165248"


def test_read_number_ignores_digits_parroted_from_the_prompt() -> None:
    assert read_number("二七幺五，零九四六。", SPOKEN_DIGITS_PROMPT) is None
    assert read_number("幺五零六九一三二八七零", SPOKEN_DIGITS_PROMPT) == "15069132870"
    # a group filled in from the prompt (…零九四六) is no reading either
    assert read_number("电话是187 三五五二零九四六", SPOKEN_DIGITS_PROMPT) is None
    assert read_number("电话是187 三五五二零九四六") == "18735520946"


def test_read_number_takes_stray_letters_for_pauses() -> None:
    # Whisper wrote full-width letters between the groups of a slowed re-decoding
    reading = "好登请问您的联系电话？幺三三Ｅ幺三遥遥八八九九？好登我们？"
    assert read_number(reading, SPOKEN_DIGITS_PROMPT) == "13313118899"


def test_vote_prefers_full_numbers_then_majority_then_direct_readings() -> None:
    full, partial = "13126845078", "26845073"
    assert vote([("t", "x", full), ("a", "y", partial), ("b", "y", partial)]) == full
    readings = [
        ("t", "13582937160", "13582937160"),
        ("a", "", None),
        ("b", "13582947160", "13582947160"),
        ("c", "13582947160", "13582947160"),
    ]
    assert vote(readings) == "13582947160"
    # one each: the number read directly beats the one that needed a repair
    repaired = ("t", "137-821-3395", "13782113395")
    direct = ("a", "137-8210-3395", "13782103395")
    assert vote([repaired, direct]) == "13782103395"
    assert vote([("t", "", None)]) is None
    # a short reading backs the full number it is part of
    readings = [
        ("transcript", "我姓黄199,3361,802庆", "19933618027"),
        ("alone", "我姓黄19933611802去", "19933611802"),
        ("slow", "三三六一八零二七。", "33618027"),
    ]
    assert vote(readings) == "19933618027"
    # one each, both direct: the one whose groups more readings wrote as groups
    readings = [
        ("transcript", "电话是133 6319 802庆", "13363198027"),
        ("spoken-digits", "幺三三六三六九八零二七。", "13363698027"),
        ("alone", "电话是133,6319,8002,000", None),
    ]
    assert vote(readings) == "13363198027"
    # after a correction, groups heard before it (2389) back the number taken back: not used
    readings = [
        ("transcript", "15076412389 不对不对，我重说15076412398", "15076412398"),
        ("alone", "1500,760,2389，艾部队部队", "15007602389"),
        ("spoken-digits", "有五零七六四。二三八九。艾部队部队。", None),
    ]
    assert vote(readings, corrected=True) == "15076412398"
    # a short reading of the number taken back (2175083 of 186 3217 5083) backs no other
    readings = [
        ("transcript", "电话是186 咱尔伊琴5083艾部队，后头是5088 我再说1.186 咱尔伊琴5088",
         "18632175088"),
        ("alone", "电话是186，在2175083，艾部队，后头是508", "2175083"),
        ("spoken-digits-slow", "电话是186，二一七五零八三艾部队后头是五零八。", "18621750831"),
    ]  # fmt: skip
    assert vote(readings, retracted="18632175083") == "18632175088"
    assert vote(readings, corrected=True) == "18621750831"
    # a reading that gave no number may still hold one digit by digit (said twice, run
    # together), and backs it
    readings = [
        ("transcript", "电话158,31172046158,31172046，对吗？", None),
        ("alone", "电话158，31172046，158，31172046，对吗", "15831172046"),
        ("spoken-digits", "联系电话一五八，二零四六，二零四六，二零四六，对吗", "15820462046"),
    ]
    assert vote(readings) == "15831172046"
    # ... but not across other characters (三五二十: 3524 misheard, then the number again)
    readings = [
        ("transcript", "留个家里座机，0311,8809,3524,0311,8809,3524", "031188093524"),
        ("alone", "留个家里做几把，031 8809，3520，031 880", "031188093520"),
        ("spoken-digits-slow", "零三一一，八八零九。三五二十，零三一一，八八零。", None),
    ]
    assert vote(readings) == "031188093524"


def test_phone_stretch_takes_the_callers_digits_and_narrows_long_segments() -> None:
    agent = Segment(0.0, 3.0, "您好，幺二三四五，请问您的联系电话", "agent")
    caller = Segment(3.5, 6.0, "幺三五，八二九四，七幺六零", "caller")
    assert phone_stretch(transcript_of(agent, caller)) == caller
    long = Segment(0.0, 40.0, "我们楼下有个坑" * 10 + "电话幺三五八二九四七幺六零" + "好的" * 5)
    stretch = phone_stretch(transcript_of(long))
    assert stretch is not None and stretch.text == long.text
    assert 0.0 < stretch.start < stretch.end < 40.0 and stretch.end - stretch.start < 15.0
    assert phone_stretch(transcript_of(Segment(0.0, 2.0, "垃圾三天没人收了"))) is None


def test_house_and_building_numbers_are_no_phone_digits() -> None:
    address = Segment(24.1, 46.5, "小溪区鸿奇大街356号，二号楼底上，我不对，说错了，是365号，365")
    phone = Segment(55.7, 74.7, "请问您贵姓，联系电话，留电里的作机吧 0311187426053好的")
    stretch = phone_stretch(transcript_of(address, phone))
    assert stretch is not None and stretch.text == phone.text


def test_phone_stretch_takes_the_answer_to_the_agents_question_on_two_channels() -> None:
    earlier = Segment(
        3.0, 18.0, "上礼拜打过一次腰腰零，来了说了两句，第二天照旧，一二点还在闹", "caller"
    )
    asked = Segment(40.0, 42.0, "您贵姓，联系电话", "agent")
    answer = Segment(42.5, 48.0, "千云，有八六，再有二九，连胡吃班", "caller")
    closing = Segment(48.5, 55.0, "好的，我们转城管部门处理", "agent")
    transcript = transcript_of(earlier, asked, answer, closing)
    assert phone_stretch(transcript) == answer  # four digits only, but the answer
    # without the question the digit-richer turn wins, as on a mono call
    stretch = phone_stretch(transcript_of(earlier, answer, closing))
    assert stretch is not None and stretch.text == earlier.text
    # a correction after the agent's read-back answers the question too
    first = Segment(42.5, 46.0, "电话13001159382", "caller")
    read_back = Segment(46.5, 50.0, "13001159382对吗", "agent")
    correction = Segment(50.5, 56.0, "不对不对，最后是三八二七，一三零幺幺五九三八二七", "caller")
    stretch = phone_stretch(transcript_of(earlier, asked, first, read_back, correction))
    assert stretch is not None and stretch.text == correction.text


def test_confirm_phone_stops_early_when_two_readings_agree() -> None:
    said = Segment(1.0, 4.0, "电话幺三八，二七幺五，零九四六", "caller")
    fake = FakeRedecoder({"alone": "电话138-2715-0946"})
    check = confirm_phone(Path("x.wav"), transcript_of(said), fake)
    assert check is not None and check.phone == "13827150946"
    assert fake.calls == ["alone"]


def test_confirm_phone_outvotes_a_garbledtranscript_of() -> None:
    said = Segment(1.0, 4.0, "我姓彭，电话是183-2006-412", "caller")
    fake = FakeRedecoder(
        {
            "alone": "电话是183-2906-412",
            "spoken-digits": "电话是要八三二九零六四四要二。",
            "spoken-digits-slow": "电话是要八三二九零六四四要二。",
        }
    )
    check = confirm_phone(Path("x.wav"), transcript_of(said), fake)
    assert check is not None and check.phone == "18329064412"
    assert fake.calls == [v.name for v in DIGIT_VARIANTS]
    assert [r[0] for r in check.readings] == ["transcript", *fake.calls]


def test_a_retracted_number_cannot_outvote_the_correction() -> None:
    said = Segment(
        1.0, 9.0, "电话是185,3116,2098，爱不对不对，我重说，185,3116,2093，好的孙女士", "caller"
    )
    # the re-decodings stop before the correction and read the number taken back
    retracted = "电话是185，3116，2098，艾部队部队"
    fake = FakeRedecoder({v.name: retracted for v in DIGIT_VARIANTS})
    check = confirm_phone(Path("x.wav"), transcript_of(said), fake)
    assert check is not None and check.phone == "18531162093"
    # without a correction in the transcript the same readings win as usual
    plain = Segment(1.0, 4.0, "电话是185,3116,2093", "caller")
    fake = FakeRedecoder({v.name: "电话是185，3116，2098" for v in DIGIT_VARIANTS})
    check = confirm_phone(Path("x.wav"), transcript_of(plain), fake)
    assert check is not None and check.phone == "18531162098"


def _checked(said: str, alone: str, digits: str, digits_slow: str) -> str | None:
    """The number the phone check settles on for one stretch ``said`` (on one channel) and
    the three re-decodings of it."""
    fake = FakeRedecoder(
        {"alone": alone, "spoken-digits": digits, "spoken-digits-slow": digits_slow}
    )
    check = confirm_phone(Path("x.wav"), transcript_of(Segment(1.0, 12.0, said, "mono")), fake)
    assert check is not None
    return check.phone


def test_readings_of_a_read_back_cannot_outvote_the_last_digit_named() -> None:
    # dev55: the agent read back …4517, the caller said 不对，最后一个是九; Whisper wrote the
    # read-back as 4519, the re-decodings hear the 7 (请) taken back
    read_back = "四先生，我重复一下，零三要要，八七二六，四五要请，对吗？"
    slow = "我重复一下零三一一，八七二六，四五一一，对吗？不对，最后一个"
    said = (
        "按家坐进，03111,8726,4519。此先生，我重复一下，03111,8726,4519，对吗？"
        "不对，最后一个是9,4519。好的，4519"
    )
    assert _checked(said, read_back, read_back, slow) == "031187264519"
    # without the digit named, the readings win as usual
    assert _checked("按家坐进，03111,8726,4519。", read_back, read_back, slow) == "031187264517"


def test_readings_that_heard_no_correction_cannot_outvote_it() -> None:
    # dev56: 最后是46,7746 after the agent's …7749; the re-decodings stop at 对吗 and one of
    # them lost a digit of the read-back besides (二腰零 for 三二幺零)
    said = (
        "我信叫电话158,3210,7746，跟您合对一下158,3210,7749，对吗？不对，最后是46,7746，"
        "你们快点派交警过来吧"
    )
    alone = "7,7,4,6，跟您合对一下，158，3,2,1,0，7,7,4,9，对吗"
    digits = "七七四六。 跟您合对一下，腰五八，二腰零，七七四九，对吗？"
    slow = "七七四六，跟您合作一下，腰五八，二腰零，七七四九，对吗？"
    assert _checked(said, alone, digits, slow) == "15832107746"


def test_the_last_digit_named_by_its_homophone_and_a_read_back_after_the_correction() -> None:
    # dev57: 最后一位是四 heard 最后一位是死; the re-decodings of the read-back heard 不对 only
    said = (
        "我姓马，电话136,3187,2054，我给您重复1.136,3187,2059，对吗？不对，最后一位是死，"
        "不是9,2054，好的马女士"
    )
    alone = "2054，我给您重复一点，136，318，2059，对吗，不对"
    digits = "二零五四。我给您重复一点，要三六三要八七。二零五九。对吗？不对。"
    slow = "二零五四。我给您重复一遍，要三六三要八七二零五九。对吗？不对。"
    assert _checked(said, alone, digits, slow) == "13631872054"
    # dev55: the caller corrected herself, then the agent read the number back: the
    # re-decodings of that read-back hear the number as corrected and count
    said = (
        "我姓孙，留个家里做几百，031,872,361请，哀不对，说错了，是031,872,3615。孙女姓，"
        "我跟您合对一下，031,872,3615，对吗？"
    )
    alone = "我跟您合对一下，零三要要，八七四二，三六要五，对吗"
    digits = "我给您合对一下零三要要八七四二三六一五。对吗？"
    slow = "我跟您合对一下零三要你要八七四二三六一五。对吗？"
    assert _checked(said, alone, digits, slow) == "031187423615"


def test_a_read_back_the_caller_rejects_is_the_number_taken_back() -> None:
    # dev60: 最后一位不对 after the agent's …八四五一; the caller's number was said first and
    # again after; the re-decodings of the read-back cannot outvote it
    said = (
        "电话央三九，三央二六八四五七，我给您合对一下，央三九，三央二六八四五一，对吗？"
        "最后一位不对，四七八四五七，好的，央三九，三央二六八四五七"
    )
    alone = "845区，我跟您合对一下，139，3126，8451，对吗"
    digits = "八四五，我给您核对一下要三九三一二六八四五一对吗"
    slow = "八四五七。我给您核对一下，要三九。三一二六，八四五一。对吗？"
    assert _checked(said, alone, digits, slow) == "13931268457"


def test_two_decodings_with_one_prompt_are_one_vote() -> None:
    # dev57: the transcript reads 159 3210 6478; the prompted decoding and its slowed twin
    # both hear the last 八 as 幺 (the unprompted one reads no number)
    said = "二姓韩，韩姓的韩，电话是159，32106478"
    alone = "韩信的韩，电话是159，321-647-8"
    digits = "韩信的韩，电话是159。三二一零六四七幺。"
    slow = "韩信的韩，电话是腰五九，三二腰零六四七幺。"
    assert _checked(said, alone, digits, slow) == "15932106478"
    # a twin that reads another number than its twin keeps its vote (here the transcript's)
    assert _checked(said, alone, digits, slow.replace("七幺", "七八")) == "15932106478"


def test_with_confirmed_puts_the_number_first() -> None:
    assert with_confirmed(["1", "2"], "2") == ["2", "1"]
    assert with_confirmed(["1"], "3") == ["3", "1"]
    assert with_confirmed(["1"], None) == ["1"]


def test_read_span_and_speed_on_a_real_stereo_call() -> None:
    path = CALLS / "gas_leak_01.stereo.flac"
    right = read_span(path, 2.0, 4.5, channel=1)
    left = read_span(path, 2.0, 4.5, channel=0)
    mono = read_span(path, 2.0, 4.5, channel=None)
    assert right.shape == left.shape == mono.shape == (40_000,)
    assert not np.allclose(left, right)
    assert at_speed(right, 0.8).shape == (50_000,)
    assert read_span(path, 10_000.0, 10_001.0, channel=1).size == 0
    with pytest.raises(ValueError):
        Variant("too-slow", speed=0.1)


def test_transcriber_redecodes_the_callers_number() -> None:
    from pipeline.service import Pipeline

    transcriber = Pipeline.from_settings().transcriber  # the embedded Whisper base
    path = CALLS / "manhole_01.wav"
    transcript = transcriber.transcribe(path)
    check = confirm_phone(path, transcript, transcriber.redecode)
    assert check is not None
    assert check.phone == "15832106497"  # the caller's number, see manhole_01.truth.json
    assert all(text for _, text, _ in check.readings)
