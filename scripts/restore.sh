#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh, replacing what is there (the databases are dropped and recreated,
# the buckets emptied and refilled). Stop the web, the workers, beat and MLflow first; start them afterwards.
#   scripts/restore.sh DIR
# Needs a PostgreSQL role that may drop and create the databases (PG_ADMIN_URL, `make stack`: the superuser);
# the databases are recreated owned by the roles in DATABASE_URL and MLFLOW_DATABASE_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${1:?usage: scripts/restore.sh DIR}
# shellcheck disable=SC1091
if [[ -z ${DATABASE_URL:-} ]]; then set -a; source "${STACK_DIR:-var/stack}/stack.env"; set +a; fi
ADMIN_URL=${PG_ADMIN_URL:-$DATABASE_URL}
recreate() {  # recreate URL DUMP: drop the URL's database (closing its connections), create it, load the dump
  local url=$1 dump=$2 name owner
  name=$(basename "${url%%\?*}")
  owner=$(.venv/bin/python -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1]).username)' "$url")
  psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -qAt -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" \
    -c "CREATE DATABASE \"$name\" OWNER \"$owner\"" -c "REVOKE CONNECT ON DATABASE \"$name\" FROM PUBLIC"
  # As the owner: every restored object belongs to the application's role, as migrations made them.
  pg_restore --no-owner --exit-on-error --dbname="$url" "$dump"
}
recreate "$DATABASE_URL" "$SRC/hitl.dump"
if [[ -f $SRC/subject-keys.dump ]]; then  # keys erased since the backup are not in it: their content stays unreadable
  pg_restore --no-owner --exit-on-error --data-only --dbname="$DATABASE_URL" "$SRC/subject-keys.dump"
fi
# The key table's id sequence was not in hitl.dump's data: new keys must not reuse a restored key's id.
psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qAt -c \
  "SELECT setval(pg_get_serial_sequence('privacy_subjectkey', 'id'), COALESCE(max(id), 0) + 1, false) FROM privacy_subjectkey" \
  >/dev/null
recreate "${MLFLOW_DATABASE_URL:?}" "$SRC/mlflow.dump"
.venv/bin/python scripts/s3_copy.py upload "$SRC/s3" "$S3_BUCKET" "${MLFLOW_ARTIFACTS_BUCKET:-mlflow-artifacts}"
if [[ -d $SRC/secrets ]]; then
  mkdir -p "${HITL_VAR_DIR:-var}/secrets" && cp -a "$SRC/secrets/." "${HITL_VAR_DIR:-var}/secrets/"
fi
# Detector weights cached from the old registry are fetched again from the restored one.
rm -rf "${HITL_VAR_DIR:-var}/model-cache"
echo "restored from $SRC"
