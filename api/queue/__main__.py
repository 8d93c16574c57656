"""``python -m api.queue [--concurrency N] [--hostname NAME] [--pool prefork|solo]``."""

from __future__ import annotations

import argparse
import os


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run a worker."""
    parser = argparse.ArgumentParser(prog="python -m api.queue", description="民声任务队列工作进程")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--hostname", default=None)
    parser.add_argument("--pool", choices=["prefork", "solo"], default="prefork")
    parser.add_argument("--loglevel", default="INFO")
    parser.add_argument("--metrics-port", type=int, default=None)
    args = parser.parse_args(argv)
    from api.queue.celery_app import run_worker

    run_worker(
        args.concurrency,
        hostname=args.hostname,
        pool=args.pool,
        loglevel=args.loglevel,
        metrics_port=args.metrics_port,
    )


if __name__ == "__main__":
    main()
