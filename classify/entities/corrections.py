"""How a caller takes back what they said, as Whisper writes it on the phone line.

One vocabulary for every reader of a correction: the house number taken back
(:mod:`classify.entities.address`), the village taken back, and the phone number taken back
(:mod:`pipeline.phones`). Each reader builds its own pattern from these pieces, since what
may stand around the cue differs (a house number follows its cue at once; a phone's
correction may name only the group it mends).
"""

from __future__ import annotations

# 不对, which Whisper writes 补队, 部队, 补兑 or 无对 on an 8 kHz line (哎，不对不对 -> 埃补队补队).
NOT_RIGHT = "[不补部无][对队兑]"
# The caller saying outright that they misspoke.
SAID_WRONG = "说错了|说差了"
# ... or that they swapped digits (381, not 318).
SAID_SWAPPED = "说反了|说倒了|念反了|反了"
# 哎 before the cue, as Whisper writes it (唉, 埃, 挨, 艾, 哀, 爱).
HEY = "[哎唉埃挨艾哀爱]"
# Any of the three: the caller taking something back.
TAKE_BACK = f"{NOT_RIGHT}|{SAID_WRONG}|{SAID_SWAPPED}"
# Words that begin a correction before the new value (不对，应该是…; 应 heard alone too).
SHOULD_BE = "应该是"
