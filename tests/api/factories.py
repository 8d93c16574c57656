"""Test helpers: WAV files, users with tokens, an HTTP client per role, DB snapshots."""

from __future__ import annotations

import io
import math
import struct
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from api.crud.users import issue_token
from api.models import Role, User

ROLES: dict[str, tuple[Role, str | None]] = {
    "admin": (Role.ADMIN, None),
    "operator": (Role.OPERATOR, None),
    "supervisor": (Role.SUPERVISOR, None),
    "analyst": (Role.ANALYST, None),
    "gas_staff": (Role.DEPARTMENT, "gas"),
    "urban_staff": (Role.DEPARTMENT, "urban"),
    "sanitation_staff": (Role.DEPARTMENT, "sanitation"),
}


def make_wav(seconds: float = 0.5, freq: float = 440.0, rate: int = 16000) -> bytes:
    """A mono 16-bit WAV with a sine tone (different ``freq`` -> different content hash)."""
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate)))
        for i in range(int(seconds * rate))
    )
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return buf.getvalue()


def add_users(engine: Engine, password_hash: str) -> dict[str, str]:
    """Create one user per entry of ``ROLES``; return bearer tokens by user name."""
    tokens = {}
    with Session(engine) as session:
        for name, (role, dept) in ROLES.items():
            user = User(
                username=name,
                full_name=name,
                role=role,
                department_key=dept,
                password_hash=password_hash,
            )
            session.add(user)
            session.commit()
            session.refresh(user)
            tokens[name], _ = issue_token(session=session, user=user, ttl_hours=1)
    return tokens


@dataclass
class Api:
    """A TestClient plus a token per role: ``api.as_("operator").post(...)``."""

    client: TestClient
    tokens: dict[str, str]
    engine: Engine
    upload_dir: Path
    extra: dict[str, Any] = field(default_factory=dict)

    def as_(self, who: str) -> _AsUser:
        return _AsUser(self.client, {"Authorization": f"Bearer {self.tokens[who]}"})


@dataclass
class _AsUser:
    client: TestClient
    headers: dict[str, str]

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url: str, **kw: Any) -> Any:
        return self.client.post(url, headers=self.headers, **kw)

    def patch(self, url: str, **kw: Any) -> Any:
        return self.client.patch(url, headers=self.headers, **kw)


def snapshot(engine: Engine, upload_dir: Path | None = None) -> dict[str, Any]:
    """Every row of every table (and every stored upload), to assert that nothing changed."""
    meta: MetaData = SQLModel.metadata
    result: dict[str, Any] = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            rows = conn.execute(select(table)).all()
            result[table.name] = sorted(repr(tuple(r)) for r in rows)
    if upload_dir is not None:
        result["_files"] = (
            sorted(str(p.relative_to(upload_dir)) for p in upload_dir.rglob("*") if p.is_file())
            if upload_dir.exists()
            else []
        )
    return result
