"""Work orders: list, search, read, correct, and their audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from api.crud.audit import Actor, list_events
from api.crud.calls import get_transcript
from api.crud.tickets import (
    TicketQuery,
    create_ticket,
    ensure_visible,
    get_ticket,
    list_tickets,
    to_public,
)
from api.crud.workflow import correct_ticket, list_corrections
from api.deps import Operator, SessionDep, SettingsDep, StaffReader, TaxonomyDep
from api.lifecycle import Status, allowed_actions
from api.models import (
    AuditEventPublic,
    CorrectionPublic,
    Page,
    Ticket,
    TicketCreate,
    TicketDetail,
    TicketPublic,
    TicketUpdate,
)

router = APIRouter(prefix="/tickets", tags=["tickets"])


@router.get("")
def read_tickets(
    session: SessionDep,
    user: StaffReader,
    status: Annotated[list[Status] | None, Query(description="状态，可多选")] = None,
    category: Annotated[str | None, Query(description="子类代码或大类代码")] = None,
    department: Annotated[str | None, Query(description="承办部门代码")] = None,
    district: Annotated[str | None, Query(description="区县，如 裕华区")] = None,
    urgent: bool | None = None,
    created_from: Annotated[datetime | None, Query(alias="from")] = None,
    created_to: Annotated[datetime | None, Query(alias="to")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="在工单号、内容、地址、录音文字中搜索")
    ] = None,
    overdue: Annotated[bool, Query(description="只看已超时未办结的")] = False,
    due_within_hours: Annotated[float | None, Query(gt=0, description="只看此时长内到期的")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    order: Annotated[
        Literal["newest", "urgency"],
        Query(description="排序：newest 最新在前；urgency 紧急在前、再按到期时间"),
    ] = "newest",
) -> Page[TicketPublic]:
    """List work orders with filters, search and pagination (newest first by default)."""
    query = TicketQuery(
        status=status or [],
        category=category,
        department=department,
        district=district,
        urgent=urgent,
        created_from=created_from,
        created_to=created_to,
        text=q,
        overdue=overdue,
        due_within_hours=due_within_hours,
    )
    rows, total = list_tickets(
        session=session, query=query, user=user, limit=limit, offset=offset, order=order
    )
    items = [to_public(session=session, ticket=t) for t in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/overdue")
def read_overdue(
    session: SessionDep,
    user: StaffReader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[TicketPublic]:
    """Open work orders past their due time."""
    rows, total = list_tickets(
        session=session, query=TicketQuery(overdue=True), user=user, limit=limit, offset=offset
    )
    return Page(
        items=[to_public(session=session, ticket=t) for t in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/due-soon")
def read_due_soon(
    session: SessionDep,
    settings: SettingsDep,
    user: StaffReader,
    hours: Annotated[float | None, Query(gt=0)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[TicketPublic]:
    """Open work orders due within ``hours`` (default from settings)."""
    query = TicketQuery(due_within_hours=hours or settings.soon_due_hours)
    rows, total = list_tickets(session=session, query=query, user=user, limit=limit, offset=offset)
    return Page(
        items=[to_public(session=session, ticket=t) for t in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def add_ticket(
    session: SessionDep,
    settings: SettingsDep,
    taxonomy: TaxonomyDep,
    user: Operator,
    ticket_in: TicketCreate,
) -> TicketPublic:
    """Create a draft work order by hand (walk-in, letter)."""
    ticket = create_ticket(
        session=session,
        ticket_in=ticket_in,
        taxonomy=taxonomy,
        tz=settings.tz,
        actor=Actor.of(user),
    )
    session.commit()
    return to_public(session=session, ticket=ticket)


@router.get("/{number}")
def read_ticket(session: SessionDep, user: StaffReader, number: str) -> TicketDetail:
    """One work order with its transcript and the actions possible now."""
    ticket = get_ticket(session=session, number=number)
    ensure_visible(ticket, user)
    return _detail(session, ticket)


@router.patch("/{number}")
def update_ticket(
    session: SessionDep,
    taxonomy: TaxonomyDep,
    user: Operator,
    number: str,
    update: TicketUpdate,
) -> TicketDetail:
    """Correct category, department, urgency, address or caller details before dispatch."""
    ticket = get_ticket(session=session, number=number, for_update=True)
    correct_ticket(
        session=session, ticket=ticket, update=update, taxonomy=taxonomy, actor=Actor.of(user)
    )
    session.commit()
    return _detail(session, ticket)


@router.get("/{number}/audit")
def read_audit(session: SessionDep, user: StaffReader, number: str) -> list[AuditEventPublic]:
    """The audit trail: who changed what, when, from which state to which, and why."""
    ticket = get_ticket(session=session, number=number)
    ensure_visible(ticket, user)
    assert ticket.id is not None
    events = list_events(session=session, ticket_id=ticket.id)
    return [AuditEventPublic.model_validate(e) for e in events]


@router.get("/{number}/corrections")
def read_corrections(session: SessionDep, user: StaffReader, number: str) -> list[CorrectionPublic]:
    """Operators' corrections next to the pipeline's suggestion."""
    ticket = get_ticket(session=session, number=number)
    ensure_visible(ticket, user)
    rows = list_corrections(session=session, ticket_id=ticket.id or 0)
    return [CorrectionPublic.model_validate(c) for c in rows]


def _detail(session: SessionDep, ticket: Ticket) -> TicketDetail:
    public = to_public(session=session, ticket=ticket)
    transcript = get_transcript(session=session, call_id=ticket.call_id) if ticket.call_id else None
    actions = allowed_actions(ticket.status, satisfaction=ticket.satisfaction)
    return TicketDetail.model_validate(
        public,
        update={
            "transcript": transcript,
            "suggested_alternatives": ticket.suggested_alternatives,
            "entities": ticket.entities or {},
            "allowed_actions": [a.value for a in actions],
        },
    )
