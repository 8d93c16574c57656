"""Retraining from the API: a background job with progress, and gated promotion with audit.

A retraining exports the confirmed tickets, trains a new version on the seed data plus that
export, measures it and the champion on the frozen evaluation set and registers it (see
``classify.retrain``). It runs in one background thread per process; only one runs at a
time. Its progress lives in memory (``GET /analytics/retrain/{id}``); its outcome lives in
the registry (the version's ``meta.json``) and in the audit trail, so a restart loses only
the progress of a job that was running.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.config import ApiSettings
from api.crud.audit import Actor
from api.crud.training import confirmed_examples, record_model_event
from api.errors import Conflict, Invalid, NotFound
from api.models import utcnow
from classify.export import load_frozen_eval, write_export_file
from classify.gate import GateOptions, GateRefused, check, promote, rollback
from classify.registry import Registry
from classify.retrain import ProgressFn, RetrainOptions, retrain
from classify.taxonomy import Taxonomy
from pipeline.classifier import load_model_dir

logger = logging.getLogger(__name__)

JobState = Literal["queued", "running", "done", "failed"]


class RetrainRequest(BaseModel):
    """What to retrain on."""

    include_seed: bool = Field(default=True, description="也使用种子训练数据")
    corrections_weight: int = Field(default=1, ge=1, le=10, description="每条导出样本的权重")
    since: datetime | None = Field(default=None, description="只导出此后受理的工单")


class RetrainJob(BaseModel):
    """A retraining as the analyst polls it."""

    id: str
    status: JobState = "queued"
    stage: str = "queued"
    progress: float = 0.0
    requested_by: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    result: dict[str, Any] | None = None


class RetrainTracker:
    """Runs one retraining at a time in a background thread and keeps its progress."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, RetrainJob] = {}
        self._threads: dict[str, threading.Thread] = {}

    def start(self, requested_by: str, work: Callable[[ProgressFn], dict[str, Any]]) -> RetrainJob:
        """Start ``work(progress)`` in the background.

        Raises:
            Conflict: A retraining is already running.
        """
        with self._lock:
            running = [j for j in self._jobs.values() if j.status in ("queued", "running")]
            if running:
                raise Conflict("已有模型训练任务在进行中，请稍后再试", job_id=running[0].id)
            job = RetrainJob(
                id=uuid.uuid4().hex[:12], requested_by=requested_by, created_at=utcnow()
            )
            self._jobs[job.id] = job
            thread = threading.Thread(
                target=self._run, args=(job.id, work), name=f"retrain-{job.id}", daemon=True
            )
            self._threads[job.id] = thread
        thread.start()
        return job.model_copy()

    def _update(self, job_id: str, **fields: Any) -> None:
        with self._lock:
            job = self._jobs[job_id]
            self._jobs[job_id] = job.model_copy(update=fields)

    def _run(self, job_id: str, work: Callable[[ProgressFn], dict[str, Any]]) -> None:
        self._update(job_id, status="running", stage="export", started_at=utcnow())

        def progress(stage: str, fraction: float) -> None:
            self._update(job_id, stage=stage, progress=round(fraction, 3))

        try:
            result = work(progress)
        except Exception as exc:
            logger.exception("retraining %s failed", job_id)
            self._update(
                job_id, status="failed", error=f"{type(exc).__name__}: {exc}", finished_at=utcnow()
            )
            return
        self._update(
            job_id, status="done", stage="done", progress=1.0, result=result, finished_at=utcnow()
        )

    def get(self, job_id: str) -> RetrainJob:
        """A job by id; ``NotFound`` otherwise."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"训练任务 {job_id} 不存在（服务重启后进度不保留）")
        return job.model_copy()

    def wait(self, job_id: str, timeout: float | None = None) -> RetrainJob:
        """Block until the job finished (for scripts and tests); returns its final state."""
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
        return self.get(job_id)


_TRACKER_LOCK = threading.Lock()


def tracker_of(state: Any) -> RetrainTracker:
    """The app's tracker, created on first use (``state`` is ``app.state``)."""
    with _TRACKER_LOCK:
        tracker = getattr(state, "retrain_tracker", None)
        if tracker is None:
            tracker = RetrainTracker()
            state.retrain_tracker = tracker
        return tracker


def gate_options(settings: ApiSettings) -> GateOptions:
    """The gate's thresholds from the settings."""
    return GateOptions(
        max_class_drop=settings.gate_max_class_drop,
        macro_f1_tolerance=settings.gate_macro_f1_tolerance,
    )


def _loader(settings: ApiSettings) -> Callable[[Path], Any]:
    """The pipeline's model loader (it knows every model kind) with the service's taxonomy."""
    return partial(load_model_dir, taxonomy_path=settings.taxonomy_path)


def run_retrain_job(
    *,
    engine: Engine,
    settings: ApiSettings,
    request: RetrainRequest,
    actor: Actor,
    progress: ProgressFn,
) -> dict[str, Any]:
    """Export the confirmed tickets, retrain, register, and audit; returns the result dict.

    Raises:
        Invalid: Nothing to train on.
    """
    with Session(engine) as session:
        examples, summary = confirmed_examples(session=session, start=request.since)
    if not examples and not request.include_seed:
        raise Invalid("没有可用于训练的已确认工单，也未使用种子数据")
    progress("export", 0.02)
    registry = Registry(settings.registry_dir)
    with tempfile.TemporaryDirectory() as tmp:
        corrections = Path(tmp) / "confirmed.tsv"
        write_export_file(examples, corrections)
        result = retrain(
            [settings.seed_data] if request.include_seed else [],
            corrections if examples else None,
            settings.eval_set_path,
            registry,
            taxonomy=Taxonomy.load(settings.taxonomy_path),
            options=RetrainOptions(
                corrections_weight=request.corrections_weight, gate=gate_options(settings)
            ),
            loader=_loader(settings),
            progress=progress,
        )
    d = result.decision
    with Session(engine) as session:
        record_model_event(
            session=session,
            actor=actor,
            action="retrain",
            version=result.version,
            detail={
                "exported": summary.rows,
                "corrected": summary.corrected,
                "eval_version": d.eval_version,
                "macro_f1": result.metrics.macro_f1,
                "gate_passed": d.passed,
                "failures": d.failures,
            },
        )
        session.commit()
    return {"export": vars(summary), **result.as_dict()}


def promote_version(
    *,
    session: Session,
    settings: ApiSettings,
    version: str,
    actor: Actor,
    override_reason: str | None,
) -> dict[str, Any]:
    """Run the gate on ``version`` and promote it if it passes or the analyst overrides.

    The audit event is committed on ``session`` (the request's) right after the pointer
    moves.

    Raises:
        NotFound: Unknown version.
        Conflict: The gate refused and no reason was given (``decision`` in the body).
    """
    registry = Registry(settings.registry_dir)
    try:
        registry.get(version)
    except ValueError as exc:
        raise NotFound(str(exc)) from exc
    eval_set = load_frozen_eval(settings.eval_set_path)
    decision = check(registry, version, eval_set, gate_options(settings), loader=_loader(settings))
    try:
        promotion = promote(registry, decision, override_reason=override_reason, actor=actor.name)
    except GateRefused as exc:
        raise Conflict(str(exc), decision=_brief(decision.as_dict())) from exc
    record_model_event(
        session=session,
        actor=actor,
        action="promote_override" if promotion.overridden else "promote",
        version=version,
        reason=promotion.reason,
        detail={"previous": promotion.previous, "decision": _brief(decision.as_dict())},
    )
    session.commit()
    return {
        "version": version,
        "previous": promotion.previous,
        "overridden": promotion.overridden,
        "decision": _brief(decision.as_dict()),
    }


def rollback_champion(
    *, session: Session, settings: ApiSettings, actor: Actor, reason: str | None
) -> dict[str, Any]:
    """Return to the previous champion in one step, audited.

    Raises:
        Conflict: No earlier champion.
    """
    registry = Registry(settings.registry_dir)
    previous = registry.champion_version()
    try:
        entry = rollback(registry, actor=actor.name, reason=reason)
    except ValueError as exc:
        raise Conflict(str(exc)) from exc
    record_model_event(
        session=session,
        actor=actor,
        action="rollback",
        version=entry.version,
        reason=reason,
        detail={"previous": previous},
    )
    session.commit()
    return {"version": entry.version, "previous": previous}


def _brief(decision: dict[str, Any]) -> dict[str, Any]:
    """A decision without the bulky confusion matrices."""
    brief = {k: v for k, v in decision.items() if k not in ("candidate", "champion")}
    for side in ("candidate", "champion"):
        metrics = decision.get(side)
        brief[side] = {k: v for k, v in metrics.items() if k != "confusion"} if metrics else None
    return brief
