"""The citizen's view of a work order: only public fields, personal data masked."""

from __future__ import annotations

import hmac
import re

from sqlmodel import Session, select

from api.errors import NotFound
from api.lifecycle import STATUS_LABELS, Status
from api.masking import mask_text
from api.models import Department, PublicTicket, Ticket


def _known_names(ticket: Ticket) -> list[str]:
    names = [ticket.caller_name or ""]
    names += [str(n) for n in (ticket.entities or {}).get("names", [])]
    return [n for n in names if n]


def public_ticket(*, session: Session, number: str, phone_last4: str) -> PublicTicket:
    """A work order as its caller may see it; ``NotFound`` when the number or phone is wrong.

    A wrong phone answers exactly like an unknown number, so the lookup does not reveal
    whether a ticket exists.
    """
    not_found = NotFound("未找到该工单，请核对工单号和来电号码后四位")
    ticket = session.exec(select(Ticket).where(Ticket.number == number)).first()
    if ticket is None:
        raise not_found
    digits = re.sub(r"\D", "", ticket.caller_phone or "")
    if len(digits) < 4 or not hmac.compare_digest(digits[-4:], phone_last4):
        raise not_found
    names = _known_names(ticket)
    dept = session.get(Department, ticket.department_key) if ticket.department_key else None
    status = Status(ticket.status)
    return PublicTicket(
        number=ticket.number,
        status=status.value,
        status_label=STATUS_LABELS[status],
        category=ticket.category_label,
        # The department is only public once the ticket was sent to it.
        department=dept.name if dept and ticket.dispatched_at else None,
        summary=mask_text(ticket.summary, names) or "",
        reply=mask_text(ticket.reply, names),
        created_at=ticket.created_at,
        due_at=ticket.due_at,
        resolved_at=ticket.resolved_at,
    )
