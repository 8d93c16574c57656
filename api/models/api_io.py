"""Request and response shapes that are not tables: pages, action bodies, statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from api.models.calls import TranscriptPublic
from api.models.tickets import TicketPublic

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: the items, how many match in all, and the window asked for."""

    items: list[T]
    total: int
    limit: int
    offset: int


class TicketDetail(TicketPublic):
    """A ticket with its transcript, the runner-up suggestions and what can be done next."""

    transcript: TranscriptPublic | None = None
    suggested_alternatives: list[dict[str, object]] = Field(default_factory=list)
    entities: dict[str, object] = Field(default_factory=dict)  # phones, addresses, names
    allowed_actions: list[str] = Field(default_factory=list)


class DispatchRequest(SQLModel):
    """Send to a department (default: the one already on the ticket)."""

    department_key: str | None = None
    reason: str | None = Field(default=None, max_length=500)


class ResolveRequest(SQLModel):
    """The department's reply to the citizen."""

    reply: str = Field(min_length=2, max_length=5000)


class ReturnRequest(SQLModel):
    """Why the department sends the ticket back to the hotline."""

    reason: str = Field(min_length=2, max_length=500)


class VisitRequest(SQLModel):
    """The citizen's verdict when contacted."""

    satisfaction: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)


class ReasonRequest(SQLModel):
    """An optional reason for the audit trail."""

    reason: str | None = Field(default=None, max_length=500)


class MergeRequest(SQLModel):
    """Merge this ticket into another (its duplicate)."""

    into: str = Field(min_length=1, max_length=20)
    reason: str | None = Field(default=None, max_length=500)


class DepartmentStats(SQLModel):
    """How one department handled the tickets it received in a period."""

    department_key: str
    department_name: str
    received: int
    resolved: int
    on_time: int
    overdue: int
    mean_handling_hours: float | None
    p90_handling_hours: float | None
    mean_satisfaction: float | None
    reopen_rate: float | None


class HotspotRow(SQLModel):
    """How many tickets one district had in one category."""

    district: str
    category_code: str | None
    category_label: str | None
    count: int


class StatsPeriod(SQLModel):
    """The period statistics were computed over."""

    start: datetime | None
    end: datetime | None
