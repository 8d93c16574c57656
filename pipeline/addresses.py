"""A second hearing of the caller's address: decode its stretch again, prompted with the
city's place names that sound like what was heard, and vote part by part.

Whisper base on telephone audio writes place names it does not know as whatever characters
fit the sounds (青眼睛 for 青园街, 都含村 for 东韩村, 长安七 for 长安区), sometimes beyond what
matching by sound can undo. Shown the right spelling in its prompt, it usually writes it:
:func:`confirm_address` finds the stretch where the caller gives the address, asks the
gazetteer for the districts, roads and towns that sound loosely like it
(:meth:`classify.gazetteer.Gazetteer.sounding_like`), decodes the stretch again with those
names as the prompt, at normal speed and slowed down, and takes each place name of the
address (district, road, and a village after a town) that most readings agree on. The
transcript's reading breaks ties, so two prompted decodings must agree to overturn it; a part
the transcript lacks is taken from the prompted decodings (the first one on a tie). The house
number, compound and building are the transcript's (but for a digit Whisper inserted): the
prompt is about place names, and the two prompted decodings of the same audio share their
slips in digits and in compound names the gazetteer does not know.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from asr.redecode import Variant
from asr.types import Segment, Transcript
from classify.entities.address import (
    Address,
    core_count,
    extract_addresses,
    is_village,
    near_number,
    one_digit_inserted,
    parse_addresses,
)
from classify.entities.corrections import TAKE_BACK
from classify.entities.numerals import number_to_arabic
from classify.gazetteer import Gazetteer, load_gazetteer
from pipeline.phones import Redecoder

logger = logging.getLogger(__name__)

# Characters that end a place or number in an address: a stretch needs one to be a candidate.
_ADDRESS_CHARS_RE = re.compile("[区县市路街道巷号村镇乡楼]")
# ... and those that count for it (楼 is as often 楼道, 楼底下 or 三楼 as a building).
_PLACE_END_RE = re.compile("[区县市路街道巷号村镇乡]")
# A house number said (218号, 二百一十八号; not 3号楼).
_HOUSE_NUMBER_SAID_RE = re.compile(r"[0-9零〇一二两三四五六七八九十百]+\s?号(?!楼)")
# Place names in the prompt: about 40 characters, well inside Whisper's prompt.
PROMPT_NAMES = 10
# Playback speed of the slowed decoding (each syllable lasts longer).
SLOW_SPEED = 0.85
# A house number this long may be a shorter one with a digit Whisper inserted (2006号).
_INSERTED_MIN_DIGITS = 4
# X百零Y号 as Whisper writes it in numerals, 百 as a 0 or a 1 (2009号 for 二百零九号,
# 4102号 for 四百零二号).
_HUNDRED_AS_ZERO_RE = re.compile(r"^([1-9])[01](0[1-9]号)$")
# A reading in which the caller takes something back.
_TAKE_BACK_RE = re.compile(TAKE_BACK)
# A house number as said in the transcript's stretch (二百零九号, 209号; 号 heard 后, 厚 or
# 毫), not a building (号楼).
_SAID_NUMBER_RE = re.compile(r"([0-9零〇一二两三四五六七八九十百千]+)[号后厚毫](?!楼)")
# What follows the roads of a junction: 交叉口 and the corner (东南角).
_JUNCTION_TAIL_RE = re.compile(r"交叉口.*$")
# The agent asking for the address (请问具体地址是哪里？您住在哪儿？说一下具体位置; 地址 heard
# 地质) ...
_ADDRESS_ASKED_RE = re.compile(
    r"地址|地质|位置|什么地方|住哪|住在|哪个[村区县镇乡小]|具体[^，。？]{0,3}哪"
)
# ... or only where, which may be where something happened (是在哪儿吃的).
_WHERE_ASKED_RE = re.compile(r"在哪|哪里|哪儿")
# How much of a mono segment's end is its last words (the question before the answer).
_QUESTION_TAIL_CHARS = 16
# How close a place name must sound (mean loose distance per character) to count for a stretch.
_STRETCH_SOUND_COST = 0.25
# Neighbouring segments of the same speaker this close (s) may continue the address.
JOIN_GAP_S = 1.5
# A stretch longer than this (s) is narrowed to its address, with this margin (s) each side.
MAX_STRETCH_S = 12.0
NARROW_PAD_S = 3.0


@dataclass(frozen=True)
class AddressCheck:
    """The outcome of :func:`confirm_address`.

    Attributes:
        address: The address chosen (canonical string), or None when no reading gave one.
        readings: ``(source, text, address)`` per reading: ``transcript`` and the variants.
        stretch: The segment decoded again.
        prompt: The place names shown to the model.
    """

    address: str | None
    readings: list[tuple[str, str, str | None]]
    stretch: Segment
    prompt: str


def _best(text: str, gazetteer: Gazetteer) -> Address | None:
    """The most useful address said in ``text`` (as a ticket would take it), parsed."""
    found = extract_addresses(text, gazetteer)
    if not found:
        return None
    parsed = parse_addresses(found[0], gazetteer)
    return parsed[0] if parsed else None


def _echo_of_prompt_dropped(
    address: Address | None, said: Address | None, text: str
) -> Address | None:
    """A prompted reading's address with the transcript's road where the reading heard
    that road too but took another for the address: a road of the prompt echoed beside it
    (长安区、和平东路、二环路、109号 for 长安区和平东路209号) adds a name, it does not
    contradict the one heard. Junctions are left to the vote, and so is a town the reading
    heard where the transcript had only a street (张段固镇 against 和平街26号)."""
    if address is None or said is None or not said.road or address.road == said.road:
        return address
    if "与" in address.road or "与" in said.road or said.road not in text:
        return address
    if address.road.endswith(("镇", "乡")) or said.road.endswith(("镇", "乡")):
        return address
    return replace(address, road=said.road, inferred_district=said.inferred_district)


def _overlap(a: Address | None, b: Address | None) -> int:
    """How many of district, road, number two addresses share (non-empty and equal)."""
    if a is None or b is None:
        return 0
    return sum(bool(x) and x == y for x, y in zip(a.parts()[:3], b.parts()[:3], strict=True))


def address_stretch(
    transcript: Transcript, first: str | None, gazetteer: Gazetteer | None = None
) -> Segment | None:
    """The caller's segment (with a following one that goes on with it) where the address is
    given: the one whose address shares most with ``first`` (the ticket's address), else the
    one naming most of district, road and house number; then the caller's answer to the
    agent's question where (请您说一下具体位置。照线反装正，难还数营村, against the opening
    我是赵县那边的 with more words that sound like places); then one where a house number is said
    (长安期轻眼睛 218号，催流言小区: the road garbled past reading); where no district, road or
    number is read, the one where more of the city's place names sound close to what was
    heard (照线饭中这南中村: 赵县 and 范庄镇 garbled past matching, against 开三马子往西韩村跑
    of the same call); then the one with more characters that end a place (but 楼, as often
    楼道 or 三楼). A stretch over :data:`MAX_STRETCH_S` is narrowed to its address. None when
    no segment names any part of an address.
    """
    gaz = gazetteer or load_gazetteer()
    split = any(s.speaker == "caller" for s in transcript.segments)
    own = [s for s in transcript.segments if s.speaker == "caller" or not split]
    target = _best(first, gaz) if first else None
    answers = _answers_to_address_question(transcript.segments, split)
    best: tuple[tuple[int, int, int, bool, int, int], Segment] | None = None
    for i, seg in enumerate(own):
        stretch = seg
        nxt = own[i + 1] if i + 1 < len(own) else None
        goes_on = nxt is not None and nxt.start - seg.end <= JOIN_GAP_S
        if nxt is not None and goes_on and _ADDRESS_CHARS_RE.search(nxt.text):
            stretch = Segment(seg.start, nxt.end, seg.text + "，" + nxt.text, seg.speaker)
        address = _best(stretch.text, gaz)
        if address is None and not _ADDRESS_CHARS_RE.search(stretch.text):
            continue
        # Only where no district, road or number is read: a stretch with them gains nothing
        # by words joined to it.
        core = core_count(address)
        sounds = 0 if core else len(gaz.sounding_like(stretch.text, max_cost=_STRETCH_SOUND_COST))
        house_number = _HOUSE_NUMBER_SAID_RE.search(stretch.text) is not None
        marks = len(_PLACE_END_RE.findall(stretch.text))
        answer = answers.get(id(seg), 0)
        key = (_overlap(address, target), core, answer, house_number, sounds, marks)
        if best is None or key > best[0]:
            best = (key, stretch)
    return _narrow(best[1], gaz) if best is not None else None


def _answers_to_address_question(segments: Sequence[Segment], split: bool) -> dict[int, int]:
    """The segments (by ``id``) that answer the agent's question where, 2 where the agent
    asked for the address (请问具体地址是哪里), 1 where only where (是在哪儿吃的): on two
    channels the caller's, up to the agent's next turn; on one channel the segment right
    after one that ends with the question (请您说一下具体位置。| 照线反装正，难还数营村).
    """
    answers: dict[int, int] = {}
    asked = 0
    for seg in segments:
        if split and seg.speaker != "caller":
            asked = _question_grade(seg.text)
        elif split:
            if asked:
                answers[id(seg)] = asked
        else:
            if asked:
                answers[id(seg)] = asked
            asked = _question_grade(seg.text[-_QUESTION_TAIL_CHARS:])
    return answers


def _question_grade(text: str) -> int:
    """2 where ``text`` asks for the address, 1 where it asks only where, else 0."""
    if _ADDRESS_ASKED_RE.search(text):
        return 2
    return 1 if _WHERE_ASKED_RE.search(text) else 0


def _narrow(stretch: Segment, gazetteer: Gazetteer) -> Segment:
    """The part of a long stretch around its address (a mono call's segment may run over
    several turns). Times within a segment are estimated in proportion to the characters,
    with :data:`NARROW_PAD_S` of margin each side."""
    duration = stretch.end - stretch.start
    found = parse_addresses(stretch.text, gazetteer)
    if duration <= MAX_STRETCH_S or not found or not stretch.text:
        return stretch
    address = max(found, key=core_count)
    length = len(stretch.text)
    start = stretch.start + duration * address.start / length - NARROW_PAD_S
    end = stretch.start + duration * address.end / length + NARROW_PAD_S
    return Segment(
        start=round(max(stretch.start, start), 2),
        end=round(min(stretch.end, end), 2),
        text=stretch.text,
        speaker=stretch.speaker,
    )


def place_prompt(text: str, gazetteer: Gazetteer | None = None) -> str:
    """Place names of the city that sound like ``text``, as a prompt (长安区、中山东路、…。);
    "" when none does."""
    names = (gazetteer or load_gazetteer()).sounding_like(text, limit=PROMPT_NAMES)
    return "、".join(names) + "。" if names else ""


def vote(
    readings: Sequence[Address | None],
    known: Collection[str] = (),
    district_of: Mapping[str, str] | None = None,
    said_numbers: Sequence[str] = (),
    retaken: bool = False,
) -> Address | None:
    """One address from several readings of the same words, part by part.

    District and road (and the village after a town) take the value most readings give; on
    a tie, the earliest reading's (the transcript comes first). A part only the later
    readings have is taken from them, and so is the road crossing the transcript's road
    where a reading heard a junction. Between equally supported roads, one in ``known`` (the
    gazetteer's) beats one that is not (敌营蛮大街 heard, 翟营南大街 in a prompted reading).
    A road or town that ``district_of`` places in another district than the one voted is
    no candidate while another is (上庄镇 of 鹿泉区 heard for 范庄镇 of 赵县), and the town
    voted names its county (井陉县上碑镇 is 行唐县上碑镇: 上碑镇 is no town of 井陉县); a
    village the transcript named like its town (上庄镇上庄村) follows the town when the town
    changes. The house number is the first reading's unless it is another reading's, or one of
    ``said_numbers`` (house numbers in the transcript's words that its address did not take
    in), with a digit inserted (2006号 against 206号), or there is none; between equally
    supported numbers, one of ``said_numbers`` wins (98号 against 1918号); where every
    other reading (two at least) gives the number with the tens the first lost (18号 for
    八十八号, against 88号 twice), or reads the same number as the one said after taking the
    first's back (``retaken``; 168号 in a transcript that lost the 不对, 186号 twice), theirs
    stands; where the transcript gave no address
    (the first reading is None), a reading's number its words say stands. Compound and
    building come from the first reading that has any part. When the first reading's
    village is the one the caller said after taking another back (``retaken``), it stands:
    the other readings, of the stretch before the correction, hear the one taken back.
    """
    present = [r for r in readings if r is not None]
    if not present:
        return None
    first = present[0]
    merged = Address(compound=first.compound, building=first.building)
    merged.district = _winner([r.parts()[0] for r in present])
    # A reading that names one road of the transcript's junction, or the junction without
    # its corner, says less, not otherwise; one that names the transcript's road in a
    # junction says more (the road it crosses).
    road = next(
        (r.road for r in present if "与" in r.road and first.road in _junction_roads(r.road)),
        first.road,
    )
    roads = [road if _says_less(r.road, road) else r.road for r in present]
    if merged.district and district_of:
        fitting = [r for r in roads if district_of.get(r, merged.district) == merged.district]
        roads = fitting if any(fitting) else roads
    merged.road = _winner(roads, known)
    town_district = district_of.get(merged.road) if district_of else None
    if merged.road.endswith(("镇", "乡")) and town_district:
        # a town lies in one county: the county heard otherwise is misheard (井航线上碑镇 read
        # 井陉县上碑镇, 上碑镇 being 行唐县's)
        merged.district = town_district
    # The house number is the transcript's: the prompt is about names, and the prompted
    # readings, decoded from the same audio, share their slips (108号 heard as 178号 twice).
    # Only a digit Whisper inserted is undone, and a number the transcript lacks is taken.
    numbers = [r.number for r in present]
    shorter = [*numbers, *said_numbers]
    merged.number = _without_inserted_digit(first.number, shorter) or _winner(
        [_without_inserted_digit(n, shorter) for n in numbers], known=said_numbers
    )  # on a tie, the number the transcript's words say (98号 against 1918号)
    merged.number = _with_lost_tens(merged.number, numbers[1:])
    merged.number = _taken_back_in_readings(merged.number, present[1:])
    if readings and readings[0] is None and merged.number not in said_numbers:
        # No address read in the transcript, but its words say a number a reading gives
        # (二百零七后 against 二环 read 2号): the transcript's number, as above.
        merged.number = next((n for n in numbers if n in said_numbers), merged.number)
    villages = [r.compound if is_village(r) else "" for r in present]
    if merged.road.endswith(("镇", "乡")) and any(villages):
        merged.compound = first.compound if retaken and is_village(first) else _winner(villages)
        # A street and number in the village (后韩家营村中心街26号) stay, or are taken from
        # the readings of the same village when the first has none (建设路27号 heard 建设夺
        # 二十七红 in the transcript); a building of the first reading's other compound does not.
        streets = [r.building for r in present if is_village(r) and r.compound == merged.compound]
        merged.building = (first.building if is_village(first) else "") or _winner(streets)
        merged.number = first.number  # a town has no house numbers (南街15号 is the village's)
        town = first.road
        if merged.compound == first.compound == town[:-1] + "村" and merged.road != town:
            merged.compound = merged.road[:-1] + "村"
    return merged if core_count(merged) or merged.compound else None


def _said_numbers(text: str) -> list[tuple[str, int, int]]:
    """House numbers said in ``text`` (``"209号"``, start, end), in order."""
    said = []
    for m in _SAID_NUMBER_RE.finditer(text):
        try:
            said.append((number_to_arabic(m.group(1)) + "号", m.start(), m.end()))
        except ValueError:  # not a number after all (十百)
            continue
    return said


def _said_after_taking_back(number: str, text: str) -> bool:
    """Whether ``number`` is said in ``text`` after another house number and a take-back
    cue (168厚、艾部队部队、186厚 for 186号), not before the cue (271号，艾部队部队，121史: a
    reading that stops before the number said instead)."""
    said = _said_numbers(text)
    for i, (value, start, _) in enumerate(said):
        if value != number:
            continue
        for other, _, end in said[:i]:
            if other != number and _TAKE_BACK_RE.search(text, end, start):
                return True
    return False


def _taken_back_in_readings(number: str, others: Sequence[Address]) -> str:
    """The number every other reading (two at least) read as taken back, where ``number``
    is the one taken back (168号，哎不对不对，186号 with 不对 heard 补兹 in the transcript,
    read in both prompted readings): its digits swapped or one changed."""
    if len(others) < 2 or not all(o.retaken and o.number for o in others):
        return number
    said = {o.number for o in others}
    if len(said) != 1 or not number:
        return number
    other = said.pop()
    old, new = number.removesuffix("号"), other.removesuffix("号")
    if new != old and len(new) == len(old) and near_number(new, old):
        return other
    return number


def _with_lost_tens(number: str, others: list[str]) -> str:
    """The number every other reading (two at least) gives, where ``number`` is it with
    the tens lost before 十 (八十八号 heard 班十八号, read 18号, against 88号 twice): the
    same digits but a leading 1 for another."""
    if len(others) < 2 or len(set(others)) != 1 or not number:
        return number
    other, said = others[0].removesuffix("号"), number.removesuffix("号")
    if len(other) == len(said) and other[1:] == said[1:] and said[0] == "1" != other[0]:
        return others[0]
    return number


def _without_inserted_digit(number: str, numbers: list[str]) -> str:
    """The number of ``numbers`` that ``number`` is with one digit more, if any; else
    ``number``, but for X00Y号 read as X0Y号. Whisper writes a three-digit house number read
    in numerals with a digit too many (二百零六号 as 2006号, 一百一十八号 as 1118号), seldom
    one too few; shorter numbers are left alone (108号 against 18号 is no such slip).

    X百零Y is written X00Y with the 百 as a 0 (二百零九号 as 2009号, in three fresh sets) or
    X10Y with the 百 as a 1 (四百零二号 as 4102号, in dev28), while
    a road's house number seldom reaches four digits (none of 216 scripted calls; 4 of 85
    distinct house numbers after a road in the TipDM messages, none of them X00Y), so such a
    number is taken as the three-digit one when nothing else is said.
    """
    if len(number.removesuffix("号")) < _INSERTED_MIN_DIGITS:
        return number
    shorter = next((other for other in numbers if one_digit_inserted(number, other)), None)
    if shorter is not None:
        return shorter
    return _HUNDRED_AS_ZERO_RE.sub(r"\1\2", number)


def _junction_roads(road: str) -> list[str]:
    """The roads of a junction (槐安东路与体育南大街交叉口东南角); ``[road]`` for a single
    road."""
    return _JUNCTION_TAIL_RE.sub("", road).split("与")


def _says_less(road: str, fuller: str) -> bool:
    """Whether ``road`` names part of ``fuller``: one of its junction's roads, or the
    junction without the corner."""
    return bool(road) and (fuller.startswith(road) or road in _junction_roads(fuller))


def _winner(values: list[str], known: Collection[str] = ()) -> str:
    """The most common non-empty value; on a tie one in ``known``, then the earliest; ""
    when none."""
    counts = Counter(v for v in values if v)
    if not counts:
        return ""
    top = max(counts.values())
    tied = [v for v in values if v and counts[v] == top]
    return next((v for v in tied if v in known), tied[0])


def confirm_address(
    path: Path,
    transcript: Transcript,
    first: str | None,
    redecode: Redecoder,
    gazetteer: Gazetteer | None = None,
) -> AddressCheck | None:
    """Decode the stretch with the caller's address again, prompted with place names that
    sound like it, and vote over the readings part by part.

    Args:
        path: The recording.
        transcript: Its transcript.
        first: The address the transcript gave the ticket (canonical string), if any.
        redecode: Decodes one stretch in the given variants (``Transcriber.redecode``).
        gazetteer: The city's places; the default gazetteer when None.

    Returns:
        None when no stretch names a part of an address or no place name sounds like it.

    Raises:
        AudioError: The recording cannot be read again.
    """
    gaz = gazetteer or load_gazetteer()
    stretch = address_stretch(transcript, first, gaz)
    if stretch is None:
        return None
    prompt = place_prompt(stretch.text, gaz)
    if not prompt:
        return None
    said = _best(first, gaz) if first else _best(stretch.text, gaz)
    readings: list[tuple[str, str, str | None]] = [
        ("transcript", stretch.text, said.text if said else None)
    ]
    parsed: list[Address | None] = [said]
    variants = (
        Variant("places", prompt=prompt),
        Variant("places-slow", prompt=prompt, speed=SLOW_SPEED),
    )
    for name, text in redecode(path, stretch, variants):
        address = _echo_of_prompt_dropped(_best(text, gaz), said, text)
        if address is not None and _said_after_taking_back(address.number, text):
            address = replace(address, retaken=True)
        parsed.append(address)
        readings.append((name, text, address.text if address else None))
    said_numbers = [number for number, _, _ in _said_numbers(stretch.text)]
    # The ticket's address may hold a village the caller said after taking one back, later
    # in the call than the stretch.
    retaken = bool(first) and any(
        a.retaken and a.text == first for a in parse_addresses(transcript.caller_text, gaz)
    )
    merged = vote(
        parsed,
        known=set(gaz.names("road")),
        district_of=place_districts(gaz),
        said_numbers=said_numbers,
        retaken=retaken,
    )
    chosen = merged.text if merged is not None else None
    logger.info("address check %s: %s -> %s", path.name, readings, chosen)
    return AddressCheck(address=chosen, readings=readings, stretch=stretch, prompt=prompt)


@functools.lru_cache(maxsize=4)
def place_districts(gazetteer: Gazetteer) -> dict[str, str]:
    """Roads and towns the gazetteer places in exactly one district, and that district."""
    places = ((name, gazetteer.district_of(name)) for name in gazetteer.names())
    return {name: district for name, district in places if district}


def with_confirmed(addresses: list[str], confirmed: str | None) -> list[str]:
    """``addresses`` with the confirmed one first, in place of the one it confirms."""
    if not confirmed:
        return addresses
    rest = addresses[1:] if addresses else []
    return [confirmed, *[a for a in rest if a != confirmed]]
