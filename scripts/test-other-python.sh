#!/usr/bin/env bash
# The unit tests on a second Python (issue 20): the kit accepts 3.11 to 3.13, so `make test` runs tests/unit again
# on another of them than .venv's (CI: 3.12, Ubuntu 24.04's), in .venv/other-python.
#
#   scripts/test-other-python.sh [MAIN_PYTHON]      (OTHER_PYTHON=python3.13 picks the second one)
#
# That environment has the kit's dependencies but no torch, on purpose: this machine's CPU torch wheel is for 3.11
# only, PyTorch's CPU index is not always reachable, and PyPI's torch is the CUDA build (GBs). The unit tests that
# need torch skip there, saying why; everything else (grader, exercises, content, safety, text, app...) runs.
# No second Python found: a message and success, unless HOCAI_REQUIRE_OTHER_PYTHON is set (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
MAIN_PYTHON="${1:-.venv/bin/python}"
VENV=.venv/other-python

version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }

main="$(version "$MAIN_PYTHON" || echo none)"
pick="" picked=""
for p in ${OTHER_PYTHON:-} python3.12 python3.13 python3.11 \
         "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12.*/bin/python3 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13.*/bin/python3 \
         "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.11.*/bin/python3; do
  v="$(version "$p")" || continue
  case "$v" in
    3.11|3.12|3.13) if [ "$v" != "$main" ]; then pick="$p" picked="$v"; break; fi ;;
  esac
done
if [ -z "$pick" ]; then
  echo "Bỏ qua kiểm thử trên Python thứ hai: máy không có Python 3.11–3.13 nào khác Python $main."
  [ -z "${HOCAI_REQUIRE_OTHER_PYTHON:-}" ] || exit 1
  exit 0
fi

# Reinstalled when the interpreter or the kit's packaging changes.
want="$("$pick" -c 'import sys; print(sys.version)' | head -1) $(cat pyproject.toml setup.py 2>/dev/null | sha256sum | cut -c1-16)"
if [ "$(cat "$VENV/.hocai-installed" 2>/dev/null)" != "$want" ]; then
  echo "Cài môi trường Python $picked thứ hai (không có torch) vào $VENV"
  rm -rf "$VENV"
  "$pick" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/python" scripts/install_torch.py requirements > "$VENV/requirements.txt"
  "$VENV/bin/pip" install -q -r "$VENV/requirements.txt"
  "$VENV/bin/pip" install -q --no-deps -e .
  "$VENV/bin/python" scripts/install_torch.py check
  echo "$want" > "$VENV/.hocai-installed"
fi
echo "Kiểm thử đơn vị trên Python $picked ($VENV, không có torch)"
exec "$VENV/bin/python" -m pytest -q -rs -p no:cacheprovider tests/unit
