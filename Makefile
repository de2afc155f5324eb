# Two commands on a fresh machine: `make run` and `make test`. Everything else is for the inner loop.
SHELL := /bin/bash
PY := .venv/bin/python
VENV_STAMP := .venv/.installed

.PHONY: run test test-fast test-backend test-ai lint venv lock simulate train bench repro clean-var

run: $(VENV_STAMP)
	scripts/run.sh

test: $(VENV_STAMP)
	scripts/test.sh

test-fast: $(VENV_STAMP)  ## no live processes, no full-demo training
	scripts/test.sh -m "not live and not slow"

test-ai: $(VENV_STAMP)
	$(PY) -m pytest -q ai_models

test-backend: $(VENV_STAMP)
	cd backend && ../$(PY) -m pytest -q

lint: $(VENV_STAMP)
	.venv/bin/ruff check backend ai_models

simulate: $(VENV_STAMP)  ## make simulate ROUNDS=5 PER_ROUND=200
	cd backend && ../$(PY) manage.py simulate_feedback --project demo-text --rounds $(or $(ROUNDS),5) --per-round $(or $(PER_ROUND),200)

train: $(VENV_STAMP)  ## make train PROJECT=demo-text (inline, with progress)
	cd backend && ../$(PY) manage.py train --project $(or $(PROJECT),demo-text) --inline

repro: $(VENV_STAMP)  ## make repro PROJECT=demo-shapes: the DVC pipeline for one project (default: params.yaml's)
	PATH="$(CURDIR)/.venv/bin:$$PATH" $(if $(PROJECT),dvc exp run -S PROJECT=$(PROJECT),dvc repro)

bench: $(VENV_STAMP)  ## serving throughput, API vs in-process; pipeline wall times (numbers in var/bench/*.json)
	cd backend && ../$(PY) manage.py migrate --noinput -v0 && ../$(PY) manage.py bootstrap_demo && ../$(PY) manage.py bench && ../$(PY) manage.py bench_pipeline

venv: $(VENV_STAMP)

# The venv is rebuilt only when the lock file or the ai_models package metadata change.
$(VENV_STAMP): requirements.lock ai_models/pyproject.toml
	scripts/venv.sh
	@touch $@

lock:  ## re-resolve requirements.in + requirements-dev.in into requirements.lock
	rm -rf /tmp/hitl-lock && python3.11 -m venv /tmp/hitl-lock
	/tmp/hitl-lock/bin/pip install -q -r requirements.in -r requirements-dev.in
	(echo "# Pinned with 'make lock' from requirements.in + requirements-dev.in."; /tmp/hitl-lock/bin/pip freeze) > requirements.lock

clean-var:  ## forget the local installation's data (database, models, storage)
	rm -rf var
