"""Work orders: creation, lookup, listing with filters and search, and the staff view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, func, select

from api.crud.audit import Actor, record_event
from api.errors import Invalid, NotFound
from api.lifecycle import STATUS_LABELS, Status
from api.models import (
    Department,
    ModelVersion,
    Ticket,
    TicketCreate,
    TicketPublic,
    Transcript,
    User,
    utcnow,
)
from api.models.users import Role
from api.numbering import allocate_number
from api.places import district_of
from api.sla import compute_due, due_soon_clause, is_overdue, overdue_clause
from api.taxonomy import ApiTaxonomy


@dataclass
class Suggestion:
    """What the pipeline proposed for a ticket, kept beside the operator's decision."""

    code: str | None = None
    department: str | None = None
    confidence: float | None = None
    urgent: bool = False
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    model_version: str | None = None
    needs_review: bool = True
    urgency_reasons: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    entities: dict[str, Any] = field(default_factory=dict)


def create_ticket(
    *,
    session: Session,
    ticket_in: TicketCreate,
    taxonomy: ApiTaxonomy,
    tz: ZoneInfo,
    actor: Actor,
    call_id: int | None = None,
    suggestion: Suggestion | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Create a draft work order with its number and due time (not committed).

    Args:
        session: The open session; the caller commits.
        ticket_in: The ticket's fields (category, department, address, ...).
        taxonomy: Sub-categories and SLA hours.
        tz: The hotline's time zone, for the number's date.
        actor: Who creates it (``SYSTEM`` for the intake worker).
        call_id: The call or message it came from.
        suggestion: The pipeline's proposal, kept for corrections and statistics.
        now: Creation time (default: now).
    """
    now = now or utcnow()
    s = suggestion or Suggestion()
    ticket_in = _checked(session, ticket_in, taxonomy)
    sub = taxonomy.subcategory(ticket_in.category_code or "")
    ticket = Ticket.model_validate(
        ticket_in,
        update={
            "number": allocate_number(session=session, tz=tz, now=now),
            "status": Status.DRAFT,
            "call_id": call_id,
            "category_label": sub.label if sub else None,
            "district": ticket_in.district or district_of(ticket_in.address),
            "due_at": compute_due(
                start=now,
                category_code=ticket_in.category_code,
                urgent=ticket_in.urgent,
                taxonomy=taxonomy,
            ),
            "created_at": now,
            "updated_at": now,
            **_suggestion_fields(s),
        },
    )
    session.add(ticket)
    session.flush()
    if s.model_version:
        register_model_version(session=session, version=s.model_version, now=now)
    record_event(
        session=session,
        ticket=ticket,
        actor=actor,
        action="create",
        from_status=None,
        to_status=Status.DRAFT,
        detail={"call_id": call_id, "suggested_code": s.code},
        now=now,
    )
    return ticket


def _checked(session: Session, ticket_in: TicketCreate, taxonomy: ApiTaxonomy) -> TicketCreate:
    """Refuse unknown codes; a category without a department gets the category's own."""
    code, dept = ticket_in.category_code, ticket_in.department_key
    sub = taxonomy.subcategory(code) if code else None
    if code and sub is None:
        raise Invalid(f"分类代码 {code} 不存在")
    if dept and session.get(Department, dept) is None:
        raise Invalid(f"部门 {dept} 不存在")
    if sub is not None and not dept:
        return ticket_in.model_copy(update={"department_key": sub.department})
    return ticket_in


def _suggestion_fields(s: Suggestion) -> dict[str, Any]:
    return {
        "suggested_code": s.code,
        "suggested_department": s.department,
        "suggested_confidence": s.confidence,
        "suggested_urgent": s.urgent,
        "suggested_alternatives": s.alternatives,
        "model_version": s.model_version,
        "needs_review": s.needs_review,
        "urgency_reasons": s.urgency_reasons,
        "keywords": s.keywords,
        "entities": s.entities,
    }


def register_model_version(*, session: Session, version: str, now: datetime) -> None:
    """Remember a model version the first time one of its suggestions is stored."""
    exists = session.exec(select(ModelVersion).where(ModelVersion.version == version)).first()
    if exists is None:
        session.add(ModelVersion(version=version, first_seen_at=now))
        session.flush()


def get_ticket(*, session: Session, number: str, for_update: bool = False) -> Ticket:
    """The ticket with this number (row-locked when ``for_update``); ``NotFound`` otherwise."""
    query = select(Ticket).where(Ticket.number == number)
    if for_update:
        query = query.with_for_update()
    ticket = session.exec(query).first()
    if ticket is None:
        raise NotFound(f"工单 {number} 不存在")
    return ticket


def ensure_visible(ticket: Ticket, user: User) -> None:
    """Department staff see only their department's tickets; others see every ticket."""
    if user.role == Role.DEPARTMENT and ticket.department_key != user.department_key:
        # 404, not 403: do not reveal that a ticket of another department exists.
        raise NotFound(f"工单 {ticket.number} 不存在")
    if user.role == Role.DEPARTMENT and ticket.status == Status.DRAFT:
        raise NotFound(f"工单 {ticket.number} 不存在")


@dataclass
class TicketQuery:
    """Filters of the ticket list; every field optional."""

    status: list[Status] = field(default_factory=list)
    category: str | None = None  # a sub-category code, or a top-level code for all its subs
    department: str | None = None
    district: str | None = None
    urgent: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    text: str | None = None  # searched in number, summary, address and transcript
    overdue: bool = False
    due_within_hours: float | None = None


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(query: TicketQuery, user: User, now: datetime) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if user.role == Role.DEPARTMENT:
        conds.append(col(Ticket.department_key) == user.department_key)
        conds.append(col(Ticket.status) != Status.DRAFT)
    if query.status:
        conds.append(col(Ticket.status).in_([s.value for s in query.status]))
    if query.category:
        if "." in query.category:
            conds.append(col(Ticket.category_code) == query.category)
        else:
            conds.append(
                col(Ticket.category_code).startswith(query.category + ".", autoescape=True)
            )
    if query.department:
        conds.append(col(Ticket.department_key) == query.department)
    if query.district:
        conds.append(col(Ticket.district) == query.district)
    if query.urgent is not None:
        conds.append(col(Ticket.urgent) == query.urgent)
    if query.created_from:
        conds.append(col(Ticket.created_at) >= query.created_from)
    if query.created_to:
        conds.append(col(Ticket.created_at) < query.created_to)
    if query.overdue:
        conds.append(overdue_clause(now))
    if query.due_within_hours is not None:
        conds.append(due_soon_clause(now, query.due_within_hours))
    if query.text:
        pattern = _like_pattern(query.text.strip())
        conds.append(
            or_(
                col(Ticket.number).ilike(pattern, escape="\\"),
                col(Ticket.summary).ilike(pattern, escape="\\"),
                col(Ticket.address).ilike(pattern, escape="\\"),
                col(Transcript.text).ilike(pattern, escape="\\"),
            )
        )
    return conds


ORDERS = ("newest", "urgency")
"""Sort orders of the ticket list: newest first, or urgent first then the nearest due time."""


def _order_by(order: str) -> list[Any]:
    if order == "urgency":
        return [
            col(Ticket.urgent).desc(),
            col(Ticket.due_at).asc().nulls_last(),
            col(Ticket.created_at).asc(),
            col(Ticket.id).asc(),
        ]
    if order != "newest":
        raise Invalid(f"未知的排序方式 {order}（可选：{'、'.join(ORDERS)}）")
    return [col(Ticket.created_at).desc(), col(Ticket.id).desc()]


def list_tickets(
    *,
    session: Session,
    query: TicketQuery,
    user: User,
    limit: int,
    offset: int,
    now: datetime | None = None,
    order: str = "newest",
) -> tuple[list[Ticket], int]:
    """A page of tickets the user may see and how many match in all.

    ``order`` is ``newest`` (newest first) or ``urgency`` (urgent first, then by due time).
    """
    now = now or utcnow()
    conds = _conditions(query, user, now)
    base = select(Ticket).outerjoin(Transcript, col(Transcript.call_id) == col(Ticket.call_id))
    base = base.where(*conds)
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    rows = session.exec(base.order_by(*_order_by(order)).limit(limit).offset(offset)).all()
    return list(rows), total


def to_public(*, session: Session, ticket: Ticket, now: datetime | None = None) -> TicketPublic:
    """The staff view of a ticket, with labels and the overdue flag filled in."""
    now = now or utcnow()
    dept = session.get(Department, ticket.department_key) if ticket.department_key else None
    merged = session.get(Ticket, ticket.merged_into_id) if ticket.merged_into_id else None
    return TicketPublic.model_validate(
        ticket,
        update={
            "status_label": STATUS_LABELS[Status(ticket.status)],
            "department_name": dept.name if dept else None,
            "overdue": is_overdue(ticket, now),
            "merged_into": merged.number if merged else None,
        },
    )
