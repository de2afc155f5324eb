"""`manage.py bench_pipeline`: the training pipeline's wall times with real Celery workers.

1. k-fold wall time on the text demo with 1 and with 2 workers (folds run as a Celery group);
2. the time from the last feedback to a registered candidate on a project of 50,000 texts (a correction that
   reaches `retrain_min_feedback` starts the retraining through Celery, as in production).
Workers are started here, on a queue of their own, against this installation's database and broker. Results are
printed and written to var/bench/pipeline.json.
"""
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.demo.services import DEMO_SLUG
from apps.feedback.services import feedback_submit
from apps.items.services import items_import
from apps.predictions.services import predictions_create
from apps.projects.models import Project
from apps.projects.services import project_create
from apps.training.models import ModelVersion, RunStatus, TrainingRun
from apps.training.services import training_run_start

BIG_SLUG = "bench-50k"


class Command(BaseCommand):
    help = "k-fold wall time with 1 vs 2 workers, and feedback-to-candidate time on 50k texts."

    def add_arguments(self, parser):
        parser.add_argument("--texts", type=int, default=50_000)
        parser.add_argument("--out", type=Path, default=None)

    def handle(self, *args, texts, out, **options):
        from config.celery import app

        demo = Project.objects.filter(slug=DEMO_SLUG).first()
        if demo is None:
            raise CommandError("Run bootstrap_demo first.")
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        app.conf.task_default_queue = queue  # this process sends there; the workers below listen there
        results = {"kfold_wall_s": {}, "k": None}
        for count in (1, 2):
            with Workers(count, queue):
                run = self._run(demo)
                results["kfold_wall_s"][f"{count}_worker{'s' if count > 1 else ''}"] = run["kfold_s"]
                results["k"] = run["k"]
        with Workers(2, queue):
            results["feedback_to_candidate_s"] = self._feedback_to_candidate(texts)
        results["texts"] = texts
        out = out or settings.VAR_DIR / "bench" / "pipeline.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2))
        self.stdout.write(json.dumps(results, indent=2))
        self.stdout.write(f"written to {out}")

    def _run(self, project) -> dict:
        run = training_run_start(project=project, trigger="manual")
        seen: dict[str, float] = {}
        while True:
            run.refresh_from_db()
            seen.setdefault(run.progress.get("stage", ""), time.perf_counter())
            if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
                break
            time.sleep(0.1)
        if run.status == RunStatus.FAILED:
            raise CommandError(f"run {run.pk} failed: {run.error}")
        start, end = seen.get("kfold_model_training"), seen.get("model_training")
        return {"kfold_s": round(end - start, 2) if start and end else None, "k": run.kfold.get("k")}

    def _feedback_to_candidate(self, texts: int) -> float:
        from ai_models.demo_data import generate_text_demo

        project = Project.objects.filter(slug=BIG_SLUG).first()
        if project is None:
            data = generate_text_demo(seed=11, n_labelled=texts, n_pool=0, n_holdout=1000)
            admin = Project.objects.get(slug=DEMO_SLUG).created_by
            project = project_create(slug=BIG_SLUG, name="Bench 50k", task="text_classification",
                                     labels=["billing", "technical", "shipping", "account", "product_question"],
                                     creator=admin, retrain_min_feedback=1, require_approval=True)
            items_import(project=project, rows=data["labelled"], actor=admin, source="bench")
            items_import(project=project, rows=[{**r, "split": "holdout"} for r in data["holdout"]], actor=admin,
                         source="bench")
            self._wait(training_run_start(project=project, trigger="manual"))  # a champion to compare with
        before = ModelVersion.objects.filter(project=project).count()
        last_run = TrainingRun.objects.filter(project=project).order_by("-id").values_list("id", flat=True).first()
        user = project.created_by
        _, (prediction,) = predictions_create(project=project, inputs=[{"text": f"bench {uuid.uuid4()}"}], actor=user)
        wrong = next(label for label in project.labels if label != prediction.label)
        started = time.perf_counter()
        feedback_submit(prediction=prediction, annotator=user, verdict="correct", label=wrong)
        while ModelVersion.objects.filter(project=project).count() == before:
            failed = TrainingRun.objects.filter(project=project, pk__gt=last_run or 0, status=RunStatus.FAILED).first()
            if failed:
                raise CommandError(f"run {failed.pk} failed: {failed.error}")
            time.sleep(0.2)
        return round(time.perf_counter() - started, 2)

    def _wait(self, run) -> None:
        while run.status not in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            time.sleep(0.5)
            run.refresh_from_db()


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
                [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", self.queue, "--pool", "solo",
                 "-n", f"bench{n}-{self.queue}@%h", "-l", "info"], cwd=settings.BASE_DIR, env=env,
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
