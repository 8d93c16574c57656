"""Transparency: a citizen looks up their own work order (no login, personal data masked)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.crud.public import public_ticket
from api.deps import SessionDep
from api.models import PublicTicket

router = APIRouter(prefix="/public", tags=["public"])


@router.get("/tickets/{number}")
def read_public_ticket(
    session: SessionDep,
    number: str,
    phone_last4: Annotated[str, Query(pattern=r"^\d{4}$", description="来电号码后四位")],
) -> PublicTicket:
    """Status, category, department and reply of one's own work order (masked)."""
    return public_ticket(session=session, number=number, phone_last4=phone_last4)
