# The two commands of the README: `make run` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Ralph, the LRS that tests/live/test_xapi_lrs.py starts, in a venv of its own: its pins
# (click<8.2.1, importlib-metadata<8.6) clash with the app's.
RALPH_VENV := .venv-ralph
RALPH_REQUIREMENTS := tests/live/ralph-requirements.txt
RALPH_STAMP := $(RALPH_VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi

.PHONY: install run test lint bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(RALPH_STAMP): $(RALPH_REQUIREMENTS)
	$(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/python -m pip install --quiet -r $(RALPH_REQUIREMENTS)
	touch $(RALPH_STAMP)

install: $(STAMP) $(RALPH_STAMP)

# Development server on SQLite (instance/sourcequiz.sqlite3): the article's bank, demo accounts.
run: export SOURCEQUIZ_ENV ?= development
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) questions load
	$(FLASK) demo
	$(FLASK) run --host $(HOST) --port $(PORT)

# The whole suite; PostgreSQL tests run when TEST_DATABASE_URL is set. TEST_WORKERS pytest-xdist
# workers (`--dist loadgroup`: the Schemathesis runs stay on one worker, the browser tests on
# another); one more than this 2-core machine has cores, since the tests wait on PostgreSQL,
# gunicorn and Chromium as much as they compute. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 3
test: $(STAMP) $(RALPH_STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# ruff and import-linter are pinned in pyproject.toml's dev extras, so a new release cannot
# fail CI. The import-linter contract ([tool.importlinter]): api and cli above services and
# content, above domain, no arrows back.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
