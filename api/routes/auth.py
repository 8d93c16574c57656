"""Log in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from api.crud.users import authenticate, issue_token, revoke_token
from api.deps import CurrentUser, SessionDep, SettingsDep, TokenDep
from api.models import Role, Token, UserPublic

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token")
def login(
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    """Exchange a username and password for a bearer token."""
    user = authenticate(session=session, username=form.username, password=form.password)
    if user is None:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="用户名或密码错误")
    token, expires_at = issue_token(session=session, user=user, ttl_hours=settings.token_ttl_hours)
    return Token(access_token=token, expires_at=expires_at, role=Role(user.role))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(session: SessionDep, user: CurrentUser, token: TokenDep) -> None:
    """Revoke the bearer token used for this request."""
    if token:
        revoke_token(session=session, token=token)


@router.get("/me")
def me(user: CurrentUser) -> UserPublic:
    """The logged-in user."""
    return UserPublic.model_validate(user)
