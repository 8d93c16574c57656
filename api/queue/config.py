"""The Celery app's configuration: at-least-once delivery of intake jobs.

A message is acknowledged only after its job has run (``task_acks_late``); a worker killed
mid-job gives its message back (``task_reject_on_worker_lost``, and on Redis the visibility
timeout); each worker process holds one message at a time (``worker_prefetch_multiplier=1``)
so a long transcription does not hold other calls back. Jobs are idempotent
(``api.worker.run_job``), which makes redelivery safe.
"""

from __future__ import annotations

from typing import Any

from celery import Celery

from api.config import ApiSettings

TASK_NAME = "minsheng.process_job"


def celery_config(settings: ApiSettings) -> dict[str, Any]:
    """Celery settings derived from ``settings``."""
    return {
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_ignore_result": True,  # results live in the database, not in a result backend
        "task_default_queue": settings.task_queue,
        "task_routes": {TASK_NAME: {"queue": settings.task_queue}},
        "task_serializer": "json",
        "accept_content": ["json"],
        # Redis: a message unacknowledged this long is delivered again (worker presumed dead).
        "broker_transport_options": {
            "visibility_timeout": int(settings.job_lease_seconds),
            # Look for expired unacknowledged messages every few seconds, not every 100 s.
            "unacked_restore_interval": max(1, min(10, int(settings.job_lease_seconds / 4))),
            "unacked_restore_throttle": 1,
        },
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,
        "task_publish_retry": True,
        # The API must answer even when the broker is down: give up after ~2 s (the job stays
        # queued in the database and the sweep sends it again).
        "task_publish_retry_policy": {
            "max_retries": 3,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        "broker_pool_limit": 10,
        # A broker blip does not kill jobs in progress: they finish and store their result;
        # the unacknowledged message comes back later and finds the job done.
        "worker_cancel_long_running_tasks_on_connection_loss": False,
        "worker_send_task_events": False,
        "worker_hijack_root_logger": not settings.log_json,
    }


def make_celery(settings: ApiSettings) -> Celery:
    """A Celery app for ``settings.broker_url`` (no result backend: results are in the DB)."""
    app = Celery("minsheng", broker=settings.broker_url, include=["api.queue.tasks"])
    app.conf.update(celery_config(settings))
    return app
