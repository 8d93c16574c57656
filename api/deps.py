"""FastAPI dependencies: settings, database session, pipeline, current user and role checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.config import ApiSettings
from api.crud.users import user_for_token
from api.jobs import JobRunner
from api.models import Role, User
from api.taxonomy import ApiTaxonomy

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def get_settings(request: Request) -> ApiSettings:
    """The settings the app was built with."""
    settings: ApiSettings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    """The database engine opened in ``lifespan``."""
    engine: Engine = request.app.state.engine
    return engine


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    """One session per request; nothing is committed unless a route commits."""
    with Session(engine) as session:
        yield session


def get_taxonomy(request: Request) -> ApiTaxonomy:
    """The taxonomy loaded in ``lifespan``."""
    taxonomy: ApiTaxonomy = request.app.state.taxonomy
    return taxonomy


def get_runner(request: Request) -> JobRunner:
    """The job runner started in ``lifespan``."""
    runner: JobRunner = request.app.state.runner
    return runner


SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
TaxonomyDep = Annotated[ApiTaxonomy, Depends(get_taxonomy)]
RunnerDep = Annotated[JobRunner, Depends(get_runner)]
TokenDep = Annotated[str | None, Depends(oauth2_scheme)]


def get_current_user(session: SessionDep, token: TokenDep) -> User:
    """The user a valid bearer token belongs to; 401 otherwise."""
    user = user_for_token(session=session, token=token) if token else None
    if user is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="未登录或登录已过期，请重新登录",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: Role) -> Callable[[User], User]:
    """A dependency that lets only ``roles`` (and admins) through; 403 otherwise."""
    allowed = frozenset(roles) | {Role.ADMIN}

    def check(user: CurrentUser) -> User:
        if Role(user.role) not in allowed:
            raise HTTPException(
                status_code=status.HTTP_403_FORBIDDEN, detail="当前角色无权执行此操作"
            )
        return user

    return check


# Who may do what (admins may do everything).
StaffReader = Annotated[
    User,
    Depends(require_roles(Role.OPERATOR, Role.DEPARTMENT, Role.SUPERVISOR, Role.ANALYST)),
]
Operator = Annotated[User, Depends(require_roles(Role.OPERATOR, Role.SUPERVISOR))]
DepartmentWorker = Annotated[User, Depends(require_roles(Role.DEPARTMENT, Role.SUPERVISOR))]
Analyst = Annotated[User, Depends(require_roles(Role.ANALYST, Role.SUPERVISOR))]
Admin = Annotated[User, Depends(require_roles())]
