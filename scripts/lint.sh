#!/usr/bin/env bash
# make lint: ruff (pyflakes, pycodestyle, isort, bugbear, pyupgrade, simplify, gettext), mypy (strict for
# models and services) and import-linter (the domains' layering). Configuration: pyproject.toml.
# Runs every check, then fails if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
status=0
run() {
  echo "== $*"
  "$@" || status=1
}
run "$BIN/ruff" check .
run "$BIN/mypy"
run "$BIN/lint-imports" --no-cache
exit $status
