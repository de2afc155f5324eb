# Two commands on a fresh machine: `make run` and `make test`. Everything else is for the inner loop.
SHELL := /bin/bash
PY := .venv/bin/python
VENV_STAMP := .venv/.installed
# The web app: `npm ci` reruns only when the lock changes; the build only when its inputs do.
NPM_STAMP := frontend/node_modules/.installed
DIST := frontend/dist/index.html
FRONTEND_INPUTS := frontend/package-lock.json frontend/index.html frontend/vite.config.ts \
	$(wildcard frontend/tsconfig*.json) $(shell find frontend/src frontend/public -type f 2>/dev/null)

.PHONY: run test test-fast test-backend test-ai test-frontend e2e lint venv frontend lock simulate train bench repro clean-var \
	learning-curve learning-curve-detection \
	stack stack-stop

run: $(VENV_STAMP) $(DIST)
	scripts/run.sh

test: $(VENV_STAMP) $(DIST)  ## everything: ai_models, backend, frontend unit tests, end-to-end tests in Chromium
	scripts/test.sh

test-fast: $(VENV_STAMP) $(NPM_STAMP)  ## no live processes, no native stack, no full-demo training, no browser
	HITL_E2E=0 scripts/test.sh -m "not live and not slow and not stack"

test-frontend: $(NPM_STAMP)  ## type check and unit tests of the web app
	cd frontend && npm run typecheck && npx vitest run

e2e: $(VENV_STAMP) $(DIST)  ## only the end-to-end tests (make e2e E2E="audit access" picks test files)
	cd frontend && node e2e/run.mjs $(E2E)

test-ai: $(VENV_STAMP)
	$(PY) -m pytest -q ai_models

test-backend: $(VENV_STAMP)
	cd backend && ../$(PY) -m pytest -q

lint: $(VENV_STAMP) $(NPM_STAMP)  ## ruff, and the checked-in API client must match the backend's schema
	.venv/bin/ruff check backend ai_models
	scripts/gen-api-client.sh --check

simulate: $(VENV_STAMP)  ## make simulate ROUNDS=5 PER_ROUND=200
	cd backend && ../$(PY) manage.py simulate_feedback --project demo-text --rounds $(or $(ROUNDS),5) --per-round $(or $(PER_ROUND),200)

train: $(VENV_STAMP)  ## make train PROJECT=demo-text (inline, with progress)
	cd backend && ../$(PY) manage.py train --project $(or $(PROJECT),demo-text) --inline

repro: $(VENV_STAMP)  ## make repro PROJECT=demo-shapes: the DVC pipeline for one project (default: params.yaml's)
	PATH="$(CURDIR)/.venv/bin:$$PATH" $(if $(PROJECT),dvc exp run -S PROJECT=$(PROJECT),dvc repro)

bench: $(VENV_STAMP) $(DIST)  ## issue 9's targets vs their references (table: var/bench/results.json, docs/performance.md); pipeline; web app. BENCH_QUICK=1 to try it
	cd backend && ../$(PY) manage.py migrate --noinput -v0 && ../$(PY) manage.py bootstrap_demo \
	  && $(if $(filter-out 0,$(BENCH_QUICK)),true,../$(PY) manage.py bench_pipeline) && ../$(PY) manage.py bench
	$(if $(filter-out 0,$(BENCH_QUICK)),true,cd frontend && node scripts/bench.mjs)

# A throw-away database, MLflow store and object folder under var/bench/learning-curve-work: the benchmark's projects
# never mix with the installation's. LC_ARGS="--quick" (or --strategy/--family/--rounds ...) to try it; only the full
# default run rewrites docs/learning.md. The secret key is fixed because the random strategy's shuffle is keyed by it:
# the same run gives the same curves (nothing is served from that database, and it is deleted on the next run).
LC_WORK := $(CURDIR)/var/bench/learning-curve-work
learning-curve: $(VENV_STAMP)  ## issue 11: queue strategies x text model families on the hard corpus (var/bench/learning-curve.*, docs/learning.md)
	rm -rf $(LC_WORK)
	cd backend && env -u DATABASE_URL -u CELERY_BROKER_URL -u MLFLOW_TRACKING_URI -u MLFLOW_ARTIFACT_ROOT -u S3_BUCKET \
	  HITL_VAR_DIR=$(LC_WORK) DJANGO_SECRET_KEY=learning-curve-benchmark-fixed-seed bash -c '../$(PY) manage.py migrate --noinput -v0 && ../$(PY) manage.py learning_curve \
	  --out ../var/bench $(if $(LC_ARGS),$(LC_ARGS),--doc ../docs/learning.md)'

# The same pattern for the detection curve (least confident vs random on demo-shapes' images, YOLO on the CPU, about
# 20 minutes on 2 cores): its own throw-away work dir; LCD_ARGS="--quick" (or --rounds/--per-round/--seed ...) to try
# it; only the full default run rewrites docs/learning.md's "Detection learning curve".
LCD_WORK := $(CURDIR)/var/bench/learning-curve-detection-work
learning-curve-detection: $(VENV_STAMP)  ## issue 11: least confident vs random on demo-shapes (var/bench/learning-curve-detection.*, docs/learning.md)
	rm -rf $(LCD_WORK)
	cd backend && env -u DATABASE_URL -u CELERY_BROKER_URL -u MLFLOW_TRACKING_URI -u MLFLOW_ARTIFACT_ROOT -u S3_BUCKET \
	  HITL_VAR_DIR=$(LCD_WORK) DJANGO_SECRET_KEY=learning-curve-benchmark-fixed-seed bash -c '../$(PY) manage.py migrate --noinput -v0 && ../$(PY) manage.py learning_curve \
	  --task detection --out ../var/bench $(if $(LCD_ARGS),$(LCD_ARGS),--doc ../docs/learning.md)'

venv: $(VENV_STAMP)

frontend: $(DIST)

$(NPM_STAMP): frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

$(DIST): $(NPM_STAMP) $(FRONTEND_INPUTS)
	cd frontend && npm run build
	@touch $@

# The venv is rebuilt only when the lock file or the ai_models package metadata change.
$(VENV_STAMP): requirements.lock requirements-models.txt ai_models/pyproject.toml
	scripts/venv.sh
	@touch $@

lock:  ## re-resolve requirements.in + requirements-dev.in into requirements.lock
	rm -rf /tmp/hitl-lock && python3.11 -m venv /tmp/hitl-lock
	/tmp/hitl-lock/bin/pip install -q -r requirements.in -r requirements-dev.in
	(echo "# Pinned with 'make lock' from requirements.in + requirements-dev.in."; /tmp/hitl-lock/bin/pip freeze) > requirements.lock

stack: $(VENV_STAMP) $(DIST)  ## the production topology natively (scripts/stack.sh): PostgreSQL, Redis, S3, MLflow, workers, pgAdmin
	scripts/stack.sh up

stack-stop:  ## stop everything `make stack` started (state stays in var/stack)
	scripts/stack.sh down

clean-var:  ## forget the local installation's data (database, models, storage)
	rm -rf var
