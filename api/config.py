"""Settings of the work-order service: the shared ``Settings`` plus a few API-only fields.

The extra fields read the same ``MINSHENG_`` environment prefix; they may move into
``pipeline.settings.Settings`` later without changing their names.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pipeline.settings import Settings


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
    """

    auto_migrate: bool = True
    preload_models: bool = True
    job_workers: int = 1
    token_ttl_hours: float = 12.0
    soon_due_hours: float = 4.0
    timezone: str = "Asia/Shanghai"

    @property
    def tz(self) -> ZoneInfo:
        """The local time zone as an object."""
        return ZoneInfo(self.timezone)


def get_api_settings() -> ApiSettings:
    """Build API settings from the environment (call where the app is assembled)."""
    return ApiSettings()
