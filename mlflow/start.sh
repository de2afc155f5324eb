#!/bin/sh
# Starts the MLflow server from environment variables (set in docker-compose.yml).
set -eu

: "${MLFLOW_BACKEND_STORE_URI:?e.g. postgresql://mlflow:PASSWORD@postgres:5432/mlflow}"
: "${MLFLOW_ARTIFACTS_DESTINATION:?e.g. s3://mlflow-artifacts}"
# Host headers the server accepts (DNS-rebinding protection). MLflow's default is localhost and
# private IPs only, so "mlflow:5000" (other containers calling it by service name) would be refused.
: "${MLFLOW_ALLOWED_HOSTS:=mlflow,mlflow:*,localhost,localhost:*,127.0.0.1,127.0.0.1:*}"

# --serve-artifacts: clients upload/download through this server (mlflow-artifacts:/ URIs), so
# only this container needs the S3 credentials (AWS_* and MLFLOW_S3_ENDPOINT_URL).
exec mlflow server \
    --backend-store-uri "$MLFLOW_BACKEND_STORE_URI" \
    --artifacts-destination "$MLFLOW_ARTIFACTS_DESTINATION" \
    --serve-artifacts \
    --host 0.0.0.0 \
    --port 5000 \
    --workers "${MLFLOW_WORKERS:-2}" \
    --allowed-hosts "$MLFLOW_ALLOWED_HOSTS"
