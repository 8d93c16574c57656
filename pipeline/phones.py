"""A second opinion on the caller's phone number: decode its stretch again and vote.

The phone number is what a ticket most needs and what Whisper base most often garbles: on 16
unseen synthetic calls it dropped or merged a digit in 6 of them (三五五二 -> 352) and heard
a trailing 七 as 区. :func:`confirm_phone` finds the stretch where the caller reads the number
out, has it decoded again in a few ways (:data:`asr.redecode.DIGIT_VARIANTS`), and takes the
number most readings agree on; between equally supported numbers, the one whose digit groups
more readings wrote (when no correction is in play), then one read directly (11 digits as
said) beats one that needed a repair, and the first reading (the transcript's) breaks
remaining ties. A caller who corrects himself (不对，是…; 不对，最后是四四七八) is taken at his
last number.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from asr.redecode import DIGIT_VARIANTS, Variant
from asr.types import Segment, Transcript
from classify.entities import extract_phones
from classify.entities.corrections import SHOULD_BE, TAKE_BACK
from classify.entities.numerals import DIGIT_VALUES
from classify.entities.spoken_digits import Group, find_groups, soft_digit

logger = logging.getLogger(__name__)

# Characters that stand for a digit in a number read out: the digits of
# :data:`~classify.entities.numerals.DIGIT_VALUES` and the two homophones of 幺 Whisper writes
# most (要, 腰). The wider sound-alike repair is the extractor's, not the stretch finder's.
_SPOKEN_DIGIT_VALUES = {**DIGIT_VALUES, "要": "1", "腰": "1"}
_DIGITISH_RE = re.compile("[" + "".join(sorted(_SPOKEN_DIGIT_VALUES)) + "]")
# A caller taking a number back (cues as in :mod:`classify.entities.corrections`).
_CORRECTION_RE = re.compile(
    f"{TAKE_BACK}|说错|错了|更正|纠正|重新说|{SHOULD_BE}"
    r"|不是(?=[，,。.\s]|最后|后面|后头|后边)"
    # the last digit or two named right after a read-back, the 不对 lost (…2078，对吗？最后一位是三)
    r"|(?:(?<=[吗吧][？?，,\s])|(?<=[吗吧][？?，,\s]{2}))(?=最后[一1两二2]位)"
)
# A stretch needs this many digit-like characters to be where a number is read out; the
# caller's answer to the agent's question for the number needs fewer.
MIN_DIGITISH = 7
MIN_ANSWER_DIGITISH = 3
# The agent asking for the number (联系电话 heard as 连续电话 too).
_PHONE_QUESTION_RE = re.compile(r"电话|手机|号码|联系方式")
# A house or building number (356号, 二号楼), whose digits are not a phone's (号码 is).
_HOUSE_NUMBER_RE = re.compile(r"[0-9零〇一二两三四五六七八九十百千幺]+\s*号(?!码)")
# Neighbouring segments of the same speaker this close (s) are read together.
JOIN_GAP_S = 1.5
# Digits of a mobile number; shorter numbers (7-8 digit local ones) are weaker readings.
FULL_DIGITS = 11
# Digits at a number's end that a reading may hold in a row even when it lost or garbled a
# digit before them (要五八，三二七六四九零 holds 276490 of 158 3127 6490).
_TAIL_HEARD = 6
# A mobile number's last two groups, which a short decoding may catch alone, and its head.
_TAIL_DIGITS = 8
_MOBILE_HEAD_RE = re.compile(r"1[3-9]\d")
# 区 or 星 right after a run of digits and before a pause: a last 七 misheard (06552区 for
# 065527; 要八四星 for 幺八四七, in the eleventh and thirteenth sessions' sets). Only here,
# where the stretch is a number being read out; elsewhere 区 ends an address.
_TRAILING_QI_RE = re.compile(
    r"([0-9零幺要腰一二三四五六七八九]{2,})[区星](?=$|[\s，,。.！!？?；;])"
)
# 七 heard as 区 right after 幺 as Whisper writes it (要区区，三要要… for 幺七七，三幺幺…).
_QI_AFTER_YAO_RE = re.compile(r"(?<=[要腰幺])区+")
# 四 heard as 十 between two digits (三五八二二十零三幺六) or ending a group (七六二十，): no
# one reads a number with 十, but 二十 is also a quantity, so it is read as 四 only when
# nothing else gives a full number.
_DIGIT_CHAR = "[0-9零幺一二三四五六七八九要腰]"
_SHI_AS_SI_RE = re.compile(rf"(?<={_DIGIT_CHAR})十(?={_DIGIT_CHAR}|[，,、。.\s]|$)")
# Latin letters, full-width or not: in a reading of digits they only stand for pauses.
_LATIN_RE = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]+")
# Margin (s) kept around the digits when a long stretch is narrowed down to them.
NARROW_PAD_S = 2.5
# A correction naming one group of a number again (不对，最后是四四七八): its size, and how
# far after the correction (characters) the group may begin.
_GROUP_DIGITS = 4
_MEND_REACH = 10
# A group of six digits names four, with two heard before them (see :func:`_group_said`).
_MENDING_DIGITS = 6
# The caller naming the group outright (最后是七六四八, 后四位应该是…) may say more first
# (不对不对，我这手机号多少……最后是七六四八): the cue is looked for this far after the correction.
_LAST_GROUP_RE = re.compile(
    r"(?:最后|后面|后边|尾号|后)(?:四位|四个数|那几位|几位|一组)?数?(?:应该)?[是为]"
)
_LAST_GROUP_REACH = 40
# The caller naming the last digit or two (不对，最后一位是五; 最后两位是四七): the digits as
# digits, or (where a correction names them) any character, a digit's homophone too
# (最后一位是死, 是其2847).
_LAST_DIGITS_CUE = r"(?:最后|后面|末)([一1两二2])[位个]数?(?:应该)?[是为][\s，,]?"
_LAST_DIGITS_RE = re.compile(rf"{_LAST_DIGITS_CUE}({_DIGIT_CHAR}{{1,2}})")
_NAMED_LAST_RE = re.compile(rf"{_LAST_DIGITS_CUE}(\w{{1,2}})")
_COUNT_VALUES = {"一": 1, "1": 1, "两": 2, "二": 2, "2": 2}
# The agent asking whether a number read back is right.
_READ_BACK_ASKED_RE = re.compile(r"[对是][吗吧]")
# Said before a stretch so that the extractor treats its digits as a phone number.
_CUE = "电话"

# Decodes one stretch again in the given variants, lazily: (variant name, text) per variant.
Redecoder = Callable[[Path, Segment, Sequence[Variant]], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class PhoneCheck:
    """The outcome of :func:`confirm_phone`.

    Attributes:
        phone: The number chosen, or None when no reading gave one.
        readings: ``(source, text, number)`` per reading: ``transcript`` and the variants.
        stretch: The segment decoded again (start, end, speaker of the stretch).
    """

    phone: str | None
    readings: list[tuple[str, str, str | None]]
    stretch: Segment


def digitish(text: str) -> int:
    """How many characters of ``text`` could be digits."""
    return len(_DIGITISH_RE.findall(text))


def _narrow(stretch: Segment) -> Segment:
    """The part of a long stretch around its digits.

    Times within a segment are estimated in proportion to the characters (speech runs at
    a fairly even pace), with :data:`NARROW_PAD_S` of margin each side.
    """
    matches = list(_DIGITISH_RE.finditer(stretch.text))
    length = len(stretch.text)
    duration = stretch.end - stretch.start
    if not matches or length == 0 or duration <= 2 * NARROW_PAD_S:
        return stretch
    # The densest run: from the first digit of the longest digit-rich window to its end.
    runs: list[tuple[int, int]] = []
    for m in matches:
        if runs and m.start() - runs[-1][1] <= 3:
            runs[-1] = (runs[-1][0], m.end())
        else:
            runs.append((m.start(), m.end()))
    first, last = max(runs, key=lambda r: len(_DIGITISH_RE.findall(stretch.text[r[0] : r[1]])))
    start = stretch.start + duration * first / length - NARROW_PAD_S
    end = stretch.start + duration * last / length + NARROW_PAD_S
    return Segment(
        start=round(max(stretch.start, start), 2),
        end=round(min(stretch.end, end), 2),
        text=stretch.text,
        speaker=stretch.speaker,
    )


def phone_stretch(transcript: Transcript) -> Segment | None:
    """The stretch where the caller reads out a number (one segment or neighbours joined,
    narrowed to its digits).

    Only the caller's segments count on a two-channel call; on a mono call every segment
    does. The stretch with the most digit-like characters wins if it has at least
    :data:`MIN_DIGITISH`; but on a two-channel call the caller's answer to the agent's
    question for the number (您贵姓，联系电话？) wins if it has :data:`MIN_ANSWER_DIGITISH`,
    since Whisper may garble the digits there (有八六，再有二九，连胡吃班) while an earlier
    turn holds more digit-like characters (打过一次腰腰零).
    """
    split = any(s.speaker == "caller" for s in transcript.segments)
    own = [s for s in transcript.segments if s.speaker == "caller" or not split]
    answers = _answers_to_phone_question(transcript.segments) if split else set()
    best: Segment | None = None
    best_key = (False, 0)
    for i, seg in enumerate(own):
        start, end, text = seg.start, seg.end, seg.text
        for nxt in own[i + 1 :]:
            if nxt.start - end > JOIN_GAP_S or digitish(nxt.text) < 3:
                break
            end, text = nxt.end, text + "，" + nxt.text
        count = digitish(_HOUSE_NUMBER_RE.sub("", text))  # 365号 and 二号楼 are no phone digits
        answer = id(seg) in answers and count >= MIN_ANSWER_DIGITISH
        if (answer or count >= MIN_DIGITISH) and (answer, count) > best_key:
            best = Segment(start=start, end=end, text=text, speaker=seg.speaker)
            best_key = (answer, count)
    return _narrow(best) if best is not None else None


def _answers_to_phone_question(segments: Sequence[Segment]) -> set[int]:
    """The caller's segments (by ``id``) that follow the agent's question for a phone number,
    up to the agent's next turn that neither asks for it nor reads a number back (a
    correction after the read-back answers too)."""
    answers: set[int] = set()
    asked = False
    for seg in segments:
        if seg.speaker == "agent":
            reads_back = asked and digitish(seg.text) >= MIN_DIGITISH
            asked = reads_back or _PHONE_QUESTION_RE.search(seg.text) is not None
        elif asked:
            answers.add(id(seg))
    return answers


def read_number(text: str, prompt: str | None = None) -> str | None:
    """The phone number a reading gives: the first, or the one said after a correction
    (after 不对 or the like, or the first number restated with a digit or two changed).

    Digits of ``prompt`` that Whisper repeated from it instead of listening are no reading.
    """
    return _read(text, prompt)[0]


def _read(text: str, prompt: str | None = None) -> tuple[str | None, str | None]:
    """The number a reading gives (see :func:`read_number`) and the one the caller took back
    for it, if any (the first number said, when a correction replaced it)."""
    shown = "".join(extract_phones(prompt or ""))
    text = _TRAILING_QI_RE.sub(r"\1七", _LATIN_RE.sub("，", text))  # 幺三三Ｅ幺三…: pauses
    text = _QI_AFTER_YAO_RE.sub(lambda m: "七" * len(m.group()), text)
    phones = [p for p in extract_phones(_CUE + text) if not _echoes(p, shown)]
    if not any(len(p) >= FULL_DIGITS for p in phones):
        respelt = _SHI_AS_SI_RE.sub("四", text)
        found = [p for p in extract_phones(_CUE + respelt) if not _echoes(p, shown)]
        if any(len(p) >= FULL_DIGITS for p in found):
            text, phones = respelt, found
    if not phones:
        return None, None
    first = phones[0]
    for correction in reversed(list(_CORRECTION_RE.finditer(text))):
        if correction.start() == 0:
            continue
        after = extract_phones(_CUE + text[correction.end() :])
        corrected = [p for p in after if not _echoes(p, shown)]
        said_before = extract_phones(_CUE + text[: correction.start()])
        before = [p for p in phones if p in said_before]
        if corrected:  # 幺三八…，不对，是幺三九…: the number after the correction
            # taken back: the number said last before the correction (a read-back the caller
            # rejects, …八四五一，对吗？最后一位不对，…八四五七), else the first
            taken = next((p for p in reversed(before) if p != corrected[0]), None)
            return corrected[0], taken or (first if corrected[0] != first else None)
        mended = _mend_group(before[-1], text[correction.end() :]) if before else None
        if mended:  # …四四八七，是吧？不对，最后是四四七八: one group said again
            return mended, before[-1]
    for later in reversed(phones[1:]):
        # The same number said again with a digit or two changed is a correction whose
        # 不对 Whisper lost (…二三八九，部队部队，…二三九八): the later one stands, unless a
        # 不对 follows it with no digit after: a read-back the caller rejected, in a reading
        # that stops before the number said instead (…八九二六。…八九六二，对吗？不对不对).
        if len(later) >= FULL_DIGITS and _restates(later, first):
            if _rejected_at_end(text):
                return first, later
            return later, first
    return first, None


def _trusted(
    readings: list[tuple[str, str, str | None]],
    said: str | None,
    retracted: str | None,
    ending: str | None,
) -> list[tuple[str, str, str | None]]:
    """``readings`` (the transcript's first) less the re-decodings that hear the number the
    caller took back: the ``retracted`` number itself; any number, where the correction
    follows the read-back and the re-decoding heard no correction; one that does not end
    with the digits the caller named (``ending``) where the transcript's does."""
    ending = ending if said and ending and said.endswith(ending) else None
    read_back_corrected = retracted is not None and _corrected_after_read_back(readings[0][1])

    def kept(reading: tuple[str, str, str | None]) -> bool:
        number = reading[2]
        if reading[0] == "transcript" or number is None:
            return True
        if read_back_corrected and not _CORRECTION_RE.search(reading[1]):
            return False  # it heard no correction: it reads the number taken back, misheard
        return number != retracted and (ending is None or number.endswith(ending))

    return [r for r in readings if kept(r)]


def _one_per_prompt(
    readings: list[tuple[str, str, str | None]], variants: Sequence[Variant]
) -> list[tuple[str, str, str | None]]:
    """``readings`` less those that give the same number as an earlier decoding with the
    same prompt (the same prompt slowed down): such decodings share their slips (…六四七八
    heard …六四七幺 by both against the transcript's 8, in every one of the nine calls of
    dev54 to dev57 where the two agreed against a number the transcript read), so their
    agreement is one vote, not two."""
    prompt_of = {v.name: v.prompt for v in variants}
    seen: set[tuple[str | None, str]] = set()
    kept = []
    for name, text, number in readings:
        key = (prompt_of.get(name), number or "")
        if name in prompt_of and number and key in seen:
            continue
        seen.add(key)
        kept.append((name, text, number))
    return kept


def _swaps_for(ending: str | None, said: str | None, retracted: str | None) -> bool:
    """Whether the number taken back, not the one read as said, ends with the digits the
    caller named, the two numbers differing there only (不是9,2054 read as the 2059 said)."""
    if not (ending and said and retracted) or said.endswith(ending):
        return False
    return retracted.endswith(ending) and retracted[: -len(ending)] == said[: -len(ending)]


def _corrected_after_read_back(text: str) -> bool:
    """Whether the last correction in ``text`` follows the last read-back question (…7749，
    对吗？不对，最后是46), not the other way round (说错了，是…3615。我跟您核对一下…，对吗？:
    a reading of that read-back hears the number as corrected)."""
    corrections = [m.start() for m in _CORRECTION_RE.finditer(text) if m.start() > 0]
    asked = [m.end() for m in _READ_BACK_ASKED_RE.finditer(text)]
    return bool(corrections and asked) and corrections[-1] >= asked[-1]


def _named_ending(text: str) -> str | None:
    """The last digit or two of the number as the caller names them after a correction
    (不对，最后一个是9: ``"9"``; a digit as Whisper writes its sound too: 最后一位是死), else
    None."""
    for correction in reversed(list(_CORRECTION_RE.finditer(text))):
        start = correction.end()
        last = _NAMED_LAST_RE.search(text, start, start + _MEND_REACH)
        if last is None:
            continue
        count = _COUNT_VALUES[last.group(1)]
        digits = [_SPOKEN_DIGIT_VALUES.get(ch) or soft_digit(ch) for ch in last.group(2)[:count]]
        if len(digits) == count and all(digits):
            return "".join(d for d in digits if d)
    return None


def _rejected_at_end(text: str) -> bool:
    """Whether a correction (不对) comes after the last digit of ``text``."""
    last = max((i for i, ch in enumerate(text) if ch in _SPOKEN_DIGIT_VALUES), default=-1)
    return any(m.start() > last for m in _CORRECTION_RE.finditer(text))


def _mend_group(number: str, after: str) -> str | None:
    """``number`` with the group of four digits said first in ``after`` put in its place
    (as :func:`_group_said` reads it from a group heard with a digit or two more): the last
    group, or the middle one of a mobile when the caller says 中间; or with its last digit or
    two when the caller names them (最后一位是五). None when ``after`` opens with no such group
    or it changes nothing."""
    if len(number) < FULL_DIGITS:
        return None
    last = _LAST_DIGITS_RE.search(after[:_MEND_REACH])
    if last is not None and len(last.group(2)) >= _COUNT_VALUES[last.group(1)]:
        count = _COUNT_VALUES[last.group(1)]
        digits = "".join(_SPOKEN_DIGIT_VALUES[ch] for ch in last.group(2)[:count])
        mended = number[:-count] + digits
        return mended if mended != number else None
    groups = _groups_from(after)
    named = _LAST_GROUP_RE.search(after[:_LAST_GROUP_REACH])
    if not groups and named is not None:
        after = after[named.end() :]
        groups = _groups_from(after)
    # the first group of four digits or more (最后一位是次，7894: the 一 of 一位 and a
    # misheard digit before it are no group)
    group = next((g for g in groups if len(g.digits) - g.loose_head >= _GROUP_DIGITS), None)
    if group is None:
        return None
    middle = "中间" in after[: group.start] and len(number) == FULL_DIGITS
    said = _group_said(group.digits[group.loose_head :], number[3:7] if middle else number[-4:])
    if said is None:
        return None
    mended = number[:3] + said + number[7:] if middle else number[:-_GROUP_DIGITS] + said
    return mended if mended != number else None


def _group_said(heard: str, old: str) -> str | None:
    """The group of four digits a caller said in place of ``old``, from the digits heard:
    four as heard; of six, the last four (最后是四三幺九 heard 194319: 是 heard as two digits);
    of five, the one digit left out that leaves a slip of ``old`` (one digit changed or two
    neighbours swapped: 74697 for 4697 in place of 4967), when only one does; else None.

    Examples:
        >>> _group_said("7894", "7891"), _group_said("194319", "4379")
        ('7894', '4319')
        >>> _group_said("74697", "4967"), _group_said("02662", "6602")
        ('4697', None)
    """
    if len(heard) == _GROUP_DIGITS:
        return heard
    if len(heard) == _MENDING_DIGITS:
        return heard[-_GROUP_DIGITS:]
    if len(heard) == _GROUP_DIGITS + 1:
        slips = {heard[:i] + heard[i + 1 :] for i in range(len(heard))}
        slips = {d for d in slips if _slip(d, old)}
        return slips.pop() if len(slips) == 1 else None
    return None


def _slip(said: str, old: str) -> bool:
    """Whether ``said`` is ``old`` with one digit changed or two neighbours swapped."""
    wrong = [i for i, (a, b) in enumerate(zip(said, old, strict=True)) if a != b]
    if len(wrong) == 1:
        return True
    if len(wrong) != 2 or wrong[1] != wrong[0] + 1:
        return False
    i, j = wrong
    return said[i] == old[j] and said[j] == old[i]


def _groups_from(after: str) -> list[Group]:
    """The digit groups that begin within :data:`_MEND_REACH` characters of ``after``, each
    read whole."""
    return [g for g in find_groups(after[: _MEND_REACH + _MENDING_DIGITS]) if g.start < _MEND_REACH]


def _restates(later: str, first: str) -> bool:
    """Whether ``later`` is ``first`` with one or two digits changed."""
    if len(later) != len(first):
        return False
    return 0 < sum(a != b for a, b in zip(later, first, strict=True)) <= 2


_SPOKEN_DIGITS = str.maketrans(_SPOKEN_DIGIT_VALUES)
# What may stand between the digit groups of a number read out (Latin letters, as in
# :data:`_LATIN_RE`, are pauses too).
_PAUSES_RE = re.compile(r"[\s,，、\-－A-Za-zＡ-Ｚａ-ｚ]")


def _echoes(number: str, shown: str) -> bool:
    """Whether ``number`` repeats the prompt's number ``shown``: wholly, or in its second or
    last group of a 3-4-4 mobile (Whisper fills a digit it did not hear from the prompt:
    三五五二零九四六 for 三五五二零九幺六 after a prompt ending 零九四六). The first group is
    left out: 138 is a common prefix."""
    if not shown:
        return False
    if number in shown:
        return True
    return len(number) == len(shown) == 11 and (
        number[3:7] == shown[3:7] or number[7:] == shown[7:]
    )


def _direct(text: str, number: str) -> bool:
    """True when ``number`` stands in ``text`` as said, digit by digit, with no repair."""
    return number in re.sub(r"\D", "", text.translate(_SPOKEN_DIGITS))


def vote(
    readings: Sequence[tuple[str, str, str | None]],
    *,
    corrected: bool = False,
    retracted: str | None = None,
) -> str | None:
    """The number the readings support best.

    A full number (a mobile or a landline with its area code) beats a short local one,
    which is usually a variant that caught only part of it; then the number most readings
    support (a short reading supports the full numbers it is part of: 三三六一八零二七 heard
    slowly backs 199 3361 8027 against 199 3361 1802, and a reading that holds a number
    digit by digit backs it whatever number it gave itself); then, unless the caller ``corrected``
    a number (readings of a stretch that stops before the correction hear the groups taken
    back), the one whose last six digits more readings end a run of digits with (a reading
    that lost a digit earlier still heard the end: 要五八，三二七六四九零), then the one whose
    digit groups the readings wrote most often; then one read directly;
    then the earliest reading's. A short reading that is part of the ``retracted`` number
    (the one the caller took back) heard what was taken back and backs nothing.
    """
    corrected = corrected or retracted is not None
    said = [number for _, _, number in readings if number]
    if not said:
        return None
    counts = Counter(said)
    numbers = [*said, *(n for n in _completed(readings) if n not in said)]
    short = [n for n in said if len(n) < FULL_DIGITS and not (retracted and n in retracted)]
    # each reading's text with its digits as digits, and with its pauses (commas, spaces,
    # dashes, stray letters) left out: any other character still breaks a run of digits
    # (三五二十，零三一一 holds no …3520311)
    spoken = [text.translate(_SPOKEN_DIGITS) for _, text, _ in readings]
    unpaused = [_PAUSES_RE.sub("", digits) for digits in spoken]
    given = [m for _, _, m in readings]
    for n in set(numbers):
        if len(n) >= FULL_DIGITS:
            counts[n] += sum(1 for part in short if part in n)
        # a reading that gave no number, or another, may still hold this one digit by digit
        # with only pauses between (158,31172046158,31172046: said twice, run together)
        counts[n] += sum(1 for m, held in zip(given, unpaused, strict=True) if m != n and n in held)
    direct = {n for _, text, n in readings if n and _direct(text, n)}
    heard = [set(re.findall(r"\d+", digits)) for digits in spoken]
    # what each reading holds in a row: its text's digits, and the number it gave
    runs = [f"{held} {m}" for m, held in zip(given, unpaused, strict=True)]
    return max(
        dict.fromkeys(numbers),
        key=lambda n: (
            len(n) >= FULL_DIGITS,
            counts[n],
            0 if corrected else _tail_heard(n, runs),
            0 if corrected else _groups_heard(n, heard),
            n in direct,
            -numbers.index(n),
        ),
    )


def _tail_heard(number: str, runs: list[str]) -> int:
    """How many readings end a run of digits with ``number``'s last digits (``runs``: each
    reading's digits with its pauses left out, and the number it gave)."""
    ending = re.compile(re.escape(number[-_TAIL_HEARD:]) + r"(?!\d)")
    return sum(bool(ending.search(run)) for run in runs)


def _completed(readings: Sequence[tuple[str, str, str | None]]) -> list[str]:
    """Mobile numbers made of a reading's last eight digits and the three-digit head another
    reading said just before them: a decoding of the stretch that caught only the last two
    groups (三二零三六七一五) and a transcript that lost a digit of them (199,3203,675) give
    199 3203 6715 between them. Candidates only: readings must back them in :func:`vote`."""
    tails = {n for _, _, n in readings if n and len(n) == _TAIL_DIGITS}
    found: list[str] = []
    for _, text, _ in readings:
        groups = re.findall(r"\d+", _PAUSES_RE.sub(" ", text.translate(_SPOKEN_DIGITS)))
        for head, after in itertools.pairwise(groups):
            if not _MOBILE_HEAD_RE.fullmatch(head):
                continue
            found.extend(head + tail for tail in sorted(tails) if after.startswith(tail[:4]))
    return list(dict.fromkeys(found))


def _groups_heard(number: str, heard: list[set[str]]) -> int:
    """How many of ``number``'s digit groups (3-4-4, or 4-4-4 with an area code) the
    readings wrote as groups, over all readings: those that gave no number or another one
    still heard some of its groups right (133,6319,8002,000 backs 133 6319 8027, not
    133 6369 8027)."""
    head = 4 if number.startswith("0") else 3
    groups = [number[:head], *(number[k : k + 4] for k in range(head, len(number), 4))]
    return sum(group in said for said in heard for group in groups)


def _agree(readings: Sequence[tuple[str, str, str | None]]) -> bool:
    """True when every reading gives the same number, read directly in each."""
    numbers = {number for _, _, number in readings}
    return (
        len(numbers) == 1
        and None not in numbers
        and all(_direct(text, str(number)) for _, text, number in readings)
    )


def confirm_phone(
    path: Path,
    transcript: Transcript,
    redecode: Redecoder,
    variants: Sequence[Variant] = DIGIT_VARIANTS,
) -> PhoneCheck | None:
    """Decode the stretch holding the caller's number again and vote over the readings.

    When the first variant agrees with the transcript on a number read directly, the
    other variants are skipped (most calls: one extra decoding of a few seconds).

    Args:
        path: The recording.
        transcript: Its transcript.
        redecode: Decodes one stretch in the given variants, lazily
            (``Transcriber.redecode``); the variants it is not asked for are not decoded.
        variants: The variants to try, in order.

    Returns:
        None when no stretch looks like a number being read out.

    Raises:
        AudioError: The recording cannot be read again.
    """
    stretch = phone_stretch(transcript)
    if stretch is None:
        return None
    said, retracted = _read(stretch.text)
    readings: list[tuple[str, str, str | None]] = [("transcript", stretch.text, said)]
    decoded = redecode(path, stretch, variants)  # the stretch is read once
    for i, (variant, (name, text)) in enumerate(zip(variants, decoded, strict=False)):
        readings.append((name, text, read_number(text, variant.prompt)))
        if i == 0 and _agree(readings):
            break  # two independent decodings read the same number as said: settled
    # A decoding that stops before the caller's correction, or misses its 不对, reads the
    # number taken back (…二零九八，不对，我重说，…二零九三; a read-back the caller then
    # corrected, …七七四九，对吗, heard 腰五八，二腰零，七七四九 with a digit lost besides), and one
    # of a read-back the caller corrected by naming the last digit (…四五幺七，对吗？不对，最后
    # 一个是九) hears the digit taken back: neither must outvote the correction.
    ending = _named_ending(stretch.text)
    if _swaps_for(ending, said, retracted):
        said, retracted = retracted, said  # the one with the last digit the caller named
        readings[0] = ("transcript", stretch.text, said)
    counted = _one_per_prompt(_trusted(readings, said, retracted, ending), variants)
    phone = vote(counted, retracted=retracted)
    logger.info("phone check %s: %s -> %s", path.name, readings, phone)
    return PhoneCheck(phone=phone, readings=readings, stretch=stretch)


def with_confirmed(phones: list[str], confirmed: str | None) -> list[str]:
    """``phones`` with the confirmed number first (added if the transcript lacked it)."""
    if not confirmed:
        return phones
    return [confirmed, *[p for p in phones if p != confirmed]]
