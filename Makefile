# The few tasks people need. Every target creates the virtual environment on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Line coverage of src/ for one pytest run (the gate, fail_under, is in pyproject.toml).
# Empty it for a run that should not measure: `make pytest PYTEST_COVERAGE=`.
PYTEST_COVERAGE ?= --cov --cov-report=term-missing:skip-covered

.PHONY: install run serve migrate seed test pytest lint format typecheck bench clean

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

## test: lint, type-check and the whole test suite (what CI runs)
test: lint typecheck pytest

pytest: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_COVERAGE)

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

format: $(STAMP)
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
