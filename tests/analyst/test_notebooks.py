"""The analyst notebooks run top to bottom (``scripts/run_notebooks.sh``) and write their plots."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.settings import REPO_ROOT

pytestmark = pytest.mark.notebooks

EXPECTED = {
    "model_evaluation": ["per_class_f1.png", "confusion_matrix.png", "confidence.png"],
    "retraining_walkthrough": ["retrain_heldout.png", "retrain_class_deltas.png"],
    "hotline_analytics": ["trends.png", "hotspots.png", "departments.png", "drift.png"],
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _missing_tools() -> list[str]:
    return [m for m in ("nbclient", "nbformat", "ipykernel", "matplotlib")
            if importlib.util.find_spec(m) is None]  # fmt: skip


def test_every_notebook_is_covered() -> None:
    names = {p.stem for p in (REPO_ROOT / "notebooks").glob("*.ipynb")}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs_and_writes_its_plots(name: str, tmp_path: Path) -> None:
    missing = _missing_tools()
    if missing:
        pytest.skip(f"notebook tools not installed: {', '.join(missing)}")
    env = {**os.environ, "MINSHENG_NOTEBOOK_OUT": str(tmp_path), "PYTHON": sys.executable}
    run = subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "run_notebooks.sh"), name],
        env=env, capture_output=True, text=True, timeout=1500,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    for plot in EXPECTED[name]:
        path = tmp_path / plot
        assert path.is_file(), f"{name} did not write {plot}"
        assert path.read_bytes()[:8] == PNG_SIGNATURE and path.stat().st_size > 5000
    executed = json.loads((tmp_path / "executed" / f"{name}.ipynb").read_text("utf-8"))
    outputs = [o for c in executed["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    if name == "model_evaluation":
        metrics = json.loads((tmp_path / "model_evaluation_metrics.json").read_text("utf-8"))
        assert (metrics["eval_version"], metrics["n"]) == ("frozen-v1", 220)
        assert 0.5 < metrics["macro_f1"] <= 1.0
