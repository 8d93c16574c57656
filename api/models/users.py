"""People who use the service and their bearer tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from api.models.base import UTCDateTime, utcnow


class Role(StrEnum):
    """What a user may do."""

    OPERATOR = "operator"  # hotline operator: intake, accept, dispatch, visit, close
    DEPARTMENT = "department"  # department staff, bound to one department
    SUPERVISOR = "supervisor"  # everything on tickets, statistics
    ANALYST = "analyst"  # read-only tickets and statistics
    ADMIN = "admin"  # everything, including users


ROLE_LABELS: dict[Role, str] = {
    Role.OPERATOR: "话务员",
    Role.DEPARTMENT: "承办部门人员",
    Role.SUPERVISOR: "督办人员",
    Role.ANALYST: "分析人员",
    Role.ADMIN: "系统管理员",
}


class UserBase(SQLModel):
    """Fields a user shares across create / read / update."""

    username: str = Field(min_length=2, max_length=64, unique=True, index=True)
    full_name: str = Field(default="", max_length=64)
    role: Role = Field(sa_type=String(16))
    department_key: str | None = Field(default=None, max_length=32, foreign_key="department.key")
    is_active: bool = True


class User(UserBase, table=True):
    """A person with a login."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=256)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UserCreate(UserBase):
    """What an admin sends to create a user."""

    password: str = Field(min_length=8, max_length=128)


class UserUpdate(SQLModel):
    """What an admin may change (every field optional)."""

    full_name: str | None = None
    role: Role | None = None
    department_key: str | None = None
    is_active: bool | None = None
    password: str | None = Field(default=None, min_length=8, max_length=128)


class UserPublic(UserBase):
    """A user as the API shows it (never the password hash)."""

    id: int
    created_at: datetime


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is stored, so a database leak reveals no token."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked: bool = False


class Token(SQLModel):
    """The answer to a successful login."""

    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    role: Role
