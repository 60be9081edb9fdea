# peerpath: `make run` serves with demo data on SQLite; `make test` runs lint, types and tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: run test lint types pytest lock audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(PIP) install -c requirements.lock -e .
	touch $@

$(DEV_STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(PIP) install -c requirements.lock -e '.[dev]'
	touch $@ $(RUN_STAMP)

## Create the environment, migrate var/peerpath.db, load demo data when new, serve on :8000.
run: $(RUN_STAMP)
	$(BIN)/peerpath db upgrade
	$(BIN)/peerpath demo --if-new
	$(BIN)/peerpath serve

## The whole suite: lint, format check, strict types, tests (SQLite; PostgreSQL when
## PEERPATH_TEST_POSTGRES_URL is set; browser tests when Chromium is installed).
test: $(DEV_STAMP) lint types pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks

types: $(DEV_STAMP)
	$(BIN)/mypy

## One pytest worker per core (pytest-xdist): the whole suite is about 38 minutes of work on
## two cores' worth of a CI machine, too long to run serially within CI's 90 minutes.
pytest: $(DEV_STAMP)
	$(BIN)/pytest -n auto

## Known vulnerabilities in the locked dependencies (pip-audit; says so when it cannot check).
audit: $(DEV_STAMP)
	$(BIN)/python scripts/audit_deps.py

## Re-pin every dependency (run after changing pyproject.toml's dependencies).
lock: | $(BIN)/python
	$(PIP) install -e '.[dev]'
	$(BIN)/python -m pip freeze --exclude-editable --all | grep -v '^pip==' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
