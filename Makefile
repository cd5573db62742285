# Run `make help` for the list of targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
IN ?= data/raw
OUT ?= data/out
WORKERS ?= 2

.PHONY: help venv extract test lint bench bench-batch clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP) ## create the virtual environment (idempotent)

extract: $(STAMP) ## extract IN (default data/raw) into OUT (default data/out)
	$(PY) -m pipeline extract $(IN) --out $(OUT) --workers $(WORKERS)

test: $(STAMP) ## run the test suite
	$(PY) -m pytest -q

lint: $(STAMP) ## ruff and mypy
	$(PY) -m ruff check .
	$(PY) -m mypy schemas extractors pipeline

bench: $(STAMP) ## benchmarks against peer tools, results in bench/RESULTS.md
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) -m bench

bench-batch: $(STAMP) ## incremental re-run, 2-worker scaling, memory on 1,000 files
	$(PY) -m bench.bench_batch --json bench/batch_results.json --md bench/BATCH_RESULTS.md

clean: ## remove outputs and caches (keeps the environment)
	rm -rf data/out .pytest_cache .ruff_cache .mypy_cache
