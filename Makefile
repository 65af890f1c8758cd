# Two commands for a newcomer: `make demo` and `make test`. Both work on a fresh machine with
# only python3 (3.11+) and make, and both may be run again at any time.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp records which pyproject.toml the venv was installed from: edit it, and the next
# make reinstalls.
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("需要 Python 3.11 或更高版本 / Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/survey demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# The suite in two runs: the parallel-safe tests on PYTEST_WORKERS processes, then the `serial`
# ones (real browsers, wall-clock bounds, kill -9) alone. Status 5 is pytest's "nothing
# selected": allowed when PYTEST_ARGS picks a subset that one of the runs has no test of, never
# for the whole suite.
PYTEST_WORKERS ?= 2
NONE_SELECTED_OK := $(if $(PYTEST_ARGS),|| [ $$? -eq 5 ])

pytest: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not serial" $(PYTEST_ARGS) $(NONE_SELECTED_OK)
	$(BIN)/pytest -m serial $(PYTEST_ARGS) $(NONE_SELECTED_OK)

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
