"""The ``minsheng`` console script: the pipeline's commands plus the service's own.

``pipeline.cli`` owns the commands that need no database (process, transcribe, classify, train,
models, retrain); this module adds serve, create-admin and export-training, keeping the
dependency direction ``pipeline -> api`` one-way.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from typing import Any

from pipeline import cli as pipeline_cli


def _serve(args: argparse.Namespace) -> int:
    from api.cli import serve

    serve(host=args.host, port=args.port)
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    from api.cli import create_admin

    password = args.password or getpass.getpass("管理员密码: ")
    create_admin(args.username, password)
    print(f"已创建管理员：{args.username}")
    return 0


def _export_training(args: argparse.Namespace) -> int:
    from api.crud.training import export_training_file

    summary = export_training_file(args.out, only_corrected=args.only_corrected)
    print(f"已导出训练数据：{args.out}（{summary}）")
    return 0


def _worker(args: argparse.Namespace) -> int:
    from api.queue.celery_app import run_worker

    run_worker(args.concurrency, metrics_port=args.metrics_port)
    return 0


def add_service_commands(sub: Any) -> None:
    """Add the service's sub-commands to the CLI's sub-parsers."""
    p = sub.add_parser("serve", help="start the work-order API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=_serve)

    p = sub.add_parser("create-admin", help="create the first administrator")
    p.add_argument("username")
    p.add_argument("--password", help="read from the terminal when omitted")
    p.set_defaults(func=_create_admin)

    p = sub.add_parser("worker", help="run a Celery worker (MINSHENG_JOB_RUNNER=celery)")
    p.add_argument("--concurrency", type=int, default=1, help="worker processes")
    p.add_argument("--metrics-port", type=int, help="serve Prometheus metrics on this port")
    p.set_defaults(func=_worker)

    p = sub.add_parser("export-training", help="confirmed tickets -> training TSV (masked)")
    p.add_argument("--out", required=True)
    p.add_argument("--only-corrected", action="store_true")
    p.set_defaults(func=_export_training)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``minsheng`` console script."""
    return pipeline_cli.main(argv, extensions=[add_service_commands])


if __name__ == "__main__":
    sys.exit(main())
