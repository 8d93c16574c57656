"""Settings of the work-order service: the shared ``Settings`` plus a few API-only fields.

The extra fields read the same ``MINSHENG_`` environment prefix; they may move into
``pipeline.settings.Settings`` later without changing their names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pipeline.settings import DATA_DIR, Settings


class ApiSettings(Settings):
    """Configuration of the API process (environment prefix ``MINSHENG_``).

    Attributes:
        auto_migrate: Run ``alembic upgrade head`` when the app starts (the embedded default).
        preload_models: Load the speech and category models in ``lifespan`` instead of on the
            first job.
        job_workers: Threads that run intake jobs; 1 serialises transcription (the pipeline
            asks for this).
        token_ttl_hours: Lifetime of a bearer token.
        soon_due_hours: Window of the "due soon" SLA query when none is given.
        timezone: The hotline's local time zone; ticket numbers use its calendar date.
        job_runner: ``thread`` runs jobs in the API process (embedded default, no broker);
            ``celery`` sends them to Celery workers through ``broker_url``.
        broker_url: Celery broker (``redis://host:6379/0``; RabbitMQ ``amqp://`` works too).
        task_queue: Name of the Celery queue intake jobs go to.
        job_lease_seconds: A job running this long is presumed lost with its worker and is
            run again; also the broker's visibility timeout. Set it above the slowest call.
        job_max_retries: Retries (with exponential backoff) of a job after a transient error
            (database or broker unreachable).
        job_sweep_seconds: How often the API re-sends jobs whose queue message was lost
            (broker restarted without persistence); 0 turns the sweep off.
        pipeline_factory: ``module:callable`` building the pipeline from these settings
            (tests inject a fake; default: the real pipeline).
        db_pool_size, db_max_overflow, db_pool_timeout, db_pool_recycle: Connection pool of
            a server database (ignored for SQLite); per process.
        log_json: Write logs as one JSON object per line.
        eval_set_path: The frozen evaluation set retraining and the promotion gate use.
        gate_max_class_drop: Largest drop of any sub-category's F1 the gate accepts.
        gate_macro_f1_tolerance: Largest drop of macro-F1 the gate accepts (0: none).
        drift_correction_alert: Correction rate (per ISO week, per category) that raises
            the drift alert.
        drift_review_alert: ``needs_review`` rate that raises the drift alert.
        drift_min_tickets: Fewest tickets in a week/category cell before it can alert.
    """

    auto_migrate: bool = True
    preload_models: bool = True
    job_workers: int = 1
    token_ttl_hours: float = 12.0
    soon_due_hours: float = 4.0
    timezone: str = "Asia/Shanghai"
    job_runner: Literal["thread", "celery"] = "thread"
    broker_url: str = "redis://127.0.0.1:6379/0"
    task_queue: str = "minsheng.jobs"
    job_lease_seconds: float = 900.0
    job_max_retries: int = 8
    job_sweep_seconds: float = 60.0
    pipeline_factory: str | None = None
    db_pool_size: int = 10
    db_max_overflow: int = 20
    db_pool_timeout: float = 30.0
    db_pool_recycle: int = 1800
    log_json: bool = False
    eval_set_path: Path = DATA_DIR / "eval" / "frozen-v1.tsv"
    gate_max_class_drop: float = 0.05
    gate_macro_f1_tolerance: float = 0.0
    drift_correction_alert: float = 0.2
    drift_review_alert: float = 0.5
    drift_min_tickets: int = 10

    def engine_options(self) -> dict[str, Any]:
        """Keyword arguments of ``make_engine`` for ``database_url`` (pool sizes for servers)."""
        if self.database_url.startswith("sqlite"):
            return {}
        return {
            "pool_size": self.db_pool_size,
            "max_overflow": self.db_max_overflow,
            "pool_timeout": self.db_pool_timeout,
            "pool_recycle": self.db_pool_recycle,
        }

    @property
    def tz(self) -> ZoneInfo:
        """The local time zone as an object."""
        return ZoneInfo(self.timezone)


def get_api_settings() -> ApiSettings:
    """Build API settings from the environment (call where the app is assembled)."""
    return ApiSettings()
