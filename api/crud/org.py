"""Departments and model versions."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from api.models import Correction, Department, ModelVersion, ModelVersionPublic, Ticket


def list_departments(*, session: Session) -> list[Department]:
    """The active departments, by key."""
    query = select(Department).where(col(Department.active)).order_by(col(Department.key))
    return list(session.exec(query).all())


def model_version_stats(*, session: Session) -> list[ModelVersionPublic]:
    """Each model version with how many suggestions it made and how many operators changed."""
    suggestions = dict(
        session.exec(
            select(Ticket.model_version, func.count(col(Ticket.id))).group_by(
                col(Ticket.model_version)
            )
        ).all()
    )
    changed = select(Correction.model_version, func.count(func.distinct(col(Correction.ticket_id))))
    changed = changed.where(col(Correction.final_code) != col(Correction.suggested_code))
    corrected = dict(session.exec(changed.group_by(col(Correction.model_version))).all())
    rows = session.exec(select(ModelVersion).order_by(col(ModelVersion.first_seen_at))).all()
    return [
        ModelVersionPublic(
            version=m.version,
            first_seen_at=m.first_seen_at,
            suggestions=suggestions.get(m.version, 0),
            corrected=corrected.get(m.version, 0),
        )
        for m in rows
    ]
