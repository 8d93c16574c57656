"""What analysts read out of the work orders: training data, drift, model audit events.

* **Export**: confirmed tickets (accepted or later, not merged) that came from a call or a
  message, with the caller's words (personal data masked), the final sub-category and
  whether an operator corrected the suggestion; deduplicated by normalised text, the latest
  decision winning.
* **Drift**: per ISO week (local calendar) and per category, how often operators corrected
  the suggestion and how often the model asked for review, with alert flags.
* **Model events**: promotions, overrides, rollbacks and retrainings as audit events
  without a ticket (``action`` starting with ``model_``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel, col, select

from api.config import ApiSettings, get_api_settings
from api.crud.audit import Actor
from api.db import make_engine
from api.lifecycle import Status
from api.masking import mask_text
from api.models import AuditEvent, Ticket, Transcript, TranscriptSegment, utcnow
from api.taxonomy import ApiTaxonomy
from asr.postprocess import join_texts
from classify.export import LabelledExample, deduplicate, write_export_file

logger = logging.getLogger(__name__)

CONFIRMED = (
    Status.ACCEPTED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.RESOLVED,
    Status.VISITED,
    Status.CLOSED,
)
MODEL_ACTION_PREFIX = "model_"


# -- export -----------------------------------------------------------------------------


@dataclass
class ExportSummary:
    """Counts of one export."""

    rows: int
    corrected: int
    duplicates: int
    conflicts: int


def _caller_texts(session: Session, transcript_ids: list[int]) -> dict[int, str]:
    """Caller-only text per transcript, where segments carry speaker labels."""
    if not transcript_ids:
        return {}
    rows = session.exec(
        select(TranscriptSegment)
        .where(col(TranscriptSegment.transcript_id).in_(transcript_ids))
        .where(TranscriptSegment.speaker == "caller")
        .order_by(col(TranscriptSegment.transcript_id), col(TranscriptSegment.position))
    ).all()
    parts: dict[int, list[str]] = defaultdict(list)
    for seg in rows:
        parts[seg.transcript_id].append(seg.text)
    # Joined as asr.types.Transcript.caller_text joins them, which the model reads at run time.
    return {tid: join_texts(texts) for tid, texts in parts.items()}


def _names(ticket: Ticket) -> list[str]:
    names = list((ticket.entities or {}).get("names") or [])
    return [n for n in [ticket.caller_name, *names] if n]


def confirmed_examples(
    *,
    session: Session,
    start: datetime | None = None,
    end: datetime | None = None,
    only_corrected: bool = False,
) -> tuple[list[LabelledExample], ExportSummary]:
    """Confirmed tickets as masked, deduplicated training examples.

    Args:
        session: An open session (read only).
        start: Only tickets accepted at or after this time.
        end: Only tickets accepted before this time.
        only_corrected: Only tickets whose category an operator changed.

    Returns:
        The examples, oldest decision first, and the export's counts.
    """
    query = (
        select(Ticket, Transcript)
        .join(Transcript, col(Transcript.call_id) == col(Ticket.call_id))
        .where(col(Ticket.status).in_([s.value for s in CONFIRMED]))
        .where(col(Ticket.category_code).is_not(None))
    )
    if start is not None:
        query = query.where(col(Ticket.accepted_at) >= start)
    if end is not None:
        query = query.where(col(Ticket.accepted_at) < end)
    rows = session.exec(query.order_by(col(Ticket.accepted_at), col(Ticket.id))).all()
    caller = _caller_texts(session, [t.id for _, t in rows if t.id is not None])
    examples = []
    for ticket, transcript in rows:
        text = caller.get(transcript.id or -1) or transcript.text
        masked = (mask_text(text, _names(ticket)) or "").strip()
        corrected = bool(ticket.suggested_code) and ticket.category_code != ticket.suggested_code
        if not masked or (only_corrected and not corrected):
            continue
        examples.append(
            LabelledExample(
                text=masked,
                label=ticket.category_code or "",
                corrected=corrected,
                suggested_code=ticket.suggested_code,
                model_version=ticket.model_version,
            )
        )
    kept, stats = deduplicate(examples)
    summary = ExportSummary(
        rows=len(kept),
        corrected=sum(1 for e in kept if e.corrected),
        duplicates=stats.duplicates,
        conflicts=stats.conflicts,
    )
    return kept, summary


def export_training_file(
    out: Path | str,
    *,
    settings: ApiSettings | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    only_corrected: bool = False,
) -> ExportSummary:
    """The ``minsheng export-training`` command: write confirmed tickets as a TSV file.

    Args:
        out: The TSV file to write (``label``, ``text``, ``category``, ``corrected``,
            ``suggested_code``, ``model_version``).
        settings: Where the database is (the environment when None).
        start, end: Window on the acceptance time.
        only_corrected: Only tickets whose category an operator changed.
    """
    settings = settings or get_api_settings()
    engine = make_engine(settings.database_url, **settings.engine_options())
    try:
        with Session(engine) as session:
            examples, summary = confirmed_examples(
                session=session, start=start, end=end, only_corrected=only_corrected
            )
    finally:
        engine.dispose()
    write_export_file(examples, out)
    logger.info("exported %d examples (%d corrected) to %s", summary.rows, summary.corrected, out)
    return summary


# -- drift ------------------------------------------------------------------------------


class DriftCell(SQLModel):
    """One ISO week (and one category, or all of them): how the suggestions fared."""

    week: str
    week_start: date
    category_code: str | None = None
    category_label: str | None = None
    tickets: int = 0
    confirmed: int = 0
    corrected: int = 0
    correction_rate: float | None = None
    needs_review: int = 0
    needs_review_rate: float | None = None
    alert: bool = False
    alerts: list[str] = []


class DriftWeek(DriftCell):
    """A week in total, with its categories."""

    categories: list[DriftCell] = []


class DriftReport(SQLModel):
    """Correction and review rates per week and category, and whether any crossed a limit."""

    correction_alert: float
    review_alert: float
    min_tickets: int
    weeks: list[DriftWeek]
    alert: bool
    alerts: list[str]


@dataclass(frozen=True)
class DriftLimits:
    """When a cell raises the alert."""

    correction_rate: float = 0.2
    review_rate: float = 0.5
    min_tickets: int = 10


def _fill(cell: DriftCell, tickets: list[Ticket], limits: DriftLimits) -> DriftCell:
    confirmed = [t for t in tickets if t.status in CONFIRMED]
    cell.tickets = len(tickets)
    cell.confirmed = len(confirmed)
    cell.corrected = sum(1 for t in confirmed if t.category_code != t.suggested_code)
    cell.needs_review = sum(1 for t in tickets if t.needs_review)
    cell.correction_rate = round(cell.corrected / cell.confirmed, 4) if confirmed else None
    cell.needs_review_rate = round(cell.needs_review / cell.tickets, 4) if tickets else None
    where = f"{cell.week} {cell.category_code or '全部'}"
    alerts = []
    if (
        cell.confirmed >= limits.min_tickets
        and (cell.correction_rate or 0) > limits.correction_rate
    ):
        alerts.append(
            f"{where}：更正率 {cell.correction_rate:.0%}（阈值 {limits.correction_rate:.0%}）"
        )
    if cell.tickets >= limits.min_tickets and (cell.needs_review_rate or 0) > limits.review_rate:
        alerts.append(
            f"{where}：待复核率 {cell.needs_review_rate:.0%}（阈值 {limits.review_rate:.0%}）"
        )
    cell.alerts, cell.alert = alerts, bool(alerts)
    return cell


def drift_report(
    *,
    session: Session,
    taxonomy: ApiTaxonomy,
    tz: ZoneInfo,
    limits: DriftLimits,
    start: datetime | None = None,
    end: datetime | None = None,
) -> DriftReport:
    """Correction rate and ``needs_review`` rate per ISO week and per category.

    Covers tickets created in ``[start, end)`` that carry a model suggestion (merged
    duplicates left out). The correction rate is over confirmed tickets (accepted or later):
    final category differs from the suggestion. The category of a cell is the ticket's
    current category (the operator's decision once confirmed). Weeks use the local calendar.
    """
    query = select(Ticket).where(
        col(Ticket.suggested_code).is_not(None), col(Ticket.status) != Status.MERGED
    )
    if start is not None:
        query = query.where(col(Ticket.created_at) >= start)
    if end is not None:
        query = query.where(col(Ticket.created_at) < end)
    by_week: dict[tuple[int, int], list[Ticket]] = defaultdict(list)
    for ticket in session.exec(query).all():
        iso = ticket.created_at.astimezone(tz).isocalendar()
        by_week[(iso.year, iso.week)].append(ticket)
    weeks = [_week(key, tickets, taxonomy, limits) for key, tickets in sorted(by_week.items())]
    alerts = [a for w in weeks for a in w.alerts + [x for c in w.categories for x in c.alerts]]
    return DriftReport(
        correction_alert=limits.correction_rate,
        review_alert=limits.review_rate,
        min_tickets=limits.min_tickets,
        weeks=weeks,
        alert=bool(alerts),
        alerts=alerts,
    )


def _week(
    key: tuple[int, int], tickets: list[Ticket], taxonomy: ApiTaxonomy, limits: DriftLimits
) -> DriftWeek:
    year, week = key
    label, monday = f"{year}-W{week:02d}", date.fromisocalendar(year, week, 1)
    by_code: dict[str, list[Ticket]] = defaultdict(list)
    for t in tickets:
        by_code[t.category_code or ""].append(t)
    categories = []
    for code, rows in sorted(by_code.items()):
        sub = taxonomy.subcategory(code) if code else None
        cell = DriftCell(
            week=label,
            week_start=monday,
            category_code=code or None,
            category_label=sub.label if sub else None,
        )
        categories.append(_fill(cell, rows, limits))
    total = _fill(DriftCell(week=label, week_start=monday), tickets, limits)
    return DriftWeek(**total.model_dump(), categories=categories)


# -- model events -----------------------------------------------------------------------


def record_model_event(
    *,
    session: Session,
    actor: Actor,
    action: str,
    version: str | None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Add an audit event about a model (no ticket); the caller commits."""
    event = AuditEvent(
        ticket_id=None,
        actor_id=actor.id,
        actor=actor.name,
        action=MODEL_ACTION_PREFIX + action,
        reason=reason,
        detail={"version": version, **(detail or {})},
        created_at=now or utcnow(),
    )
    session.add(event)
    return event


def list_model_events(*, session: Session, limit: int = 100) -> list[AuditEvent]:
    """Model audit events, newest first."""
    query = (
        select(AuditEvent)
        .where(col(AuditEvent.ticket_id).is_(None))
        .where(col(AuditEvent.action).startswith(MODEL_ACTION_PREFIX))
        .order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc())
        .limit(limit)
    )
    return list(session.exec(query).all())
