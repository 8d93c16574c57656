# minsheng developer commands. `make demo` and `make test` are the two a new user needs.
.PHONY: setup demo test lint typecheck fmt bench-asr bench-classify

VENV := .venv/bin
SAMPLE ?= data/calls/gas_leak_01.wav

setup:
	bash scripts/setup.sh

demo: setup
	$(VENV)/minsheng process $(SAMPLE)

test: setup lint
	$(VENV)/python -m pytest -q

lint:
	$(VENV)/ruff check asr classify pipeline api tests bench scripts
	$(VENV)/mypy

fmt:
	$(VENV)/ruff format asr classify pipeline api tests bench scripts

bench-asr: setup
	$(VENV)/python bench/asr_bench.py

bench-classify: setup
	$(VENV)/python bench/classify_bench.py
