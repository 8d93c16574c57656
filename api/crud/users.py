"""Users, password checks and bearer tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, func, select

from api.errors import Conflict, Invalid, NotFound
from api.models import ApiToken, Department, Role, User, UserCreate, UserUpdate, utcnow
from api.security import hash_password, new_token, token_digest, verify_password

# Verifying against a dummy hash keeps a wrong username as slow as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password")


def get_user_by_username(*, session: Session, username: str) -> User | None:
    """The user with this username, or ``None``."""
    return session.exec(select(User).where(User.username == username)).first()


def get_user(*, session: Session, user_id: int) -> User:
    """The user with this id; ``NotFound`` otherwise."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("用户不存在")
    return user


def list_users(*, session: Session, limit: int, offset: int) -> tuple[list[User], int]:
    """A page of users ordered by id, and the total count."""
    total = session.exec(select(func.count()).select_from(User)).one()
    rows = session.exec(select(User).order_by(User.id).limit(limit).offset(offset)).all()  # type: ignore[arg-type]
    return list(rows), total


def _check_department(session: Session, role: Role, department_key: str | None) -> None:
    if role is Role.DEPARTMENT and not department_key:
        raise Invalid("承办部门人员必须绑定一个部门")
    if department_key and session.get(Department, department_key) is None:
        raise Invalid(f"部门 {department_key} 不存在")


def create_user(*, session: Session, user_in: UserCreate) -> User:
    """Create a user with a hashed password; ``Conflict`` if the username is taken."""
    if get_user_by_username(session=session, username=user_in.username):
        raise Conflict(f"用户名 {user_in.username} 已存在")
    role = Role(user_in.role)
    _check_department(session, role, user_in.department_key)
    user = User.model_validate(
        user_in,
        update={
            "password_hash": hash_password(user_in.password),
            # Only department staff are bound to a department.
            "department_key": user_in.department_key if role is Role.DEPARTMENT else None,
        },
    )
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def update_user(*, session: Session, user: User, user_in: UserUpdate) -> User:
    """Apply an admin's changes; a new password is hashed, old tokens stay valid until expiry."""
    data = user_in.model_dump(exclude_unset=True)
    password = data.pop("password", None)
    role = Role(data.get("role", user.role))
    department_key = data.get("department_key", user.department_key)
    _check_department(session, role, department_key)
    user.sqlmodel_update(data)
    user.department_key = department_key if role is Role.DEPARTMENT else None
    if password:
        user.password_hash = hash_password(password)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or ``None``."""
    user = get_user_by_username(session=session, username=username)
    if user is None:
        verify_password(password, _DUMMY_HASH)
        return None
    if not verify_password(password, user.password_hash) or not user.is_active:
        return None
    return user


def issue_token(
    *, session: Session, user: User, ttl_hours: float, now: datetime | None = None
) -> tuple[str, datetime]:
    """Create a bearer token for ``user``; only its digest is stored."""
    now = now or utcnow()
    token = new_token()
    expires_at = now + timedelta(hours=ttl_hours)
    assert user.id is not None
    session.add(ApiToken(token_hash=token_digest(token), user_id=user.id, expires_at=expires_at))
    session.commit()
    return token, expires_at


def user_for_token(*, session: Session, token: str, now: datetime | None = None) -> User | None:
    """The active user a valid, unexpired, unrevoked token belongs to, or ``None``."""
    now = now or utcnow()
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_digest(token))).first()
    if row is None or row.revoked or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def revoke_token(*, session: Session, token: str) -> bool:
    """Revoke a token (logout); True if it existed."""
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == token_digest(token))).first()
    if row is None:
        return False
    row.revoked = True
    session.add(row)
    session.commit()
    return True
