"""Time limits (SLA): when a work order is due and which ones are late or nearly late.

The limit is counted in calendar hours from the moment the ticket was created (for a
reopened ticket: from the reopening), using the sub-category's ``sla_hours`` or, for urgent
tickets, ``urgent_sla_hours``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_
from sqlmodel import col

from api.lifecycle import OPEN
from api.models import Ticket
from api.taxonomy import ApiTaxonomy


def compute_due(
    *, start: datetime, category_code: str | None, urgent: bool, taxonomy: ApiTaxonomy
) -> datetime | None:
    """When a ticket started at ``start`` is due; ``None`` while its category is unknown."""
    hours = taxonomy.sla_hours(category_code, urgent=urgent)
    return None if hours is None else start + timedelta(hours=hours)


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    """Late now: still open past its due time, or replied after it."""
    if ticket.due_at is None:
        return False
    if ticket.status in OPEN:
        return now > ticket.due_at
    return ticket.resolved_at is not None and ticket.resolved_at > ticket.due_at


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """SQL condition: open and past due at ``now``."""
    return and_(col(Ticket.status).in_([s.value for s in OPEN]), col(Ticket.due_at) < now)


def due_soon_clause(now: datetime, hours: float) -> ColumnElement[bool]:
    """SQL condition: open, not yet due, and due within ``hours`` of ``now``."""
    return and_(
        col(Ticket.status).in_([s.value for s in OPEN]),
        col(Ticket.due_at) >= now,
        col(Ticket.due_at) <= now + timedelta(hours=hours),
    )
