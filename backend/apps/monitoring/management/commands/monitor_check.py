"""`manage.py monitor_check [--project SLUG]`: run the monitoring check now (what the monitoring.check task does)."""
import json

from django.core.management.base import BaseCommand, CommandError

from apps.monitoring.services import monitoring_check
from apps.projects.models import Project


class Command(BaseCommand):
    help = "Check post-market monitoring thresholds (AI Act Art. 72) and raise or clear flags; one JSON line per project."

    def add_arguments(self, parser):
        parser.add_argument("--project", help="a project slug (default: every project with a model version)")

    def handle(self, *args, **opts):
        projects = Project.objects.filter(model_versions__isnull=False).distinct().order_by("slug")
        if opts["project"]:
            projects = Project.objects.filter(slug=opts["project"])
            if not projects.exists():
                raise CommandError(f"No project {opts['project']!r}.")
        for project in projects:
            result = monitoring_check(project=project)
            self.stdout.write(json.dumps({
                "project": project.slug, "training_run": result.training_run,
                "raised": [{"kind": f.kind, "model_version": f.model_version_id, "value": f.value} for f in result.raised],
                "cleared": [{"kind": f.kind, "model_version": f.model_version_id} for f in result.cleared]}))
