"""k-fold wall time of one text training run with 1 and with 2 Celery workers that share no disk.

Each worker gets its own HITL_VAR_DIR; the run's files travel through moto's S3 server (apps/training/run_store.py)
and MLflow's artifacts live in the same bucket. A third configuration, 1 worker without S3, is the local baseline
(what `make run` does). Needs PostgreSQL and Redis; the database is migrated here, and every run trains a fresh
project holding the same generated texts (a first run: no champion to compare with):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hitl_scaleout CELERY_BROKER_URL=redis://127.0.0.1:6379/12 \\
        .venv/bin/python scripts/bench_training_scale_out.py --texts 12000 --k 4 --rounds 3 --configs s3,s3x2

Prints one JSON object: per configuration and run the k-fold wall time (from the folds being queued to the finishing task
starting), the whole run's, which worker trained each fold, and the 1-minute load average around the run (the
machine may be shared). Workers start afresh for every run. A developer's measurement, not a test.
"""
import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[1] / "backend"
TMP = Path(tempfile.mkdtemp(prefix="scale-out-"))
os.environ.update({"HITL_VAR_DIR": str(TMP / "api-var"), "CELERY_QUEUE": f"scale-out-{uuid.uuid4().hex[:8]}",
                   "MLFLOW_TRACKING_URI": f"sqlite:///{TMP / 'mlflow.db'}", "DJANGO_SETTINGS_MODULE": "config.settings"})
sys.path.insert(0, str(BACKEND))
os.chdir(BACKEND)


def measure(run_id: int) -> dict:
    from apps.demo.bench.runs import run_stage_times
    from apps.training.models import RunStatus

    started = time.perf_counter()
    run, seen = run_stage_times(run_id)
    if run.status == RunStatus.FAILED:
        raise SystemExit(f"run {run.pk} failed: {run.error}")
    return {"kfold_s": round(seen["model_training"] - seen["kfold_model_training"], 2),
            "run_s": round(time.perf_counter() - started, 2),
            "fold_workers": [w.split("@")[0] for w in run.kfold.get("workers", [])]}


def wait_idle() -> None:
    """Until the workers run nothing: a new champion queues the project's scoring, which would overlap the next run."""
    from config.celery import app

    time.sleep(1)
    while True:
        inspect = app.control.inspect(timeout=1.0)
        busy = [*((inspect.active() or {}).values()), *((inspect.reserved() or {}).values())]
        if not any(busy):
            return
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=12_000)
    parser.add_argument("--k", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds; each runs every configuration once (interleaved, so load drift hits all alike)")
    parser.add_argument("--configs", default="local,s3,s3x2", help="a subset of local (1 worker, no S3), s3 (1 worker) "
                                                                   "and s3x2 (2 workers, own VAR_DIRs)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from ai_models.demo_data import LABELS, generate_text_demo
    from apps.accounts.services import user_create
    from apps.core.tests.live import start_workers, stop
    from apps.core.tests.servers import MotoServer
    from apps.items.services import items_import
    from apps.projects.services import project_create
    from apps.training.services import training_run_start

    call_command("migrate", verbosity=0)
    tag = uuid.uuid4().hex[:6]
    owner = user_create(username=f"scale-out-{tag}", password=uuid.uuid4().hex, roles=["ml_engineer"], actor=None)
    data = generate_text_demo(seed=5, n_labelled=args.texts, n_pool=0, n_holdout=1000)

    def fresh_project(n: int):
        """The same texts in a project of its own per configuration: every run is a first run (no champion)."""
        project = project_create(slug=f"scale-out-{tag}-{n}", name=f"Scale-out {n}", task="text_classification",
                                 labels=list(LABELS), creator=owner)
        items_import(project=project, rows=data["labelled"], actor=owner)
        items_import(project=project, rows=[{**r, "split": "holdout"} for r in data["holdout"]], actor=owner)
        return project

    s3 = MotoServer("hitl-scale-out").start()
    keys = {"DJANGO_SECRET_KEY": settings.SECRET_KEY, "AUDIT_HMAC_KEY": settings.AUDIT_HMAC_KEY,
            "SUBJECT_KEK": settings.SUBJECT_KEK}
    remote = {**s3.env(), "MLFLOW_ARTIFACT_ROOT": "s3://hitl-scale-out/mlflow"}
    os.environ.update({k: v for k, v in s3.env().items() if k.startswith(("AWS_", "MLFLOW_"))})
    configurations = {"local": [{**keys, "HITL_VAR_DIR": str(TMP / "w0-var")}],
                      "s3": [{**keys, **remote, "HITL_VAR_DIR": str(TMP / "w1-var")}],
                      "s3x2": [{**keys, **remote, "HITL_VAR_DIR": str(TMP / f"w{n}-var")} for n in (2, 3)]}
    chosen = args.configs.split(",")
    results = {"texts": args.texts, "holdout": 1000, "k": args.k, "cores": os.cpu_count(),
               "runs": {name: [] for name in chosen}}
    try:
        for round_ in range(args.rounds):
            for name in chosen:
                project = fresh_project(len(chosen) * round_ + chosen.index(name))
                envs = configurations[name]
                processes = start_workers(TMP, envs, names=[f"{name}-{round_}-w{i}" for i in range(len(envs))])
                try:
                    load_before = os.getloadavg()[0]
                    run = training_run_start(project=project, trigger="manual", overrides={"k_folds": args.k})
                    results["runs"][name].append({**measure(run.pk), "load1_before": round(load_before, 2),
                                                  "load1_after": round(os.getloadavg()[0], 2)})
                    print(name, results["runs"][name][-1], file=sys.stderr, flush=True)
                    wait_idle()
                finally:
                    for process, _ in processes:
                        stop(process)
    finally:
        s3.stop()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
