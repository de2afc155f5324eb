#!/usr/bin/env bash
# `make test`: the ai_models suite, the backend suite (PostgreSQL when DATABASE_URL is set), the web app's
# type check and unit tests, then the end-to-end tests in headless Chromium against the real platform.
# Extra arguments go to both pytest runs (e.g. -m "not live"). HITL_E2E=0 skips the end-to-end tests.
# Every part runs even when an earlier one failed; the exit status is the first failure's.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$PWD/.venv/bin/python
status=0
failed=()
part() {  # part NAME COMMAND...: run one part, remember its failure
  local name=$1 rc=0
  shift
  echo "== $name =="
  "$@" || rc=$?
  if ((rc)); then
    failed+=("$name (exit $rc)")
    ((status)) || status=$rc
  fi
}
# pytest exits 5 when it collected no tests: that is a failure here, not a pass.
part "ai_models" $PY -m pytest -q ai_models "$@"
part "backend (database: ${DATABASE_URL:-sqlite})" bash -c 'cd backend && "$0" -m pytest -q "$@"' "$PY" "$@"
part "frontend type check" bash -c 'cd frontend && npm run --silent typecheck'
part "frontend unit tests" bash -c 'cd frontend && npx --no-install vitest run'
if [[ ${HITL_E2E:-1} != 0 ]]; then
  part "end-to-end (Chromium)" bash -c 'cd frontend && node e2e/run.mjs'
fi
if ((status)); then
  echo "FAILED: ${failed[*]}" >&2
fi
exit $status
