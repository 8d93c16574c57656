"""Analysts close the loop: export corrections, retrain, gate, promote, roll back, watch drift."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine

from api.crud.audit import Actor
from api.crud.training import (
    DriftLimits,
    DriftReport,
    confirmed_examples,
    drift_report,
    list_model_events,
)
from api.deps import SessionDep, SettingsDep, TaxonomyDep, get_engine, require_roles
from api.models import AuditEventPublic, Role, User
from api.retraining import (
    RetrainJob,
    RetrainRequest,
    promote_version,
    rollback_champion,
    run_retrain_job,
    tracker_of,
)
from classify.export import export_text
from classify.registry import Registry

router = APIRouter(prefix="/analytics", tags=["analytics"])

AnalystOnly = Annotated[User, Depends(require_roles(Role.ANALYST))]
EngineDep = Annotated[Engine, Depends(get_engine)]
From = Annotated[datetime | None, Query(alias="from", description="起始时间（含）")]
To = Annotated[datetime | None, Query(alias="to", description="截止时间（不含）")]


class PromoteRequest(BaseModel):
    """Promote a version; a reason overrides a refusing gate (audited)."""

    override_reason: str | None = Field(default=None, max_length=500)


class RollbackRequest(BaseModel):
    """Why the champion is rolled back (audited)."""

    reason: str | None = Field(default=None, max_length=500)


class ModelVersionInfo(BaseModel):
    """A registered model version with its metrics on the frozen evaluation set."""

    version: str
    kind: str | None
    champion: bool
    created_at: str | None
    n_train: int | None
    evaluation: dict[str, Any] | None


@router.get(
    "/export",
    response_class=Response,
    responses={200: {"content": {"text/tab-separated-values": {"schema": {"type": "string"}}}}},
)
def export_training_data(
    session: SessionDep,
    user: AnalystOnly,
    start: From = None,
    end: To = None,
    only_corrected: bool = False,
) -> Response:
    """Confirmed tickets as training data (TSV, personal data masked, deduplicated)."""
    examples, summary = confirmed_examples(
        session=session, start=start, end=end, only_corrected=only_corrected
    )
    return Response(
        content=export_text(examples),
        media_type="text/tab-separated-values; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="minsheng-training.tsv"',
            "X-Export-Rows": str(summary.rows),
            "X-Export-Corrected": str(summary.corrected),
            "X-Export-Duplicates": str(summary.duplicates),
            "X-Export-Conflicts": str(summary.conflicts),
        },
    )


@router.post("/retrain", status_code=status.HTTP_202_ACCEPTED)
def start_retrain(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    user: AnalystOnly,
    body: RetrainRequest | None = None,
) -> RetrainJob:
    """Retrain in the background on seed data + confirmed tickets; poll its progress."""
    req, actor = body or RetrainRequest(), Actor.of(user)
    return tracker_of(request.app.state).start(
        user.username,
        lambda progress: run_retrain_job(
            engine=engine, settings=settings, request=req, actor=actor, progress=progress
        ),
    )


@router.get("/retrain/{job_id}")
def read_retrain(job_id: str, request: Request, user: AnalystOnly) -> RetrainJob:
    """Progress and, when done, the result of a retraining (metrics, deltas, gate verdict)."""
    return tracker_of(request.app.state).get(job_id)


@router.get("/models")
def read_models(settings: SettingsDep, user: AnalystOnly) -> list[ModelVersionInfo]:
    """Registered model versions, oldest first, with their frozen-set metrics."""
    result = []
    for e in Registry(settings.registry_dir).versions():
        evaluation = e.meta.get("evaluation")
        if isinstance(evaluation, dict):
            evaluation = {k: v for k, v in evaluation.items() if k != "confusion"}
        result.append(
            ModelVersionInfo(
                version=e.version,
                kind=e.meta.get("kind"),
                champion=e.champion,
                created_at=e.meta.get("created_at"),
                n_train=e.meta.get("n_train"),
                evaluation=evaluation if isinstance(evaluation, dict) else None,
            )
        )
    return result


@router.post("/models/{version}/promote")
def promote_model(
    version: str,
    session: SessionDep,
    settings: SettingsDep,
    user: AnalystOnly,
    body: PromoteRequest | None = None,
) -> dict[str, Any]:
    """Promote through the gate (409 with the reasons when refused and no override reason)."""
    return promote_version(
        session=session,
        settings=settings,
        version=version,
        actor=Actor.of(user),
        override_reason=body.override_reason if body else None,
    )


@router.post("/models/rollback")
def rollback_model(
    session: SessionDep,
    settings: SettingsDep,
    user: AnalystOnly,
    body: RollbackRequest | None = None,
) -> dict[str, Any]:
    """Return to the previous champion in one step."""
    return rollback_champion(
        session=session,
        settings=settings,
        actor=Actor.of(user),
        reason=body.reason if body else None,
    )


@router.get("/models/events")
def read_model_events(
    session: SessionDep, user: AnalystOnly, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[AuditEventPublic]:
    """Audit trail of retrainings, promotions, overrides and rollbacks, newest first."""
    return [
        AuditEventPublic.model_validate(e) for e in list_model_events(session=session, limit=limit)
    ]


@router.get("/drift")
def read_drift(
    session: SessionDep,
    taxonomy: TaxonomyDep,
    settings: SettingsDep,
    user: AnalystOnly,
    start: From = None,
    end: To = None,
) -> DriftReport:
    """Correction and needs-review rates per ISO week and category, with alert flags."""
    limits = DriftLimits(
        correction_rate=settings.drift_correction_alert,
        review_rate=settings.drift_review_alert,
        min_tickets=settings.drift_min_tickets,
    )
    return drift_report(
        session=session, taxonomy=taxonomy, tz=settings.tz, limits=limits, start=start, end=end
    )
