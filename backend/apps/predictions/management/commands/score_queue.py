"""`manage.py score_queue`: bring each project's review queue up to its champion (the rotation's periodic trigger).

Run it from cron (or a Celery beat schedule) when pools are larger than one scoring window: every run scores the
next window of items whose score is not the champion's. By default it hands the jobs to the Celery workers;
`--inline` scores here, with progress.
"""
from django.core.management.base import BaseCommand, CommandError

from apps.predictions.models import ScoringTrigger
from apps.predictions.scoring import queue_scoring_request_if_behind, queue_scoring_run_inline, scoring_progress
from apps.projects.models import Project
from apps.training.progress import progress_line
from apps.training.selectors import champion_get


class Command(BaseCommand):
    help = "Score each project's unanswered pool with its champion (the next window), via Celery or --inline."

    def add_arguments(self, parser):
        parser.add_argument("--project", action="append", help="project slug (repeatable); default: every project")
        parser.add_argument("--inline", action="store_true", help="score in this process instead of a worker")

    def handle(self, *args, project=None, inline=False, **options):
        projects = Project.objects.order_by("slug")
        if project:
            projects = projects.filter(slug__in=project)
            missing = set(project) - set(projects.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No project {', '.join(sorted(missing))}.")
        for p in projects:
            champion = champion_get(project=p)
            if champion is None:
                self.stdout.write(f"{p.slug}: no champion yet, nothing to score")
                continue
            if inline:
                def echo(job, slug=p.slug) -> None:
                    self.stdout.write(f"{slug}: {progress_line(scoring_progress(job))}")

                job = queue_scoring_run_inline(project=p, trigger=ScoringTrigger.MANUAL, echo=echo)
                self.stdout.write(f"{p.slug}: " + (f"job {job.pk} {job.status}, {job.done} scored by v{champion.number}"
                                                   if job else f"already scored by v{champion.number}"))
                continue
            job = queue_scoring_request_if_behind(project=p, trigger=ScoringTrigger.MANUAL)
            if job is None:
                self.stdout.write(f"{p.slug}: already scored by v{champion.number}")
                continue
            self.stdout.write(f"{p.slug}: job {job.pk} {job.status} (v{champion.number}, window {job.window})")

