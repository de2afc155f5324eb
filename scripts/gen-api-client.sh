#!/usr/bin/env bash
# The frontend's typed API client comes from the backend's OpenAPI schema.
#   scripts/gen-api-client.sh          regenerate frontend/src/lib/api/schema.d.ts
#   scripts/gen-api-client.sh --check  fail when the checked-in file differs (CI: an API change broke the app)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
out=frontend/src/lib/api/schema.d.ts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A throwaway var dir: generating the schema must not touch the local installation's data. Always on the
# embedded SQLite settings: drf-spectacular derives integer formats from the database's field ranges, so the
# schema (and the client) would otherwise differ between a PostgreSQL CI and a developer's SQLite.
(cd backend && env -u DATABASE_URL HITL_VAR_DIR="$tmp/var" "$ROOT/.venv/bin/python" manage.py spectacular --format openapi-json \
   --file "$tmp/openapi.json" --validate --fail-on-warn)
(cd frontend && npx --no-install openapi-typescript "$tmp/openapi.json" -o "$tmp/schema.d.ts" >/dev/null)
if [[ ${1:-} == --check ]]; then
  if ! diff -u "$out" "$tmp/schema.d.ts" >"$tmp/diff"; then
    echo "gen-api-client: $out is out of date with the backend's OpenAPI schema:" >&2
    head -60 "$tmp/diff" >&2
    echo "run scripts/gen-api-client.sh and commit the result" >&2
    exit 1
  fi
  echo "gen-api-client: the typed API client matches the schema"
else
  cp "$tmp/schema.d.ts" "$out"
  echo "gen-api-client: wrote $out"
fi
