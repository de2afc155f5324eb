#!/usr/bin/env bash
# `make test`: the ai_models suite, then the backend suite (PostgreSQL when DATABASE_URL is set).
# Extra arguments go to both pytest runs (e.g. -m "not live").
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$PWD/.venv/bin/python
status=0
echo "== ai_models =="
$PY -m pytest -q ai_models "$@" || status=$?
echo "== backend (database: ${DATABASE_URL:-sqlite}) =="
(cd backend && $PY -m pytest -q "$@") || status=$((status ? status : $?))
# pytest exits 5 when it collected no tests: that is a failure here, not a pass.
exit $status
