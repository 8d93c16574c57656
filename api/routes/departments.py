"""Departments (seeded from the taxonomy)."""

from __future__ import annotations

from fastapi import APIRouter

from api.crud.org import list_departments
from api.deps import CurrentUser, SessionDep
from api.models import DepartmentPublic

router = APIRouter(prefix="/departments", tags=["departments"])


@router.get("")
def read_departments(session: SessionDep, user: CurrentUser) -> list[DepartmentPublic]:
    """List the active departments."""
    return [DepartmentPublic.model_validate(d) for d in list_departments(session=session)]
