# Run `make help` for the list of targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
IN ?= data/raw
OUT ?= data/out
WORKERS ?= 2
SYSTEM_TOOLS := scripts/install-system-tools.sh

.PHONY: help venv venv-dev system-tools system-tools-test extract test lint bench bench-batch clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

# runtime dependencies only (what `make extract` needs)
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $(STAMP)

# plus the test, lint and notebook tools
$(DEV_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[dev]'
	touch $(DEV_STAMP)

venv: $(STAMP) ## create the virtual environment with the runtime dependencies (idempotent)

venv-dev: $(DEV_STAMP) ## the same plus the test and lint tools

system-tools: ## install LibreOffice, poppler, Tesseract when missing (Debian/Ubuntu, root or sudo)
	$(SYSTEM_TOOLS)

system-tools-test: ## the same plus what only the tests need (chromium, LibreOffice Calc)
	$(SYSTEM_TOOLS) --test

extract: $(STAMP) system-tools ## extract IN (default data/raw) into OUT (default data/out)
	$(PY) -m pipeline extract $(IN) --out $(OUT) --workers $(WORKERS)

test: $(DEV_STAMP) system-tools-test ## run the test suite
	$(PY) -m pytest -q

lint: $(DEV_STAMP) ## ruff and mypy
	$(PY) -m ruff check .
	$(PY) -m mypy schemas extractors pipeline

bench: $(DEV_STAMP) ## benchmarks against peer tools, results in bench/RESULTS.md
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) -m bench

bench-batch: $(DEV_STAMP) ## incremental re-run, 2-worker scaling, memory on 1,000 files, end-of-run memory at 200 and 20,000
	$(PY) -m bench.bench_batch --json bench/batch_results.json --md bench/BATCH_RESULTS.md \
		--memory-files 20000 --memory-small 200

clean: ## remove outputs and caches (keeps the environment)
	rm -rf data/out .pytest_cache .ruff_cache .mypy_cache
