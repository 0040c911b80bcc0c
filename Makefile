# The README's two commands: `make start` (open a workshop) and `make test` (run every test).
# Each installs what it needs on a fresh machine first; re-running skips what is already there.
SHELL := /bin/bash
# The first Python the kit runs on (3.11 to 3.13; 3.11 first, the local CPU torch wheel's), unless PYTHON=... is given.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in python3.11 python3.12 python3.13 python3; do \
  $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' 2>/dev/null && { echo $$p; break; }; done)
endif
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.hocai-installed
APT_PACKAGES := bubblewrap chromium fonts-dejavu-core poppler-utils

.PHONY: install system-packages start test test-other-python test-unit test-fast lint benchmarks clean

# make start BUNDLE=/media/usb: install from an offline bundle (hocai bundle), no PyPI, no Debian archive.
ifdef BUNDLE
install:
	PYTHON="$(PYTHON)" bash "$(BUNDLE)/install.sh" --no-start "$(CURDIR)"
else
install: $(STAMP)
endif

# System packages: bubblewrap (autograde sandbox), Chromium (browser tests, JupyterLab for participants).
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Cài gói hệ thống:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(STAMP): pyproject.toml
	@"$(PYTHON)" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' 2>/dev/null || { \
	  echo "Cần Python 3.11, 3.12 hoặc 3.13 (Python 3.10 quá cũ cho nbgrader 0.9.6). Debian 12, Debian 13, Ubuntu 24.04:" \
	    "sudo apt install python3 python3-venv; Ubuntu 22.04: sudo apt install python3.11 python3.11-venv"; exit 1; }
	@[ -x $(BIN)/python ] || "$(PYTHON)" -c 'import ensurepip, venv' 2>/dev/null || { \
	  v=$$("$(PYTHON)" -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
	  echo "Python $$v chưa tạo được môi trường ảo (thiếu ensurepip): sudo apt install python$$v-venv"; exit 1; }
	$(MAKE) system-packages
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first, as the CPU build (a local CPU wheel pip finds, else PyTorch's CPU index): PyPI's default
	# would pull GBs of CUDA packages. Then the kit, and a check that no nvidia-* package got in.
	$(BIN)/python scripts/install_torch.py install
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python scripts/install_torch.py check
	# Vietnamese for the JupyterLab labels the language pack lacks (hocai/l10n, issue 18).
	$(BIN)/python -m hocai.l10n
	# JupyterHub's proxy (workshop server) comes from the npm registry.
	if command -v npm >/dev/null; then npm install --silent --no-audit --no-fund --no-save --prefix $(VENV)/node configurable-http-proxy@4; fi
	touch $(STAMP)

start: install
	$(BIN)/hocai start

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -rs --durations=30
	$(MAKE) test-other-python

# The unit tests again on a second Python 3.11-3.13 (CI: 3.12), in .venv/other-python: see the script.
test-other-python: install
	scripts/test-other-python.sh $(BIN)/python

test-unit: install
	$(BIN)/python -m pytest -q tests/unit

# Everything but Chromium and the slow end-to-end tests: the loop while changing code.
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

benchmarks: install
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean:
	rm -rf $(VENV) .hocai test-artifacts .pytest_cache
