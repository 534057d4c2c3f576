# Genius ERP: the two commands are `make run` and `make test`; everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export GENIUS_DATA_DIR ?= $(CURDIR)/var

.PHONY: setup run test test-unit lint bench lock system-packages clean

setup: $(STAMP) system-packages

# The venv is rebuilt only when the dependency declarations change; versions come from the lock.
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

system-packages:
	@bash scripts/system-packages.sh

run: setup
	$(VENV)/bin/genius serve

test: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench || true
	$(VENV)/bin/lint-imports

bench: setup
	$(PY) -m bench

# Refresh the lock after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
