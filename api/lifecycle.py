"""The work-order lifecycle as an explicit state machine.

::

    draft -accept-> accepted -dispatch-> dispatched -start-> in_progress -resolve-> resolved
    resolved -visit(satisfaction 1..5)-> visited -close-> closed
    dispatched / in_progress -return_to_hotline-> accepted    (department: wrong department)
    visited (satisfaction <= 2) -reopen-> dispatched           (citizen dissatisfied)
    any open state -merge-> merged                             (duplicate of another ticket)

``closed`` and ``merged`` are terminal. This module is pure: it decides whether a move is
allowed and where it leads; ``api.crud.workflow`` applies it and writes the audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """Where a work order stands."""

    DRAFT = "draft"
    ACCEPTED = "accepted"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    VISITED = "visited"
    CLOSED = "closed"
    MERGED = "merged"


STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "待受理",
    Status.ACCEPTED: "已受理",
    Status.DISPATCHED: "已派单",
    Status.IN_PROGRESS: "办理中",
    Status.RESOLVED: "已办结",
    Status.VISITED: "已回访",
    Status.CLOSED: "已归档",
    Status.MERGED: "已合并",
}

TERMINAL: frozenset[Status] = frozenset({Status.CLOSED, Status.MERGED})
OPEN: frozenset[Status] = frozenset(
    {Status.DRAFT, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS}
)
"""States in which the SLA clock runs (the department has not replied yet)."""

REOPEN_MAX_SATISFACTION = 2
"""A visit scoring this or less lets the ticket be reopened."""


class Action(StrEnum):
    """What someone does to a work order."""

    ACCEPT = "accept"
    DISPATCH = "dispatch"
    START = "start"
    RESOLVE = "resolve"
    RETURN = "return_to_hotline"
    VISIT = "visit"
    REOPEN = "reopen"
    CLOSE = "close"
    MERGE = "merge"


ACTION_LABELS: dict[Action, str] = {
    Action.ACCEPT: "受理",
    Action.DISPATCH: "派单",
    Action.START: "签收办理",
    Action.RESOLVE: "办结答复",
    Action.RETURN: "退回热线",
    Action.VISIT: "回访",
    Action.REOPEN: "重新派单",
    Action.CLOSE: "归档",
    Action.MERGE: "合并",
}


@dataclass(frozen=True)
class Transition:
    """A move: the states it may start from and the state it leads to."""

    sources: frozenset[Status]
    target: Status


TRANSITIONS: dict[Action, Transition] = {
    Action.ACCEPT: Transition(frozenset({Status.DRAFT}), Status.ACCEPTED),
    Action.DISPATCH: Transition(frozenset({Status.ACCEPTED}), Status.DISPATCHED),
    Action.START: Transition(frozenset({Status.DISPATCHED}), Status.IN_PROGRESS),
    Action.RESOLVE: Transition(frozenset({Status.IN_PROGRESS}), Status.RESOLVED),
    Action.RETURN: Transition(frozenset({Status.DISPATCHED, Status.IN_PROGRESS}), Status.ACCEPTED),
    Action.VISIT: Transition(frozenset({Status.RESOLVED}), Status.VISITED),
    Action.REOPEN: Transition(frozenset({Status.VISITED}), Status.DISPATCHED),
    Action.CLOSE: Transition(frozenset({Status.VISITED}), Status.CLOSED),
    Action.MERGE: Transition(OPEN | {Status.RESOLVED, Status.VISITED}, Status.MERGED),
}


class IllegalTransition(ValueError):
    """The requested move is not allowed from the ticket's current state (HTTP 409)."""


def next_status(
    current: Status | str, action: Action | str, *, satisfaction: int | None = None
) -> Status:
    """Decide where ``action`` leads from ``current``.

    Args:
        current: The ticket's status now.
        action: The requested move.
        satisfaction: The latest visit score; required to decide ``reopen``.

    Returns:
        The new status.

    Raises:
        IllegalTransition: With a Chinese reason when the move is not allowed.
    """
    current = Status(current)
    action = Action(action)
    rule = TRANSITIONS[action]
    label = ACTION_LABELS[action]
    if current in TERMINAL:
        raise IllegalTransition(f"工单已{STATUS_LABELS[current]}，不能再{label}")
    if current not in rule.sources:
        allowed = "、".join(STATUS_LABELS[s] for s in sorted(rule.sources, key=_order))
        raise IllegalTransition(
            f"工单当前为“{STATUS_LABELS[current]}”，不能{label}（仅限{allowed}状态）"
        )
    if action is Action.REOPEN and (satisfaction is None or satisfaction > REOPEN_MAX_SATISFACTION):
        raise IllegalTransition(
            f"只有回访满意度不高于 {REOPEN_MAX_SATISFACTION} 分的工单才能重新派单"
        )
    return rule.target


def allowed_actions(current: Status | str, *, satisfaction: int | None = None) -> list[Action]:
    """Every action that ``next_status`` would accept from ``current``."""
    result = []
    for action in Action:
        try:
            next_status(current, action, satisfaction=satisfaction)
        except IllegalTransition:
            continue
        result.append(action)
    return result


def _order(status: Status) -> int:
    return list(Status).index(status)
