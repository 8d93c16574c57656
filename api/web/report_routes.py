"""Dashboard figures: ticket volume over time, and CSV exports of the supervision tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.crud.stats import department_stats, hotspots
from api.deps import Analyst, SessionDep, SettingsDep, TaxonomyDep
from api.models import utcnow
from api.web.reports import (
    VolumeReport,
    departments_csv,
    hotspots_csv,
    volume_by_category,
    volume_csv,
)

router = APIRouter(prefix="/stats", tags=["stats"])

DEFAULT_DAYS = 30

From = Annotated[datetime | None, Query(alias="from", description="起始时间（含），默认 30 天前")]
To = Annotated[datetime | None, Query(alias="to", description="截止时间（不含），默认现在")]
Level = Annotated[Literal["top", "sub"], Query(description="top 按大类，sub 按子类")]
Report = Annotated[
    Literal["departments", "hotspots", "volume"],
    Query(description="departments 部门考核；hotspots 区县热点；volume 每日工单量"),
]


def _period(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """The period asked for; naive times are taken as UTC, missing ends default."""
    end = end or utcnow()
    start = start or end - timedelta(days=DEFAULT_DAYS)
    return _aware(start), _aware(end)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@router.get("/volume")
def read_volume(
    session: SessionDep,
    settings: SettingsDep,
    taxonomy: TaxonomyDep,
    user: Analyst,
    start: From = None,
    end: To = None,
    level: Level = "top",
) -> VolumeReport:
    """Tickets created per local day and category (merged duplicates left out)."""
    start, end = _period(start, end)
    return volume_by_category(
        session=session, taxonomy=taxonomy, tz=settings.tz, start=start, end=end, level=level
    )


@router.get(
    "/export.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV（带 BOM）"}},
)
def export_csv(
    session: SessionDep,
    settings: SettingsDep,
    taxonomy: TaxonomyDep,
    user: Analyst,
    report: Report,
    start: From = None,
    end: To = None,
    level: Level = "top",
) -> Response:
    """One supervision table as a CSV file (departments, hotspots or daily volume)."""
    start, end = _period(start, end)
    if report == "departments":
        text = departments_csv(department_stats(session=session, start=start, end=end))
    elif report == "hotspots":
        rows = hotspots(session=session, taxonomy=taxonomy, start=start, end=end, limit=500)
        text = hotspots_csv(rows)
    else:
        volume = volume_by_category(
            session=session, taxonomy=taxonomy, tz=settings.tz, start=start, end=end, level=level
        )
        text = volume_csv(volume)
    day = end.astimezone(settings.tz).strftime("%Y%m%d")
    return Response(
        content=text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="minsheng-{report}-{day}.csv"',
            "Cache-Control": "private, no-store",
        },
    )
