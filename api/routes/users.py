"""User management (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api.crud.users import create_user, get_user, list_users, update_user
from api.deps import Admin, SessionDep
from api.models import Page, UserCreate, UserPublic, UserUpdate

router = APIRouter(prefix="/users", tags=["users"])


@router.get("")
def read_users(
    session: SessionDep,
    admin: Admin,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[UserPublic]:
    """List users."""
    users, total = list_users(session=session, limit=limit, offset=offset)
    items = [UserPublic.model_validate(u) for u in users]
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.post("", status_code=status.HTTP_201_CREATED)
def add_user(session: SessionDep, admin: Admin, user_in: UserCreate) -> UserPublic:
    """Create a user (department staff must name their department)."""
    return UserPublic.model_validate(create_user(session=session, user_in=user_in))


@router.patch("/{user_id}")
def change_user(session: SessionDep, admin: Admin, user_id: int, user_in: UserUpdate) -> UserPublic:
    """Change a user's role, department, status or password."""
    user = get_user(session=session, user_id=user_id)
    return UserPublic.model_validate(update_user(session=session, user=user, user_in=user_in))
