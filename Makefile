# Two commands for a newcomer: `make demo` and `make test`. Both work on a fresh machine with
# only python3 (3.11+) and make, and both may be run again at any time.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The stamp records which lock the venv was installed from: relock, and the next make reinstalls.
STAMP := $(VENV)/.installed
# Every package, with its hashes, for Python 3.11+ on any platform: runtime and dev tools.
LOCK := requirements-dev.lock
# The tool that writes the locks, pinned so that relocking is itself reproducible.
UV := uv==0.13.9

.PHONY: demo test lint typecheck pytest bench lock clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("需要 Python 3.11 或更高版本 / Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

# Plain pip installs exactly the locked files (any other file or version fails the hash check);
# the project itself goes on top, without resolving anything again.
$(STAMP): $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# After changing a dependency in pyproject.toml: rewrite both locks (needs PyPI), then any make
# target reinstalls. requirements.lock is the runtime alone, for production installs.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet '$(UV)'
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes --quiet -o $(LOCK)

demo: $(STAMP)
	$(BIN)/survey demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python docs/interfaces.py --check

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
	for script in cli_start report_bench roster_bench submit_bench; do $(BIN)/python bench/$$script.py || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
