"""The audit trail: every change to a work order, with who, when, from, to and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from api.models import AuditEvent, Ticket, User, utcnow


@dataclass(frozen=True)
class Actor:
    """Who made a change: a user, or the system (the intake worker)."""

    id: int | None
    name: str

    @classmethod
    def of(cls, user: User) -> Actor:
        """The actor for a logged-in user."""
        return cls(id=user.id, name=user.username)


SYSTEM = Actor(id=None, name="system")


def record_event(
    *,
    session: Session,
    ticket: Ticket,
    actor: Actor,
    action: str,
    from_status: str | None,
    to_status: str | None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Add an audit event to the session (committed with the change it describes)."""
    event = AuditEvent(
        ticket_id=ticket.id,
        actor_id=actor.id,
        actor=actor.name,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        detail=detail or {},
        created_at=now or utcnow(),
    )
    session.add(event)
    return event


def list_events(*, session: Session, ticket_id: int) -> list[AuditEvent]:
    """A ticket's audit trail, oldest first."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.ticket_id == ticket_id)
        .order_by(col(AuditEvent.created_at), col(AuditEvent.id))
    )
    return list(session.exec(query).all())
