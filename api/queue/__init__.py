"""The Celery task queue for intake jobs (``MINSHENG_JOB_RUNNER=celery``).

* ``config.make_celery(settings)``: a Celery app configured for at-least-once delivery.
* ``runner.CeleryJobRunner``: the API side; sends job ids, re-sends lost ones.
* ``tasks.process_job``: the worker side; runs ``api.worker.run_job`` with retries.
* ``celery_app.app`` / ``celery_app.run_worker(concurrency)``: the worker process.
"""
