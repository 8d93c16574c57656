"""Figures the dashboard draws that the stats API lacks, and CSV exports of all of them.

Volume over time is bucketed by the hotline's local calendar day in Python (portable between
SQLite and PostgreSQL, whose date functions and time-zone handling differ); a dashboard period
holds thousands of rows, not millions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel, col, select

from api.errors import Invalid
from api.lifecycle import Status
from api.models import DepartmentStats, HotspotRow, Ticket
from api.taxonomy import ApiTaxonomy

MAX_DAYS = 366
UNCATEGORISED = ("uncategorised", "未分类")


class VolumeSeries(SQLModel):
    """Daily ticket counts of one category (one number per day of ``VolumeReport.days``)."""

    code: str
    label: str
    counts: list[int]
    total: int


class VolumeReport(SQLModel):
    """Tickets created per local day and category over a period."""

    start: datetime
    end: datetime
    level: str
    days: list[date]
    series: list[VolumeSeries]
    total: int


def local_days(start: datetime, end: datetime, tz: ZoneInfo) -> list[date]:
    """Every local calendar day that ``[start, end)`` touches, in order."""
    first = start.astimezone(tz).date()
    last = (end - timedelta(microseconds=1)).astimezone(tz).date()
    if last < first:
        return []
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _category_of(code: str | None, taxonomy: ApiTaxonomy, level: str) -> tuple[str, str]:
    sub = taxonomy.subcategory(code or "")
    if sub is None:
        return UNCATEGORISED
    return (sub.top, sub.top_label) if level == "top" else (sub.code, sub.label)


def volume_by_category(
    *,
    session: Session,
    taxonomy: ApiTaxonomy,
    tz: ZoneInfo,
    start: datetime,
    end: datetime,
    level: str = "top",
) -> VolumeReport:
    """Count tickets created in ``[start, end)`` per local day and category.

    Args:
        session: The open session.
        taxonomy: For category labels.
        tz: The hotline's time zone (days are its calendar days).
        start: Start of the period (inclusive, timezone-aware).
        end: End of the period (exclusive).
        level: ``top`` for the top-level categories, ``sub`` for sub-categories.

    Raises:
        Invalid: Unknown level, an empty or reversed period, or one longer than a year.
    """
    if level not in ("top", "sub"):
        raise Invalid(f"未知的分类层级 {level}（可选：top 大类、sub 子类）")
    days = local_days(start, end, tz)
    if not days:
        raise Invalid("统计区间为空：截止时间应晚于起始时间")
    if len(days) > MAX_DAYS:
        raise Invalid(f"统计区间过长：最多 {MAX_DAYS} 天")
    rows = session.exec(
        select(Ticket.created_at, Ticket.category_code).where(
            col(Ticket.status) != Status.MERGED,
            col(Ticket.created_at) >= start,
            col(Ticket.created_at) < end,
        )
    ).all()
    index = {d: i for i, d in enumerate(days)}
    counts: dict[tuple[str, str], list[int]] = {}
    for created_at, code in rows:
        key = _category_of(code, taxonomy, level)
        day = index.get(created_at.astimezone(tz).date())
        if day is not None:
            counts.setdefault(key, [0] * len(days))[day] += 1
    series = [
        VolumeSeries(code=code, label=label, counts=values, total=sum(values))
        for (code, label), values in counts.items()
    ]
    series.sort(key=lambda s: (-s.total, s.code))
    return VolumeReport(
        start=start,
        end=end,
        level=level,
        days=days,
        series=series,
        total=sum(s.total for s in series),
    )


def _safe_cell(value: object) -> object:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text with a UTF-8 byte-order mark, so spreadsheet programs read the Chinese."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row])
    return "\ufeff" + buf.getvalue()


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.4f}" if whole else ""


def departments_csv(stats: list[DepartmentStats]) -> str:
    """The department scorecards as CSV (on-time rate = on time / resolved)."""
    header = [
        "部门代码",
        "承办部门",
        "派单数",
        "办结数",
        "按时办结数",
        "超时数",
        "按时办结率",
        "平均办理时长（小时）",
        "P90办理时长（小时）",
        "平均满意度",
        "重办率",
    ]
    rows = [
        [
            s.department_key,
            s.department_name,
            s.received,
            s.resolved,
            s.on_time,
            s.overdue,
            _rate(s.on_time, s.resolved),
            s.mean_handling_hours,
            s.p90_handling_hours,
            s.mean_satisfaction,
            s.reopen_rate,
        ]
        for s in stats
    ]
    return to_csv(header, rows)


def hotspots_csv(rows: list[HotspotRow]) -> str:
    """The hotspot table as CSV."""
    return to_csv(
        ["区县", "分类代码", "分类", "工单数"],
        [[r.district, r.category_code, r.category_label, r.count] for r in rows],
    )


def volume_csv(report: VolumeReport) -> str:
    """Daily volume as CSV: one row per day and category (long format)."""
    rows = [
        [day.isoformat(), s.code, s.label, s.counts[i]]
        for i, day in enumerate(report.days)
        for s in report.series
    ]
    return to_csv(["日期", "分类代码", "分类", "工单数"], rows)
