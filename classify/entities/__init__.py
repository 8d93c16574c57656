"""Facts in a caller's words: phone numbers, ID numbers, addresses and the caller's name.

Each extractor works on the transcript as Whisper writes it (simplified Chinese, digits in any
form, homophones in place names) and is pure Python with no model to load.
"""

from __future__ import annotations

from classify.entities.address import (
    Address,
    extract_addresses,
    parse_addresses,
    with_readback,
)
from classify.entities.idcard import extract_id_numbers, is_valid_id_number, mask_id_number
from classify.entities.names import extract_names
from classify.entities.phones import extract_phones, mask_phone
from classify.types import Entities

__all__ = [
    "Address",
    "extract_addresses",
    "extract_entities",
    "extract_id_numbers",
    "extract_names",
    "extract_phones",
    "is_valid_id_number",
    "mask_id_number",
    "mask_phone",
    "parse_addresses",
    "with_readback",
]


def extract_entities(text: str, agent_text: str = "") -> Entities:
    """Phones, addresses, names and ID numbers said in ``text``.

    Args:
        text: The caller's words as transcribed.
        agent_text: The agent's words, when the speakers are told apart: an address the
            agent reads back leads when it is more complete (:func:`with_readback`).

    Returns:
        An :class:`~classify.types.Entities` with each list deduplicated and in order of
        appearance; addresses in their canonical string form.
    """
    return Entities(
        phones=extract_phones(text),
        addresses=with_readback(extract_addresses(text), extract_addresses(agent_text)),
        names=extract_names(text),
        id_numbers=extract_id_numbers(text),
    )
