#!/usr/bin/env bash
# `make stack` / `make stack-stop`: the production topology on one machine, without Docker, every service on
# 127.0.0.1: PostgreSQL (as found through DATABASE_URL, or its own cluster), Redis (as found through
# CELERY_BROKER_URL, or its own redis-server), moto's S3 server, `mlflow server` (PostgreSQL store, S3
# artifacts), gunicorn, a Celery worker per queue (`default`, `training`), Celery beat, pgAdmin 4.
#
#   scripts/stack.sh up                 start everything (idempotent), wait until each answers, print the URLs
#   scripts/stack.sh down               stop everything: TERM, then KILL after STACK_STOP_TIMEOUT (idempotent)
#   scripts/stack.sh start|stop SERVICE one service (postgres redis s3 mlflow web worker worker-training beat pgadmin)
#   scripts/stack.sh status             each service: running (pid) or stopped
#
# State (data, logs, pids, stack.env with the URLs) lives under STACK_DIR (default var/stack). The
# configuration (ports, passwords, external services) is fixed by the first `up` in $STACK_DIR/config.env;
# delete the directory to start over. Ports: STACK_PG_PORT STACK_REDIS_PORT STACK_S3_PORT STACK_MLFLOW_PORT
# STACK_WEB_PORT STACK_PGADMIN_PORT. STACK_PGADMIN=0 skips pgAdmin; STACK_DEMO=1 runs bootstrap_demo.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
BIN=$ROOT/.venv/bin
STACK_DIR=$(mkdir -p "${STACK_DIR:-$ROOT/var/stack}" && cd "${STACK_DIR:-$ROOT/var/stack}" && pwd)
STOP_TIMEOUT=${STACK_STOP_TIMEOUT:-20}
WAIT_TIMEOUT=${STACK_WAIT_TIMEOUT:-120}
SERVICES=(postgres redis s3 mlflow web worker worker-training beat pgadmin)
umask 077
# app/ is the services' HITL_VAR_DIR; app/uploads is FILE_UPLOAD_TEMP_DIR, which Django's checks require to exist.
mkdir -p "$STACK_DIR"/{log,run,secrets,app/uploads}

log() { echo "stack: $*" >&2; }
die() { log "$*"; exit 1; }
secret() {  # secret NAME: a random value generated once, owner-only
  local f=$STACK_DIR/secrets/$1
  [[ -s $f ]] || head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$f"
  cat "$f"
}

# --- configuration: fixed by the first `up` ---------------------------------------------------------------
if [[ -f $STACK_DIR/config.env ]]; then
  # shellcheck disable=SC1091
  source "$STACK_DIR/config.env"
else
  [[ ${1:-} == up ]] || die "no stack under $STACK_DIR (run: scripts/stack.sh up)"
  C_PG_PORT=${STACK_PG_PORT:-55432} C_REDIS_PORT=${STACK_REDIS_PORT:-56379} C_S3_PORT=${STACK_S3_PORT:-59000}
  C_MLFLOW_PORT=${STACK_MLFLOW_PORT:-55000} C_WEB_PORT=${STACK_WEB_PORT:-58000}
  C_PGADMIN_PORT=${STACK_PGADMIN_PORT:-55050}
  C_EXT_DATABASE_URL=${DATABASE_URL:-} C_EXT_BROKER_URL=${CELERY_BROKER_URL:-}
  C_PARAMS_FILE=${HITL_PARAMS_FILE:-}
  C_WEB_WORKERS=${STACK_WEB_WORKERS:-2}
  # The cluster's data: PostgreSQL refuses to run as root, so as root it runs as the postgres user, which must be
  # able to reach it; when a parent of STACK_DIR is owner-only (var/ is), it goes in postgres's home instead.
  C_PGDATA=${STACK_PG_DIR:-$STACK_DIR/pg}
  if ((EUID == 0)) && [[ -z ${STACK_PG_DIR:-} ]]; then
    chmod 711 "$STACK_DIR"
    if ! runuser -u postgres -- test -x "$STACK_DIR"; then
      C_PGDATA=$(getent passwd postgres | cut -d: -f6)/hitl-stack-$(echo "$STACK_DIR" | md5sum | cut -c1-12)
    fi
  fi
  for v in C_PG_PORT C_REDIS_PORT C_S3_PORT C_MLFLOW_PORT C_WEB_PORT C_PGADMIN_PORT C_EXT_DATABASE_URL \
           C_EXT_BROKER_URL C_PARAMS_FILE C_WEB_WORKERS C_PGDATA; do printf '%s=%q\n' "$v" "${!v}"; done >"$STACK_DIR/config.env"
fi

PGDATA=$C_PGDATA
PGBIN=${STACK_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
S3=http://127.0.0.1:$C_S3_PORT
if [[ -n $C_EXT_DATABASE_URL ]]; then
  DB_URL=$C_EXT_DATABASE_URL
  MLFLOW_DB_URL=${DB_URL%/*}/$(basename "${DB_URL%%\?*}")_mlflow
  ADMIN_DB_URL=$DB_URL
else
  DB_URL=postgres://hitl:$(secret hitl-db)@127.0.0.1:$C_PG_PORT/hitl
  MLFLOW_DB_URL=postgresql://mlflow:$(secret mlflow-db)@127.0.0.1:$C_PG_PORT/mlflow
  ADMIN_DB_URL=postgres://postgres:$(secret postgres-db)@127.0.0.1:$C_PG_PORT/postgres
fi
BROKER_URL=${C_EXT_BROKER_URL:-redis://127.0.0.1:$C_REDIS_PORT/0}

# The environment of every application process (gunicorn, workers, beat, manage.py), also written to stack.env.
app_env() {
  cat <<ENV
STACK_DIR=$STACK_DIR
HITL_VAR_DIR=$STACK_DIR/app
DATABASE_URL=$DB_URL
CELERY_BROKER_URL=$BROKER_URL
CELERY_QUEUE=default
CELERY_TRAINING_QUEUE=training
CELERY_TASK_ALWAYS_EAGER=false
S3_ENDPOINT_URL=$S3
S3_BUCKET=hitl-data
MLFLOW_ARTIFACTS_BUCKET=mlflow-artifacts
AWS_ACCESS_KEY_ID=stack
AWS_SECRET_ACCESS_KEY=stack
AWS_DEFAULT_REGION=us-east-1
MLFLOW_TRACKING_URI=http://127.0.0.1:$C_MLFLOW_PORT
MLFLOW_UI_URL=http://127.0.0.1:$C_MLFLOW_PORT
MLFLOW_DATABASE_URL=$MLFLOW_DB_URL
PG_ADMIN_URL=$ADMIN_DB_URL
WEB_URL=http://127.0.0.1:$C_WEB_PORT
PGADMIN_URL=http://127.0.0.1:$C_PGADMIN_PORT
DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
DJANGO_CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$C_WEB_PORT,http://localhost:$C_WEB_PORT
ENV
  if [[ -n $C_PARAMS_FILE ]]; then echo "HITL_PARAMS_FILE=$C_PARAMS_FILE"; fi
}
while IFS='=' read -r k v; do export "$k=$v"; done < <(app_env)
# Nothing else from the caller's environment reaches the services' Django settings by accident.
unset MLFLOW_ARTIFACT_ROOT STORAGE_ROOT

# --- processes ---------------------------------------------------------------------------------------------
pidfile() { echo "$STACK_DIR/run/$1.pid"; }
pid_of() {
  local f
  f=$(pidfile "$1")
  if [[ $1 == postgres && -z $C_EXT_DATABASE_URL ]]; then f=$PGDATA/postmaster.pid; fi
  [[ -s $f ]] && head -1 "$f" || true
}
alive() {  # a pid that runs (a zombie left to a non-reaping init does not count)
  local state
  [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null || return 1
  state=$(ps -o stat= -p "$1" 2>/dev/null || true)
  [[ -n $state && $state != Z* ]]
}
running() { alive "$(pid_of "$1")"; }
launch() {  # launch NAME CMD...: in its own session (process group), output to log/NAME.log
  local name=$1
  shift
  setsid "$@" >>"$STACK_DIR/log/$name.log" 2>&1 </dev/null &
  echo $! >"$(pidfile "$name")"
}
wait_until() {  # wait_until SERVICE CMD...: until CMD succeeds; bounded in time and count; fails at once if it exits
  local what=$1 deadline=$((SECONDS + WAIT_TIMEOUT)) n=0
  shift
  until "$@" >/dev/null 2>&1; do
    if ! running "$what"; then
      die "$what exited while starting; the end of $STACK_DIR/log/$what.log:
$(tail -n 15 "$STACK_DIR/log/$what.log" 2>/dev/null)"
    fi
    n=$((n + 1))
    if ((SECONDS >= deadline || n > WAIT_TIMEOUT * 4)); then
      die "$what did not answer within ${WAIT_TIMEOUT}s; see $STACK_DIR/log/"
    fi
    sleep 0.25
  done
}
rotate_log() {  # the readiness of Celery processes is a line in a fresh log; the previous one stays as .prev
  if [[ -f $STACK_DIR/log/$1.log ]]; then mv "$STACK_DIR/log/$1.log" "$STACK_DIR/log/$1.log.prev"; fi
}
http_ok() { curl -fsS -o /dev/null --max-time 3 "$1"; }
log_has() { grep -q "$2" "$STACK_DIR/log/$1.log"; }
as_pg() {  # PostgreSQL refuses to run as root: then run its binaries as the postgres user
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}
psql_admin() { "$PGBIN/psql" -h "$PGDATA" -p "$C_PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

start_postgres() {
  if [[ -n $C_EXT_DATABASE_URL ]]; then
    "$PGBIN/psql" "$DB_URL" -qAt -c 'select 1' >/dev/null || die "DATABASE_URL does not answer"
    if [[ -z $("$PGBIN/psql" "$DB_URL" -qAt -c "select 1 from pg_database where datname = '${MLFLOW_DB_URL##*/}'") ]]; then
      "$PGBIN/psql" "$DB_URL" -qAt -c "create database \"${MLFLOW_DB_URL##*/}\""
    fi
    return
  fi
  running postgres && return
  [[ -x $PGBIN/initdb ]] || die "no PostgreSQL binaries (looked in /usr/lib/postgresql/*/bin; set STACK_PG_BIN)"
  if [[ ! -f $PGDATA/PG_VERSION ]]; then
    mkdir -p "$PGDATA"
    if ((EUID == 0)); then chown postgres: "$PGDATA"; fi
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 \
      --no-instructions >>"$STACK_DIR/log/postgres.log"
  fi
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t "$WAIT_TIMEOUT" \
    -o "-p $C_PG_PORT -c listen_addresses=127.0.0.1 -k $PGDATA -c max_connections=200 -c log_lock_waits=on" start >/dev/null
  ln -sf "$PGDATA/server.log" "$STACK_DIR/log/postgres-server.log"
  if [[ ! -f $STACK_DIR/run/postgres.initialized ]]; then
    # The same roles and databases as docker-compose's database/init/01-roles.sql (it runs in database hitl).
    psql_admin -d postgres -c "alter role postgres password '$(secret postgres-db)'" \
      -c "create database hitl"
    HITL_DB_PASSWORD=$(secret hitl-db) MLFLOW_DB_PASSWORD=$(secret mlflow-db) \
      psql_admin -d hitl -f "$ROOT/database/init/01-roles.sql" >/dev/null
    touch "$STACK_DIR/run/postgres.initialized"
  fi
}
stop_postgres() {
  [[ -n $C_EXT_DATABASE_URL ]] && return
  running postgres || return 0
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w -t "$STOP_TIMEOUT" stop >/dev/null 2>&1 \
    || { local pid; pid=$(pid_of postgres); [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null || true; }
}

start_redis() {
  if [[ -n $C_EXT_BROKER_URL ]]; then return; fi
  running redis && return
  mkdir -p "$STACK_DIR/redis"
  launch redis redis-server --bind 127.0.0.1 --port "$C_REDIS_PORT" --save '' --appendonly yes \
    --dir "$STACK_DIR/redis" --protected-mode yes
  wait_until redis redis-cli -p "$C_REDIS_PORT" ping
}

start_s3() {
  running s3 && return
  launch s3 "$BIN/moto_server" -H 127.0.0.1 -p "$C_S3_PORT"
  wait_until s3 http_ok "$S3/moto-api/"
  "$PY" - <<'PY'
import os

import boto3

s3 = boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT_URL"])
existing = {b["Name"] for b in s3.list_buckets()["Buckets"]}
for bucket in (os.environ["S3_BUCKET"], os.environ["MLFLOW_ARTIFACTS_BUCKET"]):
    if bucket not in existing:
        s3.create_bucket(Bucket=bucket)
PY
}

start_mlflow() {
  running mlflow && return
  # +psycopg2: SQLAlchemy maps plain postgresql:// to psycopg 3. Artifacts go through this server to S3.
  # No server-side job execution (GenAI jobs, unused here): it starts eight busy huey consumers beside the
  # server, and they hold up its shutdown.
  MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false MLFLOW_S3_ENDPOINT_URL=$S3 launch mlflow "$BIN/mlflow" server \
    --backend-store-uri "postgresql+psycopg2://${MLFLOW_DB_URL#*://}" \
    --artifacts-destination "s3://$MLFLOW_ARTIFACTS_BUCKET" --serve-artifacts \
    --host 127.0.0.1 --port "$C_MLFLOW_PORT" --workers 1 \
    --allowed-hosts "127.0.0.1,127.0.0.1:$C_MLFLOW_PORT,localhost,localhost:$C_MLFLOW_PORT"
  wait_until mlflow http_ok "$MLFLOW_TRACKING_URI/health"
}

setup_app() {  # migrations, static files, the admin user (password in secrets/admin-password), the demo
  local step
  # Each step checked on its own (set -e does not apply inside a command whose status is tested).
  for step in "migrate --noinput -v0" "collectstatic --noinput -v0" \
              "create_user admin --superuser --role admin --if-missing" \
              "$([[ ${STACK_DEMO:-0} == 1 ]] && echo bootstrap_demo)"; do
    [[ -n $step ]] || continue
    # shellcheck disable=SC2086
    secret admin-password | (cd backend && "$PY" manage.py $step) >>"$STACK_DIR/log/setup.log" 2>&1 \
      || die "manage.py $step failed; see $STACK_DIR/log/setup.log"
  done
}

start_web() {
  running web && return
  (cd backend && launch web "$BIN/gunicorn" config.asgi:application -k uvicorn_worker.UvicornWorker \
    --bind "127.0.0.1:$C_WEB_PORT" --workers "$C_WEB_WORKERS" --timeout 120 --graceful-timeout 10 --keep-alive 10 \
    --access-logfile "$STACK_DIR/log/access.log")
  wait_until web http_ok "$WEB_URL/healthz"
}

start_celery() {  # start_celery NAME QUEUE CONCURRENCY
  running "$1" && return
  rotate_log "$1"
  (cd backend && launch "$1" "$BIN/celery" -A config worker -Q "$2" -n "$2@%h" --concurrency "$3" \
    -l info --without-mingle --without-gossip)
  wait_until "$1" log_has "$1" " ready\."
}
start_worker() { start_celery worker "$CELERY_QUEUE" "${STACK_WORKER_CONCURRENCY:-2}"; }
start_worker-training() { start_celery worker-training "$CELERY_TRAINING_QUEUE" 1; }
start_beat() {
  running beat && return
  rotate_log beat
  (cd backend && launch beat "$BIN/celery" -A config beat -l info -s "$STACK_DIR/app/celerybeat-schedule")
  wait_until beat log_has beat "beat: Starting"
}

PGADMIN_VERSION=9.18
PGADMIN_VENV=${STACK_PGADMIN_VENV:-$ROOT/var/pgadmin-venv}
start_pgadmin() {
  [[ ${STACK_PGADMIN:-1} == 0 ]] && return
  running pgadmin && return
  if [[ ! -f $PGADMIN_VENV/.installed-$PGADMIN_VERSION ]]; then
    log "installing pgAdmin $PGADMIN_VERSION into $PGADMIN_VENV (once; a few minutes)"
    local t0=$SECONDS
    python3 -m venv "$PGADMIN_VENV"
    "$PGADMIN_VENV/bin/pip" install -q "pgadmin4==$PGADMIN_VERSION" >>"$STACK_DIR/log/pgadmin-install.log" 2>&1 \
      || die "pgAdmin install failed; see $STACK_DIR/log/pgadmin-install.log"
    touch "$PGADMIN_VENV/.installed-$PGADMIN_VERSION"
    log "pgAdmin installed in $((SECONDS - t0))s"
  fi
  local data=$STACK_DIR/pgadmin site
  mkdir -p "$data"
  site=$("$PGADMIN_VENV/bin/python" -c 'import pgadmin4; print(list(pgadmin4.__path__)[0])')
  # pgAdmin imports `config_local` from its path: this stack's, through PYTHONPATH (the venv stays shared).
  cat >"$data/config_local.py" <<PYCONF
SERVER_MODE = True
DATA_DIR = "$data"
LOG_FILE = "$data/pgadmin4.log"
SQLITE_PATH = "$data/pgadmin4.db"
SESSION_DB_PATH = "$data/sessions"
STORAGE_DIR = "$data/storage"
DEFAULT_SERVER = "127.0.0.1"
DEFAULT_SERVER_PORT = $C_PGADMIN_PORT
UPGRADE_CHECK_ENABLED = False
PYCONF
  local email=admin@example.com
  if [[ ! -f $data/pgadmin4.db ]]; then
    # The pre-registered server of database/pgadmin/servers.json, pointed at this stack's PostgreSQL.
    "$PY" - "$ROOT/database/pgadmin/servers.json" "$data/servers.json" "$ADMIN_DB_URL" <<'PY'
import json, sys
from urllib.parse import urlsplit

servers = json.load(open(sys.argv[1]))
url = urlsplit(sys.argv[3])
for server in servers["Servers"].values():
    server.update(Name="hitl (scripts/stack.sh postgres)", Host=url.hostname, Port=url.port or 5432,
                  Username=url.username, Comment="make stack: the password is in var/stack/secrets/postgres-db")
json.dump(servers, open(sys.argv[2], "w"), indent=2)
PY
    PYTHONPATH=$data PGADMIN_SETUP_EMAIL=$email PGADMIN_SETUP_PASSWORD=$(secret pgadmin-password) \
      "$PGADMIN_VENV/bin/python" "$site/setup.py" setup-db >>"$STACK_DIR/log/pgadmin.log" 2>&1
    PYTHONPATH=$data "$PGADMIN_VENV/bin/python" "$site/setup.py" load-servers "$data/servers.json" --user "$email" \
      >>"$STACK_DIR/log/pgadmin.log" 2>&1
  fi
  PYTHONPATH=$data launch pgadmin "$PGADMIN_VENV/bin/python" "$site/pgAdmin4.py"
  wait_until pgadmin http_ok "$PGADMIN_URL/misc/ping"
}

stop_service() {  # TERM the service's process group, KILL after STOP_TIMEOUT
  local name=$1 pid
  if [[ $name == postgres ]]; then stop_postgres; return; fi
  pid=$(pid_of "$name")
  if alive "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT))
    while alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    if alive "$pid"; then
      log "$name did not stop within ${STOP_TIMEOUT}s: KILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  # Children left in the group (a worker's pool process) go too.
  [[ -n $pid ]] && kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$(pidfile "$name")"
}

write_env() {
  {
    app_env
    echo "STACK_PIDS_DIR=$STACK_DIR/run"
  } >"$STACK_DIR/stack.env"
}

status() {
  local s pid
  for s in "${SERVICES[@]}"; do
    if [[ ($s == postgres && -n $C_EXT_DATABASE_URL) || ($s == redis && -n $C_EXT_BROKER_URL) ]]; then
      printf '%-16s external\n' "$s"
      continue
    fi
    pid=$(pid_of "$s")
    if alive "$pid"; then printf '%-16s running (pid %s)\n' "$s" "$pid"; else printf '%-16s stopped\n' "$s"; fi
  done
}

cmd=${1:-up}
case $cmd in
  up)
    write_env
    t0=$SECONDS
    start_postgres; start_redis; start_s3; start_mlflow
    setup_app
    start_web; start_worker; start_worker-training; start_beat; start_pgadmin
    cat <<MSG
The stack is up under $STACK_DIR (${SECONDS}s; \`make stack-stop\` stops it). URLs and settings: $STACK_DIR/stack.env
  Web app and API  $WEB_URL/   (admin: user admin, password in $STACK_DIR/secrets/admin-password)
  Readiness        $WEB_URL/readyz
  MLflow           $MLFLOW_TRACKING_URI
  S3 (moto)        $S3   buckets $S3_BUCKET, $MLFLOW_ARTIFACTS_BUCKET
  PostgreSQL       ${DB_URL%%:*}://…@${DB_URL##*@}, MLflow's ${MLFLOW_DB_URL##*/}${C_EXT_DATABASE_URL:+ (as found)}
  Redis            $BROKER_URL
  Celery           workers: queue default, queue training; beat
MSG
    if [[ ${STACK_PGADMIN:-1} != 0 ]]; then
      echo "  pgAdmin          $PGADMIN_URL/  (admin@example.com, password in $STACK_DIR/secrets/pgadmin-password)"
    fi
    echo "  Logs             $STACK_DIR/log/"
    : "$t0"
    ;;
  down)
    for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do stop_service "${SERVICES[i]}"; done
    log "stopped"
    ;;
  start)
    [[ -n ${2:-} ]] || die "usage: stack.sh start SERVICE"
    declare -F "start_$2" >/dev/null || die "unknown service $2 (one of: ${SERVICES[*]})"
    "start_$2"
    ;;
  stop)
    [[ -n ${2:-} ]] || die "usage: stack.sh stop SERVICE"
    stop_service "$2"
    ;;
  status) status ;;
  *) die "usage: stack.sh up|down|status|start SERVICE|stop SERVICE" ;;
esac
