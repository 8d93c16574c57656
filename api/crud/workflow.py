"""Operator corrections and lifecycle moves; each change writes its audit event.

The caller loads the ticket with ``for_update=True`` and commits; these functions only change
rows in the session, so a refused move (``IllegalTransition`` -> 409) leaves nothing behind.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from api.crud.audit import Actor, record_event
from api.errors import Conflict, Invalid
from api.lifecycle import (
    STATUS_LABELS,
    TERMINAL,
    Action,
    IllegalTransition,
    Status,
    next_status,
)
from api.models import Correction, Department, Feedback, Ticket, TicketUpdate, utcnow
from api.places import district_of
from api.sla import compute_due
from api.taxonomy import ApiTaxonomy

CORRECTABLE = frozenset({Status.DRAFT, Status.ACCEPTED})
_CLEARABLE = frozenset({"address", "district", "caller_phone", "caller_name"})
_TRACKED = (
    "category_code",
    "department_key",
    "urgent",
    "address",
    "district",
    "caller_phone",
    "caller_name",
    "summary",
)


def _changes_from(
    session: Session, ticket: Ticket, update: TicketUpdate, taxonomy: ApiTaxonomy
) -> dict[str, Any]:
    data = update.model_dump(exclude_unset=True, exclude={"reason"})
    # An explicit null clears only optional contact fields; it cannot un-set the category.
    data = {k: v for k, v in data.items() if v is not None or k in _CLEARABLE}
    code = data.get("category_code")
    if code is not None and taxonomy.subcategory(code) is None:
        raise Invalid(f"分类代码 {code} 不存在")
    if code is not None and code != ticket.category_code and "department_key" not in data:
        # A new category brings its own department unless the operator chose one.
        sub = taxonomy.subcategory(code)
        assert sub is not None
        data["department_key"] = sub.department
    dept = data.get("department_key")
    if dept is not None and session.get(Department, dept) is None:
        raise Invalid(f"部门 {dept} 不存在")
    if "address" in data and "district" not in data:
        data["district"] = district_of(data["address"])
    return {k: v for k, v in data.items() if getattr(ticket, k) != v}


def correct_ticket(
    *,
    session: Session,
    ticket: Ticket,
    update: TicketUpdate,
    taxonomy: ApiTaxonomy,
    actor: Actor,
    now: datetime | None = None,
) -> Correction | None:
    """Apply an operator's corrections; keep them beside the suggestion in a ``Correction``.

    Returns:
        The correction row, or ``None`` when nothing changed.

    Raises:
        Conflict: The ticket is past acceptance (use return-to-hotline to change it).
        Invalid: Unknown category code or department.
    """
    now = now or utcnow()
    if Status(ticket.status) not in CORRECTABLE:
        raise Conflict(
            f"工单当前为“{STATUS_LABELS[Status(ticket.status)]}”，只有待受理或已受理的工单可以修改"
        )
    changes = _changes_from(session, ticket, update, taxonomy)
    if not changes:
        return None
    diff = {k: [getattr(ticket, k), v] for k, v in changes.items() if k in _TRACKED}
    ticket.sqlmodel_update(changes)
    if "category_code" in changes:
        sub = taxonomy.subcategory(ticket.category_code or "")
        ticket.category_label = sub.label if sub else None
    if {"category_code", "urgent"} & changes.keys():
        ticket.due_at = compute_due(
            start=ticket.created_at,
            category_code=ticket.category_code,
            urgent=ticket.urgent,
            taxonomy=taxonomy,
        )
    ticket.updated_at = now
    session.add(ticket)
    correction = _correction_row(ticket, actor, diff, update.reason, now)
    session.add(correction)
    record_event(
        session=session,
        ticket=ticket,
        actor=actor,
        action="correct",
        from_status=ticket.status,
        to_status=ticket.status,
        reason=update.reason,
        detail={"changes": diff},
        now=now,
    )
    return correction


def _correction_row(
    ticket: Ticket, actor: Actor, diff: dict[str, Any], reason: str | None, now: datetime
) -> Correction:
    """The operator's decision beside the suggestion it replaces."""
    return Correction(
        ticket_id=ticket.id or 0,
        user_id=actor.id,
        suggested_code=ticket.suggested_code,
        suggested_department=ticket.suggested_department,
        suggested_confidence=ticket.suggested_confidence,
        suggested_urgent=ticket.suggested_urgent,
        model_version=ticket.model_version,
        final_code=ticket.category_code,
        final_department=ticket.department_key,
        final_urgent=ticket.urgent,
        changes=diff,
        reason=reason,
        created_at=now,
    )


def _move(
    session: Session,
    ticket: Ticket,
    action: Action,
    actor: Actor,
    now: datetime,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> Status:
    """Check and apply one lifecycle move, writing its audit event."""
    before = Status(ticket.status)
    after = next_status(before, action, satisfaction=ticket.satisfaction)
    ticket.status = after
    ticket.updated_at = now
    session.add(ticket)
    record_event(
        session=session,
        ticket=ticket,
        actor=actor,
        action=action.value,
        from_status=before,
        to_status=after,
        reason=reason,
        detail=detail,
        now=now,
    )
    return after


def accept_ticket(
    *,
    session: Session,
    ticket: Ticket,
    update: TicketUpdate | None,
    taxonomy: ApiTaxonomy,
    actor: Actor,
    now: datetime | None = None,
) -> Ticket:
    """Operator confirms (optionally corrects) a draft: draft -> accepted."""
    now = now or utcnow()
    next_status(ticket.status, Action.ACCEPT)  # refuse before touching anything
    if update is not None:
        correct_ticket(
            session=session, ticket=ticket, update=update, taxonomy=taxonomy, actor=actor, now=now
        )
    if not ticket.category_code or not ticket.department_key:
        raise Invalid("受理前必须确定诉求分类和承办部门")
    _move(
        session,
        ticket,
        Action.ACCEPT,
        actor,
        now,
        reason=update.reason if update else None,
        detail={"category_code": ticket.category_code, "department_key": ticket.department_key},
    )
    ticket.accepted_at = now
    return ticket


def dispatch_ticket(
    *,
    session: Session,
    ticket: Ticket,
    department_key: str | None,
    actor: Actor,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Send an accepted ticket to a department: accepted -> dispatched."""
    now = now or utcnow()
    next_status(ticket.status, Action.DISPATCH)
    dept = department_key or ticket.department_key
    if not dept or session.get(Department, dept) is None:
        raise Invalid("派单必须指定有效的承办部门")
    ticket.department_key = dept
    _move(session, ticket, Action.DISPATCH, actor, now, reason, {"department_key": dept})
    ticket.dispatched_at = now
    return ticket


def start_ticket(
    *, session: Session, ticket: Ticket, actor: Actor, now: datetime | None = None
) -> Ticket:
    """The department takes the ticket on: dispatched -> in_progress."""
    now = now or utcnow()
    _move(session, ticket, Action.START, actor, now)
    ticket.started_at = now
    return ticket


def resolve_ticket(
    *, session: Session, ticket: Ticket, reply: str, actor: Actor, now: datetime | None = None
) -> Ticket:
    """The department replies: in_progress -> resolved."""
    now = now or utcnow()
    _move(session, ticket, Action.RESOLVE, actor, now, detail={"reply": reply})
    ticket.reply = reply
    ticket.resolved_at = now
    return ticket


def return_ticket(
    *, session: Session, ticket: Ticket, reason: str, actor: Actor, now: datetime | None = None
) -> Ticket:
    """The department says it is not theirs: dispatched/in_progress -> accepted."""
    now = now or utcnow()
    _move(
        session,
        ticket,
        Action.RETURN,
        actor,
        now,
        reason,
        {"department_key": ticket.department_key},
    )
    ticket.return_count += 1
    ticket.started_at = None
    return ticket


def visit_ticket(
    *,
    session: Session,
    ticket: Ticket,
    satisfaction: int,
    comment: str | None,
    actor: Actor,
    now: datetime | None = None,
) -> Ticket:
    """Record the citizen's verdict: resolved -> visited."""
    now = now or utcnow()
    if not 1 <= satisfaction <= 5:
        raise Invalid("满意度必须是 1 到 5 之间的整数")
    _move(session, ticket, Action.VISIT, actor, now, comment, {"satisfaction": satisfaction})
    ticket.satisfaction = satisfaction
    ticket.visited_at = now
    session.add(
        Feedback(
            ticket_id=ticket.id or 0,
            satisfaction=satisfaction,
            comment=comment,
            recorded_by_id=actor.id,
            created_at=now,
        )
    )
    return ticket


def reopen_ticket(
    *,
    session: Session,
    ticket: Ticket,
    reason: str | None,
    taxonomy: ApiTaxonomy,
    actor: Actor,
    now: datetime | None = None,
) -> Ticket:
    """Dissatisfied citizen: visited (satisfaction <= 2) -> dispatched, with a fresh due time."""
    now = now or utcnow()
    _move(
        session,
        ticket,
        Action.REOPEN,
        actor,
        now,
        reason,
        {"satisfaction": ticket.satisfaction, "department_key": ticket.department_key},
    )
    ticket.reopen_count += 1
    ticket.resolved_at = None
    ticket.started_at = None
    ticket.due_at = compute_due(
        start=now, category_code=ticket.category_code, urgent=ticket.urgent, taxonomy=taxonomy
    )
    return ticket


def close_ticket(
    *,
    session: Session,
    ticket: Ticket,
    reason: str | None,
    actor: Actor,
    now: datetime | None = None,
) -> Ticket:
    """Archive a visited ticket: visited -> closed."""
    now = now or utcnow()
    _move(session, ticket, Action.CLOSE, actor, now, reason)
    ticket.closed_at = now
    return ticket


def merge_ticket(
    *,
    session: Session,
    ticket: Ticket,
    into: Ticket,
    reason: str | None,
    actor: Actor,
    now: datetime | None = None,
) -> Ticket:
    """Mark ``ticket`` a duplicate of ``into``: any open state -> merged (terminal)."""
    now = now or utcnow()
    if into.id == ticket.id:
        raise IllegalTransition("工单不能合并到自身")
    if Status(into.status) in TERMINAL:
        raise IllegalTransition(
            f"目标工单 {into.number} 已{STATUS_LABELS[Status(into.status)]}，不能合并到它"
        )
    _move(session, ticket, Action.MERGE, actor, now, reason, {"into": into.number})
    ticket.merged_into_id = into.id
    ticket.closed_at = now
    record_event(
        session=session,
        ticket=into,
        actor=actor,
        action="merge_in",
        from_status=into.status,
        to_status=into.status,
        reason=reason,
        detail={"from": ticket.number},
        now=now,
    )
    return ticket


def list_corrections(*, session: Session, ticket_id: int) -> list[Correction]:
    """A ticket's corrections, oldest first."""
    query = select(Correction).where(Correction.ticket_id == ticket_id).order_by(col(Correction.id))
    return list(session.exec(query).all())
