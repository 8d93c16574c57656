"""Lifecycle moves of a work order; an illegal move answers 409 with the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Body

from api.crud import workflow as wf
from api.crud.audit import Actor
from api.crud.tickets import ensure_visible, get_ticket, to_public
from api.deps import DepartmentWorker, Operator, SessionDep, TaxonomyDep
from api.models import (
    DispatchRequest,
    MergeRequest,
    ReasonRequest,
    ResolveRequest,
    ReturnRequest,
    Ticket,
    TicketPublic,
    TicketUpdate,
    User,
    VisitRequest,
)

router = APIRouter(prefix="/tickets", tags=["workflow"])


def _act(
    session: SessionDep, number: str, user: User, change: Callable[[Ticket], object]
) -> TicketPublic:
    """Lock the ticket, check the user may see it, apply ``change``, commit."""
    ticket = get_ticket(session=session, number=number, for_update=True)
    ensure_visible(ticket, user)
    change(ticket)
    session.commit()
    return to_public(session=session, ticket=ticket)


@router.post("/{number}/accept")
def accept(
    session: SessionDep,
    taxonomy: TaxonomyDep,
    user: Operator,
    number: str,
    corrections: Annotated[TicketUpdate | None, Body()] = None,
) -> TicketPublic:
    """Confirm a draft, optionally with corrections (kept beside the suggestion)."""
    return _act(
        session,
        number,
        user,
        lambda t: wf.accept_ticket(
            session=session, ticket=t, update=corrections, taxonomy=taxonomy, actor=Actor.of(user)
        ),
    )


@router.post("/{number}/dispatch")
def dispatch(
    session: SessionDep, user: Operator, number: str, body: DispatchRequest | None = None
) -> TicketPublic:
    """Send an accepted work order to its (or another) department."""
    body = body or DispatchRequest()
    return _act(
        session,
        number,
        user,
        lambda t: wf.dispatch_ticket(
            session=session,
            ticket=t,
            department_key=body.department_key,
            reason=body.reason,
            actor=Actor.of(user),
        ),
    )


@router.post("/{number}/start")
def start(session: SessionDep, user: DepartmentWorker, number: str) -> TicketPublic:
    """The department signs for the work order and starts handling it."""
    return _act(
        session,
        number,
        user,
        lambda t: wf.start_ticket(session=session, ticket=t, actor=Actor.of(user)),
    )


@router.post("/{number}/resolve")
def resolve(
    session: SessionDep, user: DepartmentWorker, number: str, body: ResolveRequest
) -> TicketPublic:
    """The department's reply: what was done."""
    return _act(
        session,
        number,
        user,
        lambda t: wf.resolve_ticket(
            session=session, ticket=t, reply=body.reply, actor=Actor.of(user)
        ),
    )


@router.post("/{number}/return")
def return_to_hotline(
    session: SessionDep, user: DepartmentWorker, number: str, body: ReturnRequest
) -> TicketPublic:
    """The department sends the work order back: not its responsibility."""
    return _act(
        session,
        number,
        user,
        lambda t: wf.return_ticket(
            session=session, ticket=t, reason=body.reason, actor=Actor.of(user)
        ),
    )


@router.post("/{number}/visit")
def visit(session: SessionDep, user: Operator, number: str, body: VisitRequest) -> TicketPublic:
    """Record the citizen's satisfaction (1-5) after the reply."""
    return _act(
        session,
        number,
        user,
        lambda t: wf.visit_ticket(
            session=session,
            ticket=t,
            satisfaction=body.satisfaction,
            comment=body.comment,
            actor=Actor.of(user),
        ),
    )


@router.post("/{number}/reopen")
def reopen(
    session: SessionDep,
    taxonomy: TaxonomyDep,
    user: Operator,
    number: str,
    body: ReasonRequest | None = None,
) -> TicketPublic:
    """Send a work order back to its department when the citizen was dissatisfied (<= 2)."""
    reason = body.reason if body else None
    return _act(
        session,
        number,
        user,
        lambda t: wf.reopen_ticket(
            session=session, ticket=t, reason=reason, taxonomy=taxonomy, actor=Actor.of(user)
        ),
    )


@router.post("/{number}/close")
def close(
    session: SessionDep, user: Operator, number: str, body: ReasonRequest | None = None
) -> TicketPublic:
    """Archive a visited work order."""
    reason = body.reason if body else None
    return _act(
        session,
        number,
        user,
        lambda t: wf.close_ticket(session=session, ticket=t, reason=reason, actor=Actor.of(user)),
    )


@router.post("/{number}/merge")
def merge(session: SessionDep, user: Operator, number: str, body: MergeRequest) -> TicketPublic:
    """Merge a duplicate into another open work order (terminal for the duplicate)."""

    def change(ticket: Ticket) -> object:
        into = get_ticket(session=session, number=body.into, for_update=True)
        return wf.merge_ticket(
            session=session, ticket=ticket, into=into, reason=body.reason, actor=Actor.of(user)
        )

    return _act(session, number, user, change)
