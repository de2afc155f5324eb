#!/usr/bin/env bash
# Backup of an installation: the application database, MLflow's database, both buckets and the secrets.
#   scripts/backup.sh DIR
# Connection settings come from the environment (DATABASE_URL, MLFLOW_DATABASE_URL, S3_ENDPOINT_URL, S3_BUCKET,
# MLFLOW_ARTIFACTS_BUCKET, AWS_*, HITL_VAR_DIR), or from $STACK_DIR/stack.env (default var/stack) when
# DATABASE_URL is not set: `make stack`'s installation. docs/operations.md, "Backup and restore", explains it;
# scripts/restore.sh puts it back. The tests run these same scripts (apps/core/tests/stack/test_stack_loop.py).
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=${1:?usage: scripts/backup.sh DIR}
# shellcheck disable=SC1091
if [[ -z ${DATABASE_URL:-} ]]; then set -a; source "${STACK_DIR:-var/stack}/stack.env"; set +a; fi
umask 077
mkdir -p "$DEST"
# 1. The databases, in pg_dump's custom format (consistent snapshots, restorable table by table). The data
#    subjects' content keys (privacy_subjectkey) go to a file of their own, taken after the main dump (so every key
#    of a sealed item in hitl.dump is in it) and meant to be kept for a shorter time: once no kept copy of a key
#    remains, every copy of what an erasure sealed under it is unreadable (docs/operations.md, "Subject keys").
pg_dump --format=custom --no-owner --exclude-table-data=privacy_subjectkey --file="$DEST/hitl.dump" "$DATABASE_URL"
pg_dump --format=custom --no-owner --data-only --table=privacy_subjectkey --file="$DEST/subject-keys.dump" \
  "$DATABASE_URL"
pg_dump --format=custom --no-owner --file="$DEST/mlflow.dump" "${MLFLOW_DATABASE_URL:?}"
# 2. The buckets: items' bytes (S3_BUCKET) and MLflow's artifacts (models, datasets' manifests, metrics).
.venv/bin/python scripts/s3_copy.py download "$DEST/s3" "$S3_BUCKET" "${MLFLOW_ARTIFACTS_BUCKET:-mlflow-artifacts}"
# 3. The secrets: the audit chain's HMAC key (without it the restored chain cannot be verified), Django's key and
#    SUBJECT_KEK (without it no subject key, so no sealed text or image, can be opened).
if [[ -d ${HITL_VAR_DIR:-var}/secrets ]]; then cp -a "${HITL_VAR_DIR:-var}/secrets" "$DEST/secrets"; fi
echo "backup written to $DEST: $(du -sh "$DEST" | cut -f1)"
