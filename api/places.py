"""Pull the district (区/县) out of a free-text address, for filters and hotspot statistics."""

from __future__ import annotations

import re

_CANDIDATE_RE = re.compile(r"[^省市州盟\s\d，,。]{1,5}?(?:区|县)")
# Parts of an address that end in 区 but are not districts.
_NOT_DISTRICT = (
    "小区",
    "社区",
    "园区",
    "校区",
    "街区",
    "景区",
    "厂区",
    "营区",
    "城区",
    "片区",
    "新区",
)


def district_of(address: str | None) -> str | None:
    """The first district or county named in ``address``, e.g. ``裕华区``; ``None`` if none.

    ``高新区`` style development zones count (``新区`` alone does not).
    """
    if not address:
        return None
    for match in _CANDIDATE_RE.finditer(address):
        name = match.group(0)
        if name.endswith("新区") and len(name) > 2:
            return name
        if not name.endswith(_NOT_DISTRICT):
            return name
    return None
