# The few tasks people need. Every target creates the virtual environment on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Line coverage of src/ for the SQLite pytest run (the gate, fail_under, is in pyproject.toml).
# Empty it for a run that should not measure: `make pytest PYTEST_COVERAGE=`.
PYTEST_COVERAGE ?= --cov --cov-report=term-missing:skip-covered

.PHONY: install run serve migrate seed test pytest pytest-sqlite pytest-postgres lint format typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## run: migrate, seed the demo data (once) and serve on $(HOST):$(PORT) over SQLite
run: $(STAMP)
	$(BIN)/control-tower migrate
	$(BIN)/control-tower seed --if-empty --quiet
	$(BIN)/control-tower serve --host $(HOST) --port $(PORT)

serve: $(STAMP)
	$(BIN)/control-tower serve --host $(HOST) --port $(PORT)

migrate: $(STAMP)
	$(BIN)/control-tower migrate

seed: $(STAMP)
	$(BIN)/control-tower seed --if-empty

## test: lint, type-check and the whole test suite on SQLite and on PostgreSQL (what CI runs)
test: lint typecheck pytest

## pytest: the suite on SQLite and on PostgreSQL (127.0.0.1:5432, TEST_PG_ADMIN_DSN), side by side
pytest: $(STAMP)
	CT_PYTEST_SQLITE_ARGS="$(PYTEST_COVERAGE)" $(BIN)/python -m tests.support.both_backends

pytest-sqlite: $(STAMP)
	CT_TEST_DATABASE=sqlite $(BIN)/python -m pytest $(PYTEST_COVERAGE)

pytest-postgres: $(STAMP)
	CT_TEST_DATABASE=postgresql $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench run
	$(BIN)/python -m bench report

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
