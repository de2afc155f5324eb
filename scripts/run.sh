#!/usr/bin/env bash
# `make run`: migrate, set up the demo (users, project, first model), then serve the web app (built by
# make into frontend/dist) and the API on one port, a Celery worker and the MLflow UI on embedded
# defaults (SQLite, local folders, a SQLite broker) under var/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export HITL_VAR_DIR=${HITL_VAR_DIR:-$ROOT/var}
# Owner-only (as settings do for every Django process): var/ holds the database, stored items, secrets and logs.
# The chmod tightens an installation made before this rule, once per start.
umask 077
mkdir -p "$HITL_VAR_DIR" && chmod -R go-rwx "$HITL_VAR_DIR"
PORT=${PORT:-8000}
MLFLOW_PORT=${MLFLOW_PORT:-5000}
PY=$ROOT/.venv/bin/python
mkdir -p "$HITL_VAR_DIR/log" "$HITL_VAR_DIR/mlflow/artifacts"
export MLFLOW_TRACKING_URI=${MLFLOW_TRACKING_URI:-sqlite:///$HITL_VAR_DIR/mlflow/mlflow.db}

cd backend
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py bootstrap_demo

pids=()
cleanup() { trap - INT TERM EXIT; echo; echo "stopping..."; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup INT TERM EXIT

if [[ $MLFLOW_TRACKING_URI == sqlite:* ]]; then
  "$ROOT/.venv/bin/mlflow" server --backend-store-uri "$MLFLOW_TRACKING_URI" \
    --default-artifact-root "$HITL_VAR_DIR/mlflow/artifacts" --host 127.0.0.1 --port "$MLFLOW_PORT" \
    >"$HITL_VAR_DIR/log/mlflow.log" 2>&1 &
  pids+=($!)
  MLFLOW_UI="http://127.0.0.1:$MLFLOW_PORT"
else
  MLFLOW_UI="$MLFLOW_TRACKING_URI"
fi
# Model versions link their MLflow run in the browser when the UI has an http address.
if [[ $MLFLOW_UI == http* ]]; then export MLFLOW_UI_URL=${MLFLOW_UI_URL:-$MLFLOW_UI}; fi
# One worker consumes both queues (default and training: settings CELERY_TASK_QUEUES); -B: it also runs Celery beat
# (one process here), whose schedule rotates the queues' scoring windows, flushes the outbox and reaps stale runs.
"$ROOT/.venv/bin/celery" -A config worker -Q "${CELERY_QUEUE:-default},${CELERY_TRAINING_QUEUE:-${CELERY_QUEUE:+$CELERY_QUEUE-}training}" -B -s "$HITL_VAR_DIR/celerybeat-schedule" -l info --concurrency 1 \
  >"$HITL_VAR_DIR/log/worker.log" 2>&1 &
pids+=($!)
# ASGI (config.asgi): uvicorn workers, the predict fast path on their event loop, the rest of the API in WEB_THREADS
# threads per worker.
"$ROOT/.venv/bin/gunicorn" config.asgi:application -k uvicorn_worker.UvicornWorker --bind "127.0.0.1:$PORT" --workers 2 \
  --timeout 120 --keep-alive 10 --access-logfile "$HITL_VAR_DIR/log/access.log" >"$HITL_VAR_DIR/log/web.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
CREDENTIALS=$HITL_VAR_DIR/secrets/demo-credentials.txt
cat <<MSG

The platform is running (Ctrl-C stops it):
  Web app         http://127.0.0.1:$PORT/
MSG
if [[ -r $CREDENTIALS ]]; then
  echo "  Demo logins     (from $CREDENTIALS)"
  while read -r user password; do
    if [[ -n $user ]]; then printf '                  %-10s %s\n' "$user" "$password"; fi
  done <"$CREDENTIALS"
else
  echo "  Demo logins     annotator, reviewer, engineer, auditor, admin (passwords were printed when they were created)"
fi
cat <<MSG
  API             http://127.0.0.1:$PORT/api/v1/   (Swagger UI: http://127.0.0.1:$PORT/api/v1/docs/)
  Admin           http://127.0.0.1:$PORT/admin/
  Readiness       http://127.0.0.1:$PORT/readyz
  MLflow UI       $MLFLOW_UI
  Logs            $HITL_VAR_DIR/log/
The demo passwords were generated on the first run and are kept owner-only in $CREDENTIALS
(admin's is DJANGO_SUPERUSER_PASSWORD instead, when that was set on the first run). Get an API token with:
  curl -s -X POST http://127.0.0.1:$PORT/api/v1/auth/token/ -H 'Content-Type: application/json' \\
       -d '{"username": "annotator", "password": "..."}'
Try the loop:  make simulate ROUNDS=3 PER_ROUND=200
MSG
wait -n "${pids[@]}"
echo "a service stopped; see $HITL_VAR_DIR/log/" >&2
exit 1
