"""A slow fake pipeline for worker processes (``MINSHENG_PIPELINE_FACTORY``).

It sleeps ``MINSHENG_FAKE_DELAY_S`` per recording so a kill lands mid-job, and while it works
it leaves ``<MINSHENG_FAKE_MARKER_DIR>/<pid>.busy`` holding the source (``call:<id>``): the
fault tests read it to kill a worker that is certainly in the middle of a job.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from api.config import ApiSettings
from pipeline.draft import TicketDraft
from tests.api.fakes import FakePipeline

AUDIO_TEXT = (
    "你好，我叫王建国，裕华区槐安东路88号楼道里有煤气味，燃气管道好像漏气了，电话13912345678。"
)


class SlowFakePipeline(FakePipeline):
    """``FakePipeline`` that takes ``delay`` seconds per recording and marks itself busy."""

    def __init__(self, taxonomy_path: Path, *, delay: float, marker_dir: Path | None) -> None:
        super().__init__(taxonomy_path, audio_text=AUDIO_TEXT)
        self.delay = delay
        self.marker_dir = marker_dir

    def process_file(self, path: str | Path, source: str | None = None) -> TicketDraft:
        marker = self.marker_dir / f"{os.getpid()}.busy" if self.marker_dir else None
        if marker is not None:
            marker.write_text(source or str(path), encoding="utf-8")
        try:
            time.sleep(self.delay)
            return super().process_file(path, source)
        finally:
            if marker is not None:
                marker.unlink(missing_ok=True)


def make_slow_fake_pipeline(settings: ApiSettings) -> SlowFakePipeline:
    """Factory for ``MINSHENG_PIPELINE_FACTORY=tests.queue.fakes:make_slow_fake_pipeline``."""
    marker_dir = os.environ.get("MINSHENG_FAKE_MARKER_DIR")
    return SlowFakePipeline(
        settings.taxonomy_path,
        delay=float(os.environ.get("MINSHENG_FAKE_DELAY_S", "0.3")),
        marker_dir=Path(marker_dir) if marker_dir else None,
    )
