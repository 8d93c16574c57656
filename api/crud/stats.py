"""Supervision figures: how departments handle their tickets, and where problems cluster.

Handling-time percentiles are computed in Python over the period's rows (portable between
SQLite and PostgreSQL); counts by district and category are grouped in SQL.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime

from sqlmodel import Session, col, func, select

from api.lifecycle import Status
from api.models import Department, DepartmentStats, HotspotRow, Ticket, utcnow
from api.sla import is_overdue
from api.taxonomy import ApiTaxonomy


def percentile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) with linear interpolation; ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def department_stats(
    *,
    session: Session,
    start: datetime | None,
    end: datetime | None,
    now: datetime | None = None,
) -> list[DepartmentStats]:
    """Per department, for tickets dispatched to it in ``[start, end)``.

    received: tickets dispatched; resolved: replied to; on_time: replied by the due time;
    overdue: replied late or still open past due; handling time: dispatch to reply, hours;
    mean_satisfaction: over visited tickets; reopen_rate: reopened / received.
    """
    now = now or utcnow()
    query = select(Ticket).where(
        col(Ticket.dispatched_at).is_not(None), col(Ticket.status) != Status.MERGED
    )
    if start is not None:
        query = query.where(col(Ticket.dispatched_at) >= start)
    if end is not None:
        query = query.where(col(Ticket.dispatched_at) < end)
    by_dept: dict[str, list[Ticket]] = defaultdict(list)
    for ticket in session.exec(query).all():
        if ticket.department_key:
            by_dept[ticket.department_key].append(ticket)
    names = {d.key: d.name for d in session.exec(select(Department)).all()}
    return [
        _one_department(key, names.get(key, key), tickets, now)
        for key, tickets in sorted(by_dept.items())
    ]


def _one_department(key: str, name: str, tickets: list[Ticket], now: datetime) -> DepartmentStats:
    resolved = [t for t in tickets if t.resolved_at is not None]
    hours = [
        (t.resolved_at - t.dispatched_at).total_seconds() / 3600
        for t in resolved
        if t.resolved_at is not None and t.dispatched_at is not None
    ]
    on_time = sum(1 for t in resolved if not is_overdue(t, now))
    scores = [float(t.satisfaction) for t in tickets if t.satisfaction is not None]
    return DepartmentStats(
        department_key=key,
        department_name=name,
        received=len(tickets),
        resolved=len(resolved),
        on_time=on_time,
        overdue=sum(1 for t in tickets if is_overdue(t, now)),
        mean_handling_hours=_round(_mean(hours)),
        p90_handling_hours=_round(percentile(hours, 0.9)),
        mean_satisfaction=_round(_mean(scores)),
        reopen_rate=_round(sum(1 for t in tickets if t.reopen_count > 0) / len(tickets), 4),
    )


def hotspots(
    *,
    session: Session,
    taxonomy: ApiTaxonomy,
    start: datetime | None,
    end: datetime | None,
    limit: int = 50,
) -> list[HotspotRow]:
    """Ticket counts by district and category for tickets created in ``[start, end)``."""
    count = func.count(col(Ticket.id))
    query = (
        select(Ticket.district, Ticket.category_code, count)
        .where(col(Ticket.status) != Status.MERGED)
        .group_by(col(Ticket.district), col(Ticket.category_code))
    )
    if start is not None:
        query = query.where(col(Ticket.created_at) >= start)
    if end is not None:
        query = query.where(col(Ticket.created_at) < end)
    query = query.order_by(count.desc(), col(Ticket.district), col(Ticket.category_code))
    rows = session.exec(query.limit(limit)).all()
    result = []
    for district, code, n in rows:
        sub = taxonomy.subcategory(code or "")
        result.append(
            HotspotRow(
                district=district or "未知区县",
                category_code=code,
                category_label=sub.label if sub else None,
                count=n,
            )
        )
    return result
