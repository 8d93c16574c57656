"""Supervision statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.crud.org import model_version_stats
from api.crud.stats import department_stats, hotspots
from api.deps import Analyst, SessionDep, TaxonomyDep
from api.models import DepartmentStats, HotspotRow, ModelVersionPublic

router = APIRouter(prefix="/stats", tags=["stats"])

From = Annotated[datetime | None, Query(alias="from", description="起始时间（含）")]
To = Annotated[datetime | None, Query(alias="to", description="截止时间（不含）")]


@router.get("/departments")
def read_department_stats(
    session: SessionDep, user: Analyst, start: From = None, end: To = None
) -> list[DepartmentStats]:
    """Per department: received, on time, overdue, handling time, satisfaction, reopen rate."""
    return department_stats(session=session, start=start, end=end)


@router.get("/hotspots")
def read_hotspots(
    session: SessionDep,
    taxonomy: TaxonomyDep,
    user: Analyst,
    start: From = None,
    end: To = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[HotspotRow]:
    """Where problems cluster: ticket counts by district and category, largest first."""
    return hotspots(session=session, taxonomy=taxonomy, start=start, end=end, limit=limit)


@router.get("/models")
def read_model_stats(session: SessionDep, user: Analyst) -> list[ModelVersionPublic]:
    """Model versions with how many suggestions operators changed."""
    return model_version_stats(session=session)
