# The two commands that matter: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run lint test test-fast check build package system-deps lock clean

run: $(STAMP)
	$(BIN)/portal serve

# Lint and types first (pyproject.toml's [tool.ruff] and [tool.mypy]); a finding fails the run.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint system-deps
	$(BIN)/python -m pytest

# The quick loop while coding: unit and contract tests, no browser, no site build (under a minute).
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests/unit tests/contract -m "not slow and not browser" -q

check: $(STAMP)
	$(BIN)/portal check

build: $(STAMP)
	$(BIN)/portal build

# The Lambda package in build/lambda (infra/template.yaml's CodeUri), for LambdaArchitecture's value.
LAMBDA_ARCH ?= arm64
package: $(STAMP)
	$(BIN)/portal build
	$(BIN)/portal package --arch $(LAMBDA_ARCH)

# The virtualenv is rebuilt whenever the lock file or the project metadata change.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# Debian packages the browser tests need (Chromium); installed only when missing.
system-deps:
	@sh scripts/system-deps.sh

# Regenerate requirements.lock after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv==0.13.8
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf build var .pytest_cache
