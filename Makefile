# The README's two commands: `make start` (open a workshop) and `make test` (run every test).
# Each installs what it needs on a fresh machine first; re-running skips what is already there.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.hocai-installed
APT_PACKAGES := bubblewrap chromium fonts-dejavu-core poppler-utils

.PHONY: install system-packages start test test-unit test-fast lint benchmarks clean

install: $(STAMP)

# System packages: bubblewrap (autograde sandbox), Chromium (browser tests, JupyterLab for participants).
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Cài gói hệ thống:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Cần Python 3.11 ($(PYTHON))."; exit 1; }
	$(MAKE) system-packages
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first: the pinned CPU build; anything else would pull GBs of CUDA packages.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	# Vietnamese for the JupyterLab labels the language pack lacks (hocai/l10n, issue 18).
	$(BIN)/python -m hocai.l10n
	# JupyterHub's proxy (workshop server) comes from the npm registry.
	if command -v npm >/dev/null; then npm install --silent --no-audit --no-fund --no-save --prefix $(VENV)/node configurable-http-proxy@4; fi
	touch $(STAMP)

start: install
	$(BIN)/hocai start

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -rs

test-unit: install
	$(BIN)/python -m pytest -q tests/unit

# Everything but Chromium and the slow end-to-end tests: the loop while changing code.
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not browser"

lint: install
	$(BIN)/ruff check .

benchmarks: install
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) .hocai test-artifacts .pytest_cache
