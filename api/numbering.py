"""Ticket numbers people can read aloud: local date + daily sequence, e.g. ``20261129-0007``.

One counter row per day. ``UPDATE ... SET last = last + 1 RETURNING last`` takes the row lock
(PostgreSQL) or the database write lock (SQLite), so concurrent allocations queue and each
gets its own number; the unique index on ``ticket.number`` is the last line of defence. The
counter moves in the caller's transaction: a rolled-back ticket gives its number back.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from api.models import TicketCounter, utcnow


def format_number(day: date, seq: int) -> str:
    """``20261129-0007`` (the sequence widens past 9999 rather than wrapping)."""
    return f"{day:%Y%m%d}-{seq:04d}"


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar date of ``moment`` in the hotline's time zone."""
    return moment.astimezone(tz).date()


def allocate_number(*, session: Session, tz: ZoneInfo, now: datetime | None = None) -> str:
    """Reserve the next ticket number of the local day ``now`` falls on.

    Args:
        session: The session whose transaction will also insert the ticket.
        tz: The hotline's time zone (numbers follow its calendar).
        now: The moment of creation (default: now).

    Returns:
        The formatted number, unique once the transaction commits.
    """
    day = local_day(now or utcnow(), tz)
    table = TicketCounter.__table__  # type: ignore[attr-defined]
    bump = update(table).where(table.c.day == day).values(last=table.c.last + 1)
    seq = session.execute(bump.returning(table.c.last)).scalar_one_or_none()
    if seq is None:
        dialect = session.get_bind().dialect.name
        insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
        # Two first-of-the-day allocations may race to create the row: one inserts, the other
        # does nothing, and both then increment under the lock.
        session.execute(insert_fn(table).values(day=day, last=0).on_conflict_do_nothing())
        seq = session.execute(bump.returning(table.c.last)).scalar_one()
    return format_number(day, seq)
