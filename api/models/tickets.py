"""Work orders (工单) and what happens to them: corrections, audit events, feedback."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, String, Text
from sqlmodel import Field, SQLModel

from api.lifecycle import Status
from api.models.base import UTCDateTime, utcnow
from api.models.calls import Channel


class TicketBase(SQLModel):
    """Fields an operator can see and set on a work order."""

    channel: Channel = Field(default=Channel.PHONE, sa_type=String(16))
    category_code: str | None = Field(default=None, max_length=64, index=True)
    department_key: str | None = Field(
        default=None, max_length=32, foreign_key="department.key", index=True
    )
    urgent: bool = False
    address: str | None = Field(default=None, max_length=256)
    district: str | None = Field(default=None, max_length=32, index=True)
    caller_phone: str | None = Field(default=None, max_length=32)
    caller_name: str | None = Field(default=None, max_length=64)
    summary: str = Field(default="", sa_type=Text)


class Ticket(TicketBase, table=True):
    """A work order: the pipeline's suggestion, the operator's decision, the department's reply."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True, index=True)
    status: Status = Field(default=Status.DRAFT, sa_type=String(16), index=True)
    # Unique: one call makes at most one work order, however often its job runs.
    call_id: int | None = Field(default=None, foreign_key="call.id", unique=True, index=True)
    category_label: str | None = Field(default=None, max_length=64)
    urgency_reasons: list[str] = Field(default_factory=list, sa_type=JSON)
    keywords: list[str] = Field(default_factory=list, sa_type=JSON)
    entities: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    # The pipeline's suggestion, kept as it was made.
    suggested_code: str | None = Field(default=None, max_length=64)
    suggested_department: str | None = Field(default=None, max_length=32)
    suggested_confidence: float | None = None
    suggested_urgent: bool = False
    suggested_alternatives: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    model_version: str | None = Field(default=None, max_length=128)
    needs_review: bool = True
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    dispatched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    visited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reply: str | None = Field(default=None, sa_type=Text)
    satisfaction: int | None = None
    reopen_count: int = 0
    return_count: int = 0
    merged_into_id: int | None = Field(default=None, foreign_key="ticket.id")


class TicketCreate(TicketBase):
    """A work order an operator types in by hand (walk-in, letter)."""

    summary: str = Field(min_length=1, max_length=5000)


class TicketUpdate(SQLModel):
    """An operator's corrections; every field optional, ``reason`` goes to the audit trail."""

    category_code: str | None = None
    department_key: str | None = None
    urgent: bool | None = None
    address: str | None = Field(default=None, max_length=256)
    district: str | None = Field(default=None, max_length=32)
    caller_phone: str | None = Field(default=None, max_length=32)
    caller_name: str | None = Field(default=None, max_length=64)
    summary: str | None = Field(default=None, max_length=5000)
    reason: str | None = Field(default=None, max_length=500)


class TicketPublic(TicketBase):
    """A work order as staff see it."""

    id: int
    number: str
    status: Status
    status_label: str = ""
    call_id: int | None
    category_label: str | None
    department_name: str | None = None
    urgency_reasons: list[str]
    keywords: list[str]
    suggested_code: str | None
    suggested_department: str | None
    suggested_confidence: float | None
    model_version: str | None
    needs_review: bool
    due_at: datetime | None
    overdue: bool = False
    created_at: datetime
    updated_at: datetime
    accepted_at: datetime | None
    dispatched_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    reply: str | None
    satisfaction: int | None
    reopen_count: int
    merged_into: str | None = None


class TicketCounter(SQLModel, table=True):
    """The last sequence number handed out on one local calendar day."""

    __tablename__ = "ticket_counter"

    day: date = Field(primary_key=True, sa_type=Date)
    last: int = 0


class Correction(SQLModel, table=True):
    """An operator's decision next to the suggestion it replaced (training data)."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    suggested_code: str | None = Field(default=None, max_length=64)
    suggested_department: str | None = Field(default=None, max_length=32)
    suggested_confidence: float | None = None
    suggested_urgent: bool | None = None
    model_version: str | None = Field(default=None, max_length=128)
    final_code: str | None = Field(default=None, max_length=64)
    final_department: str | None = Field(default=None, max_length=32)
    final_urgent: bool | None = None
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    reason: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CorrectionPublic(SQLModel):
    """A correction as the API shows it."""

    id: int
    user_id: int | None
    suggested_code: str | None
    suggested_department: str | None
    suggested_confidence: float | None
    model_version: str | None
    final_code: str | None
    final_department: str | None
    final_urgent: bool | None
    changes: dict[str, Any]
    reason: str | None
    created_at: datetime


class AuditEvent(SQLModel, table=True):
    """Who did what to a work order, when, from which state to which, and why."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    actor: str = Field(max_length=64)  # username, or "system" for the intake worker
    action: str = Field(max_length=32)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str | None = Field(default=None, max_length=16)
    reason: str | None = Field(default=None, sa_type=Text)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class AuditEventPublic(SQLModel):
    """An audit event as the API shows it."""

    id: int
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    reason: str | None
    detail: dict[str, Any]
    created_at: datetime


class Feedback(SQLModel, table=True):
    """A citizen's verdict when contacted after the department replied (回访)."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    satisfaction: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, sa_type=Text)
    recorded_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PublicTicket(SQLModel):
    """What a citizen sees about their own work order: masked, no internal fields."""

    number: str
    status: str
    status_label: str
    category: str | None
    department: str | None
    summary: str
    reply: str | None
    created_at: datetime
    due_at: datetime | None
    resolved_at: datetime | None
