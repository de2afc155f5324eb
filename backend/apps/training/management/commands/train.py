"""`manage.py train --project SLUG [--inline]`: start a training run and show its progress until it ends.

Without --inline the run goes to the Celery worker (as the API does) and this command follows it;
with --inline it runs in this process (no worker needed).
"""
import time

from django.core.management.base import BaseCommand, CommandError

from apps.core.exceptions import ApplicationError
from apps.projects.models import Project
from apps.training.models import RunStatus, TrainingRun, Trigger
from apps.training.progress import progress_line
from apps.training.services import training_run_execute, training_run_start


class Command(BaseCommand):
    help = "Train a new model version for a project and show progress."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True)
        parser.add_argument("--inline", action="store_true", help="train in this process instead of the worker")
        parser.add_argument("--timeout", type=float, default=3600)

    def handle(self, *args, project, inline, timeout, **options):
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"No project {project!r}.")
        try:
            run = training_run_start(project=target, trigger=Trigger.MANUAL, enqueue=not inline)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"training run {run.pk} for {project} ({'inline' if inline else 'on the worker'})")
        if inline:
            try:
                run = training_run_execute(run_id=run.pk, echo=lambda p: self.stdout.write(progress_line(p)))
            except Exception as exc:
                raise CommandError(f"training run {run.pk} failed: {exc}") from exc
        else:
            run = self._follow(run.pk, timeout)
        self._summary(run)

    def _follow(self, run_id: int, timeout: float) -> TrainingRun:
        deadline, last = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            run = TrainingRun.objects.get(pk=run_id)
            if run.progress != last:
                self.stdout.write(progress_line(run.progress))
                last = run.progress
            if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
                return run
            time.sleep(1)
        raise CommandError(f"training run {run_id} still {run.status} after {timeout:.0f}s (is a worker running?)")

    def _summary(self, run: TrainingRun) -> None:
        if run.status == RunStatus.FAILED:
            raise CommandError(f"training run {run.pk} failed: {run.error}")
        version = run.model_version
        metrics = version.metrics
        self.stdout.write(self.style.SUCCESS(
            f"model version {version.number}: holdout accuracy {metrics.get('accuracy')}, "
            f"f1_macro {metrics.get('f1_macro')}; gate: {version.gate.get('decision')}; status: {version.status}"))
