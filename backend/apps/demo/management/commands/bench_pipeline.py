"""`manage.py bench_pipeline`: the training pipeline's wall times with real Celery workers.

1. k-fold wall time on the text demo with 1 and with 2 workers (folds run as a Celery group);
2. retraining overhead, on a project of `--texts` (50,000) and one of `--small-texts` (1,000) texts: the time from
   a correction that reaches `retrain_min_feedback` (the retraining starts through Celery, as in production) to the
   registered candidate, beside the bare fit time of the same model (params.yaml's parameters, the run's own
   train + val rows, fitted once in this process). The goal: trigger → candidate ≤ 1.5 × fit × (K + 1) at 50,000
   texts, and trigger → candidate − fit × (K + 1) < 5 s at 1,000. Each sample also has the run's stage timeline
   (seconds after the answer at which each stage was first seen), to show where the overhead goes.
Workers are started here, on a queue of their own, against this installation's database and broker. Results are
printed and written to var/bench/pipeline.json. `--quick` skips the k-fold comparison (tests, quick looks).
"""
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.demo.bench.runs import run_stage_times
from apps.demo.services import DEMO_SLUG
from apps.feedback.services import feedback_submit
from apps.items.models import Item
from apps.items.services import items_import
from apps.predictions.services import predictions_create
from apps.projects.models import Project
from apps.projects.services import project_create
from apps.training.heartbeat import training_run_fail
from apps.training.models import ModelVersion, RunStatus, TrainingRun
from apps.training.selectors import champion_get, training_run_active
from apps.training.services import training_run_start

POLL_S = 0.02  # the bench's own polling: small beside the smallest overhead it measures


class Command(BaseCommand):
    help = "k-fold wall time with 1 vs 2 workers, and answer-to-candidate time beside the bare fit time."

    def add_arguments(self, parser):
        parser.add_argument("--texts", type=int, default=50_000)
        parser.add_argument("--small-texts", type=int, default=1_000)
        parser.add_argument("--repeats", type=int, default=1, help="retrainings per project size")
        parser.add_argument("--quick", action="store_true", help="skip the k-fold 1 vs 2 workers comparison")
        parser.add_argument("--out", type=Path, default=None)

    def handle(self, *args, texts, small_texts, repeats, quick, out, **options):
        from config.celery import app

        demo = Project.objects.filter(slug=DEMO_SLUG).first()
        if demo is None:
            raise CommandError("Run bootstrap_demo first.")
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        # This process sends to the bench's own pair of queues (settings named them before `queue` existed); the
        # workers below, started with CELERY_QUEUE=queue, route and listen the same way.
        app.conf.task_default_queue = queue
        app.conf.task_routes = {"training.retrain_check": {"queue": queue}, "training.reap_stale_runs": {"queue": queue},
                                "training.*": {"queue": f"{queue}-training"}}
        results = {"kfold_wall_s": {}, "k": None}
        for count in () if quick else (1, 2):
            with Workers(count, queue):
                run = self._run(demo)
                results["kfold_wall_s"][f"{count}_worker{'s' if count > 1 else ''}"] = run["kfold_s"]
                results["k"] = run["k"]
        with Workers(2, queue):
            retrain = {str(n): retrain_summary([self._retrain(n) for _ in range(repeats)])
                       for n in dict.fromkeys((texts, small_texts))}
        big = retrain[str(texts)]
        results.update(texts=texts, small_texts=small_texts, feedback_to_candidate_s=big["trigger_to_candidate_s"],
                       retrain=retrain)
        out = out or settings.VAR_DIR / "bench" / "pipeline.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2))
        self.stdout.write(json.dumps(results, indent=2))
        self.stdout.write(f"written to {out}")

    def _run(self, project) -> dict:
        run, seen = run_stage_times(training_run_start(project=project, trigger="manual").pk)
        if run.status == RunStatus.FAILED:
            raise CommandError(f"run {run.pk} failed: {run.error}")
        start, end = seen.get("kfold_model_training"), seen.get("model_training")
        return {"kfold_s": round(end - start, 2) if start and end else None, "k": run.kfold.get("k")}

    def _retrain(self, texts: int) -> dict:
        """One retraining from a correction on a project of `texts` texts: its times and the bare fit time."""
        project = bench_project(texts)
        before = ModelVersion.objects.filter(project=project).count()
        last_run = TrainingRun.objects.filter(project=project).order_by("-id").values_list("id", flat=True).first()
        user = project.created_by
        _, (prediction,) = predictions_create(project=project, inputs=[{"text": f"bench {uuid.uuid4()}"}], actor=user)
        wrong = next(label for label in project.labels if label != prediction.label)
        started = time.perf_counter()
        feedback_submit(prediction=prediction, annotator=user, verdict="correct", label=wrong)
        stages: dict[str, float] = {}
        run = None
        while ModelVersion.objects.filter(project=project).count() == before:
            run = run or TrainingRun.objects.filter(project=project, pk__gt=last_run or 0).first()
            if run is not None:
                run.refresh_from_db(fields=["status", "error", "progress"])
                if run.status == RunStatus.FAILED:
                    raise CommandError(f"run {run.pk} failed: {run.error}")
                stages.setdefault(stage_name(run.progress), round(time.perf_counter() - started, 3))
            time.sleep(POLL_S)
        elapsed = time.perf_counter() - started
        run = TrainingRun.objects.filter(project=project, pk__gt=last_run or 0).get()
        fit = bare_fit(run)
        return {"trigger_to_candidate_s": round(elapsed, 2), "bare_fit_s": fit["seconds"], "k": run.kfold.get("k"),
                "n_train": fit["n_train"], "stages_s": stages}


def stage_name(progress: dict) -> str:
    stage = progress.get("stage", "?")
    return f"{stage} {progress['fold']}/{progress['folds']}" if stage == "kfold_model_training" else stage


def bench_project(texts: int) -> Project:
    """The bench's text project of `texts` labelled texts (made, with a first champion, on first use)."""
    from ai_models.demo_data import generate_text_demo

    slug = f"bench-{texts // 1000}k" if texts % 1000 == 0 else f"bench-{texts}"
    project = Project.objects.filter(slug=slug).first()
    admin = Project.objects.get(slug=DEMO_SLUG).created_by
    if project is None:
        project = project_create(slug=slug, name=f"Bench {texts:,}", task="text_classification",
                                 labels=["billing", "technical", "shipping", "account", "product_question"],
                                 creator=admin, retrain_min_feedback=1, require_approval=True)
    if not Item.objects.filter(project=project).exists():  # new, or an earlier bench failed before its import
        data = generate_text_demo(seed=11, n_labelled=texts, n_pool=0, n_holdout=max(100, min(1000, texts // 5)))
        items_import(project=project, rows=data["labelled"], actor=admin, source="bench")
        items_import(project=project, rows=[{**r, "split": "holdout"} for r in data["holdout"]], actor=admin,
                     source="bench")
    if champion_get(project=project) is None:  # new, or an earlier bench stopped before its first champion
        stuck = training_run_active(project=project)
        if stuck is not None:  # queued for workers of an earlier bench run that are gone
            training_run_fail(run=stuck, error="bench_pipeline: its workers are gone; a new run is started")
        run = training_run_start(project=project, trigger="manual")  # a champion to compare with
        while run.status not in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            time.sleep(0.5)
            run.refresh_from_db()
        if run.status == RunStatus.FAILED:
            raise CommandError(f"{slug}'s first training run failed: {run.error}")
    return project


def bare_fit(run: TrainingRun) -> dict:
    """Fit the run's text model once in this process: its params, its own train + val rows (the final model's
    data, from the run's formatted table), nothing else. Returns {"seconds", "n_train"}."""
    from ai_models.params import TextParams
    from ai_models.stages.common import read_csv
    from ai_models.stages.raw import text_examples
    from ai_models.text_classification import train_text_classifier
    from apps.training.pipeline import run_paths

    rows = [r for r in read_csv(run_paths(run.pk).formatted / "table.csv") if r["split"] in ("train", "val")]
    examples, params = text_examples(rows), TextParams.from_params(run.params)
    started = time.perf_counter()
    train_text_classifier(examples, run.project.labels, params)
    return {"seconds": round(time.perf_counter() - started, 3), "n_train": len(rows)}


def retrain_summary(samples: list[dict]) -> dict:
    """Medians over the samples (and every sample), with ratio = trigger → candidate / (fit × (K + 1)) and
    overhead = trigger → candidate − fit × (K + 1)."""
    for s in samples:
        budget = s["bare_fit_s"] * ((s["k"] or 0) + 1)
        s["ratio"] = round(s["trigger_to_candidate_s"] / budget, 2) if budget else None
        s["overhead_s"] = round(s["trigger_to_candidate_s"] - budget, 2)

    def median(key):
        values = [s[key] for s in samples if s[key] is not None]
        return round(statistics.median(values), 3) if values else None

    return {"trigger_to_candidate_s": median("trigger_to_candidate_s"), "bare_fit_s": median("bare_fit_s"),
            "k": samples[0]["k"], "n_train": samples[0]["n_train"], "ratio": median("ratio"),
            "overhead_s": median("overhead_s"), "samples": samples}


class Workers:
    """N Celery worker processes (solo pool) on `queue`, stopped on exit."""

    def __init__(self, count: int, queue: str):
        self.count, self.queue, self.processes = count, queue, []

    def __enter__(self):
        env = {**os.environ, "CELERY_QUEUE": self.queue}
        logs = []
        for n in range(self.count):
            log = settings.VAR_DIR / "bench" / f"worker-{n}.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            logs.append(log)
            self.processes.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", f"{self.queue},{self.queue}-training",
                 "--pool", "solo", "-n", f"bench{n}-{self.queue}@%h", "-l", "info"], cwd=settings.BASE_DIR, env=env,
                stdout=log.open("w"), stderr=subprocess.STDOUT))
        # Readiness from the workers' own logs: broadcast pings do not work on the embedded SQLite broker.
        deadline = time.monotonic() + 120
        while not all(" ready." in log.read_text() for log in logs):
            if time.monotonic() > deadline:
                raise CommandError(f"workers did not start; see {logs}")
            time.sleep(0.5)
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=30)
