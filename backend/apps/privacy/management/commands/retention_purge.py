"""`manage.py retention_purge [--project SLUG] [--dry-run]`: purge item content past each project's retention_days
(apps.privacy.retention); --dry-run lists what would go and changes nothing."""
import json

from django.core.management.base import BaseCommand, CommandError

from apps.privacy.retention import retention_purge, retention_report
from apps.projects.models import Project


class Command(BaseCommand):
    help = "Purge item content older than its project's retention_days (GDPR Art. 5(1)(e)); --dry-run to list."

    def add_arguments(self, parser):
        parser.add_argument("--project", help="only this project")
        parser.add_argument("--dry-run", action="store_true", help="list what would be purged; change nothing")

    def handle(self, *args, project, dry_run, **options):
        target = None
        if project:
            target = Project.objects.filter(slug=project).first()
            if target is None:
                raise CommandError(f"No project {project!r}.")
        if dry_run:
            report = [r for r in retention_report() if target is None or r["project"] == target.slug]
            for row in report:
                self.stdout.write(json.dumps(row, default=str))
            if not report:
                self.stdout.write("no project has a retention period (retention_days)")
            return
        purged = retention_purge(project=target)
        items = sum(r.result.get("items", 0) for r in purged)
        self.stdout.write(f"purged {items} items in {len(purged)} batches")
