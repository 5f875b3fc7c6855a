# Everyday actions. `make serve` and `make test` set up everything they need on a fresh machine.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: serve test test-fast install dev index check validate lint format bench browser clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch first, pinned to the CPU wheel on this disk; a plain `torch` would pull a CUDA build
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install --quiet -e '.[dev]'
	touch $@

# the environment may set PYTHONDONTWRITEBYTECODE; compiled once here, every command starts ~0.1 s sooner
install: $(VENV)/.installed  ## create .venv and install papersearch
	@$(BIN)/python -m compileall -q src

dev: $(VENV)/.installed-dev  ## install papersearch with test and lint tools

index: install  ## build the index (incremental; a no-op when up to date)
	$(BIN)/papersearch index

check: install  ## is the index present and up to date?
	$(BIN)/papersearch index --check

validate: install  ## check the corpus
	$(BIN)/papersearch validate

serve: index  ## build the index if missing or stale, then start the service on 127.0.0.1:8000
	$(BIN)/papersearch serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),8000)

browser:  ## Debian's Chromium for the browser tests (needs root; skipped when present)
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "warning: could not install chromium; browser tests will be skipped"; \
		else echo "warning: /usr/bin/chromium missing and not root; browser tests will be skipped"; fi; \
	fi

# the test files run on JOBS processes (pytest-xdist), each file on one of them, so a file's
# server or Ray cluster starts once; the session index is built once for all of them (tests/conftest.py).
# --no-loadscope-reorder: the files are handed out in collection order, longest first (tests/conftest.py's
# LONGEST_FILES), not xdist's default of most tests first, which left the few-test, minutes-long files (Ray,
# the benchmark smoke runs, faults, a full disk) to the end, one worker running them while the other idled
JOBS ?= 2
XDIST := -n $(JOBS) --dist loadfile --no-loadscope-reorder
# what the edit loop leaves out: the markers are described in pyproject.toml
FAST := not (slow or browser or ray or fuzz or bench)

# bytecode for the tests as for `install`: where the environment sets PYTHONDONTWRITEBYTECODE, every process a run
# starts (the two workers, and each command, server, benchmark and Ray worker the tests start) compiled the modules it
# imported from source again, and pytest rewrote every test module again each run (collection took 11.3 s of CPU a
# worker instead of 5.5 s; a process importing the CLI, searcher, service and build, 0.15-0.3 s more). Compiled once
# here, and pytest keeps its rewritten test modules (tests/__pycache__, ignored by git) for the next run.
# Failures and expected failures are shown as Python's own tracebacks (--tb=native): pytest's richer style parses the
# test's source with ast, and once a worker has run Ray's threads CPython 3.11's ast depth count can be off (gh-106905),
# so formatting an expected failure of test_answer crashed the worker ("AST constructor recursion depth mismatch",
# INTERNALERROR) in a fresh clone's run; the assertion messages are the same either way.
TESTING := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q $(XDIST) --tb=native

test: dev browser  ## run the whole test suite
	@$(BIN)/python -m compileall -q src scripts tests
	$(TESTING) --durations=15

test-fast: dev  ## the edit loop: the suite without slow, browser, Ray, long fuzz and benchmark tests
	@$(BIN)/python -m compileall -q src scripts tests
	$(TESTING) -m "$(FAST)"

lint: dev  ## ruff check, format check and mypy --strict
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy --strict src

format: dev  ## reformat the code
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

bench: dev  ## full benchmark; writes docs/benchmarks.md
	$(BIN)/python scripts/bench.py

clean:  ## remove the built index and caches (keeps .venv)
	rm -rf index .pytest_cache .ruff_cache
