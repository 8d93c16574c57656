#!/usr/bin/env bash
# Execute the analyst notebooks top to bottom, as CI does.
#
#   scripts/run_notebooks.sh                       # every notebooks/*.ipynb
#   scripts/run_notebooks.sh model_evaluation      # one (name with or without .ipynb)
#
# Plots go to $MINSHENG_NOTEBOOK_OUT (default notebooks/output/); executed copies, with their
# outputs, to $MINSHENG_NOTEBOOK_OUT/executed/. The notebooks in the repository stay without
# outputs. Needs nbclient, nbformat, ipykernel and matplotlib in the virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
export MINSHENG_NOTEBOOK_OUT=${MINSHENG_NOTEBOOK_OUT:-$PWD/notebooks/output}
export MPLBACKEND=Agg
"$PYTHON" - "$@" <<'PY'
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

notebooks = Path("notebooks")
names = [a if a.endswith(".ipynb") else a + ".ipynb" for a in sys.argv[1:]]
paths = [notebooks / n for n in names] or sorted(notebooks.glob("*.ipynb"))
out = Path(os.environ["MINSHENG_NOTEBOOK_OUT"]) / "executed"
out.mkdir(parents=True, exist_ok=True)
failed = []
for path in paths:
    if not path.is_file():
        sys.exit(f"no such notebook: {path}")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(notebooks)}}
    )
    started = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as exc:
        failed.append(path.name)
        print(f"FAILED {path.name}\n{exc}", file=sys.stderr)
    nbformat.write(nb, out / path.name)
    print(f"{'failed' if path.name in failed else 'ok':6s} {path.name} ({time.monotonic() - started:.0f}s)")
sys.exit(1 if failed else 0)
PY
