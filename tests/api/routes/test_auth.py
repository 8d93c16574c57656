"""Login, tokens, user management and the first admin from the CLI function."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.cli import create_admin
from api.errors import Conflict
from api.jobs import InlineJobRunner
from api.main import create_app
from api.models import ApiToken, User
from tests.api.conftest import PASSWORD, make_settings
from tests.api.factories import Api


def _login(client: TestClient, username: str, password: str) -> object:
    return client.post("/auth/token", data={"username": username, "password": password})


def test_login_me_logout(sqlite_api: Api) -> None:
    resp = _login(sqlite_api.client, "operator", PASSWORD)
    assert resp.status_code == 200, resp.text  # type: ignore[attr-defined]
    body = resp.json()  # type: ignore[attr-defined]
    assert body["token_type"] == "bearer" and body["role"] == "operator"
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert sqlite_api.client.get("/auth/me", headers=headers).json()["username"] == "operator"
    with Session(sqlite_api.engine) as session:
        stored = [t.token_hash for t in session.exec(select(ApiToken)).all()]
    assert body["access_token"] not in stored  # only digests are stored
    assert sqlite_api.client.post("/auth/logout", headers=headers).status_code == 204
    assert sqlite_api.client.get("/auth/me", headers=headers).status_code == 401


def test_wrong_password_and_unknown_user(sqlite_api: Api) -> None:
    for user, pw in [("operator", "wrong password"), ("nobody", PASSWORD)]:
        resp = _login(sqlite_api.client, user, pw)
        assert resp.status_code == 401 and resp.json()["detail"] == "用户名或密码错误"  # type: ignore[attr-defined]


def test_admin_manages_users(sqlite_api: Api) -> None:
    admin = sqlite_api.as_("admin")
    staff = {
        "username": "heat01",
        "password": "s3cret-pass",
        "role": "department",
        "department_key": "heating",
        "full_name": "供热办 小刘",
    }
    resp = admin.post("/users", json=staff)
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert "password" not in created and "password_hash" not in created
    assert admin.post("/users", json=staff).status_code == 409
    no_dept = {**staff, "username": "heat02", "department_key": None}
    assert admin.post("/users", json=no_dept).status_code == 422
    bad_dept = {**staff, "username": "heat03", "department_key": "nowhere"}
    assert admin.post("/users", json=bad_dept).status_code == 422
    assert (
        admin.post("/users", json={**staff, "username": "x4", "password": "short"}).status_code
        == 422
    )
    # The new user logs in and is bound to the heating department.
    token = _login(sqlite_api.client, "heat01", "s3cret-pass").json()["access_token"]  # type: ignore[attr-defined]
    me = sqlite_api.client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["role"] == "department" and me["department_key"] == "heating"
    # Deactivated users can no longer use their token.
    resp = admin.patch(f"/users/{created['id']}", json={"is_active": False})
    assert resp.json()["is_active"] is False
    assert (
        sqlite_api.client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    page = admin.get("/users", params={"limit": 3}).json()
    assert page["total"] == 8 and len(page["items"]) == 3


def test_create_admin_then_log_in(sqlite_url: str, tmp_path: Path) -> None:
    settings = make_settings(sqlite_url, tmp_path)
    admin = create_admin("root", "a-long-password", settings=settings)
    assert admin.role == "admin"
    with pytest.raises(Conflict):
        create_admin("root", "another-password", settings=settings)
    app = create_app(settings, pipeline=object(), runner_factory=InlineJobRunner)  # type: ignore[arg-type]
    with TestClient(app) as client:
        resp = _login(client, "root", "a-long-password")
        assert resp.status_code == 200  # type: ignore[attr-defined]
        with Session(app.state.engine) as session:
            user = session.exec(select(User).where(User.username == "root")).one()
            assert (
                user.password_hash.startswith("scrypt$")
                and "a-long-password" not in user.password_hash
            )


def test_create_admin_migrates_a_new_database(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path)
    assert create_admin("root", "a-long-password", settings=settings).username == "root"
