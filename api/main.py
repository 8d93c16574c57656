"""The FastAPI application: ``create_app()`` wires settings, database, pipeline and routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.config import ApiSettings, get_api_settings
from api.crud.calls import unfinished_job_ids
from api.db import init_db, make_engine
from api.errors import ServiceError
from api.hardening import install_hardening
from api.jobs import JobRunner, RunnerFactory, runner_factory_for
from api.lifecycle import IllegalTransition
from api.limits import BodyLimitMiddleware
from api.observability import install_observability
from api.routes import (
    analytics,
    auth,
    departments,
    intake,
    jobs,
    public,
    stats,
    tickets,
    users,
    workflow,
)
from api.taxonomy import ApiTaxonomy
from api.web import mount_web
from api.worker import PipelineLike, build_pipeline, run_job

logger = logging.getLogger(__name__)

TAGS = [
    {"name": "auth", "description": "登录与令牌"},
    {"name": "intake", "description": "来电录音与留言受理，后台任务"},
    {"name": "tickets", "description": "工单查询、检索与修改"},
    {"name": "workflow", "description": "工单流转：受理、派单、办理、办结、回访、归档"},
    {"name": "public", "description": "市民查询（无需登录，已脱敏）"},
    {"name": "stats", "description": "督办统计"},
    {"name": "departments", "description": "承办部门"},
    {"name": "users", "description": "用户管理（管理员）"},
    {"name": "analytics", "description": "模型分析：导出训练数据、重训练、上线评估、漂移"},
]


def create_app(
    settings: ApiSettings | None = None,
    *,
    pipeline: PipelineLike | None = None,
    runner_factory: RunnerFactory | None = None,
) -> FastAPI:
    """Assemble the app.

    Args:
        settings: Configuration (default: from the environment).
        pipeline: A ready pipeline (tests pass a fake); default: the real one, built in
            ``lifespan``.
        runner_factory: Builds the job runner from a handler and a worker count
            (default: the one ``settings.job_runner`` names).
    """
    settings = settings or get_api_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        taxonomy = ApiTaxonomy.load(settings.taxonomy_path)
        engine = make_engine(settings.database_url, **settings.engine_options())
        init_db(engine, taxonomy, run_migrations=settings.auto_migrate)
        pipe = pipeline if pipeline is not None else build_pipeline(settings)
        handler = partial(run_job, engine=engine, pipeline=pipe, taxonomy=taxonomy, tz=settings.tz)
        runner = (runner_factory or runner_factory_for(settings))(handler, settings.job_workers)
        app.state.engine, app.state.taxonomy = engine, taxonomy
        app.state.pipeline, app.state.runner = pipe, runner
        if hasattr(runner, "recover"):
            runner.recover(engine)  # a queue re-sends its own lost jobs, lease-aware
        else:
            _recover_jobs(engine, runner)
        try:
            yield
        finally:
            runner.shutdown()
            engine.dispose()

    app = FastAPI(
        title="民声 12345 工单服务",
        summary="Voice-to-ticket work-order service of the citizen hotline",
        version="0.1.0",
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.upload_max_bytes, paths=("/calls",))
    _add_error_handlers(app)
    install_observability(app)  # /metrics, /healthz, /readyz, HTTP latency
    install_hardening(app)  # out-of-range input -> 422; the real error schema
    routers = (auth, intake, jobs, tickets, workflow, public, stats, departments, users, analytics)
    for module in routers:
        app.include_router(module.router)
    mount_web(app)  # the /ui pages and the endpoints they use (api/web)

    @app.get("/health", tags=["public"])
    def health() -> dict[str, str]:
        """Liveness check."""
        return {"status": "ok"}

    return app


def _recover_jobs(engine: Any, runner: JobRunner) -> None:
    """Resubmit jobs a previous process left unfinished (nothing is lost on a crash)."""
    from sqlmodel import Session

    with Session(engine) as session:
        ids = unfinished_job_ids(session=session)
    for job_id in ids:
        logger.info("resubmitting unfinished job %s", job_id)
        runner.submit(job_id)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code, content={"detail": exc.message, **exc.extra}
        )

    @app.exception_handler(IllegalTransition)
    async def illegal_transition(_request: Request, exc: IllegalTransition) -> JSONResponse:
        return JSONResponse(status_code=409, content={"detail": str(exc)})

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = "、".join(".".join(str(p) for p in e["loc"][1:]) or "请求体" for e in exc.errors())
        return JSONResponse(
            status_code=422,
            content={"detail": f"请求参数有误：{fields}", "errors": _jsonable(exc.errors())},
        )


def _jsonable(errors: Any) -> Any:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(errors, custom_encoder={Exception: str, bytes: lambda b: "<bytes>"})
