"""Departments that handle work orders, and the models that made suggestions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from api.models.base import UTCDateTime, utcnow


class DepartmentBase(SQLModel):
    """A responsible department (承办部门), seeded from the taxonomy."""

    key: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=64)
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)
    active: bool = True


class Department(DepartmentBase, table=True):
    """A department row; ``key`` is the taxonomy's stable key (``gas``, ``police``)."""


class DepartmentPublic(DepartmentBase):
    """A department as the API shows it."""


class ModelVersion(SQLModel, table=True):
    """A classifier version seen in a suggestion, so corrections can be traced to it."""

    __tablename__ = "model_version"

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(max_length=128, unique=True, index=True)
    first_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ModelVersionPublic(SQLModel):
    """A model version with how its suggestions fared against operators' corrections."""

    version: str
    first_seen_at: datetime
    suggestions: int
    corrected: int
