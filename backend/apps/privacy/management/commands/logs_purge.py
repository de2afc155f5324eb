"""`manage.py logs_purge [--project SLUG] [--before DATE] [--audit] [--dry-run]`: purge prediction logs past their
project's log_retention_days (apps.privacy.log_retention), or, with --audit --before DATE, the audit events
created before DATE (apps.audit.purge). A cut-off within LOG_RETENTION_FLOOR_DAYS is refused, and the refusal is
recorded in the audit log; --dry-run lists what would go and changes nothing."""
import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.audit.purge import audit_purge, audit_purge_report
from apps.core.exceptions import ApplicationError
from apps.core.timeparse import utc_datetime
from apps.privacy.log_retention import log_floor_cutoff, predictions_purge, predictions_purge_report
from apps.projects.models import Project


def _cutoff(value: str | None) -> datetime | None:
    """--before: an ISO 8601 date (midnight UTC) or date-time (UTC if it names no zone)."""
    try:
        return utc_datetime(value, "--before", dates=True)
    except ApplicationError as exc:
        raise CommandError(exc.message) from None


class Command(BaseCommand):
    help = ("Purge prediction logs past each project's log_retention_days, or audit events (--audit) created before "
            "--before; never within LOG_RETENTION_FLOOR_DAYS (AI Act Art. 19, 26(6)); --dry-run to list.")

    def add_arguments(self, parser):
        parser.add_argument("--project", help="only this project's prediction logs")
        parser.add_argument("--before", help="cut-off (ISO 8601 date or date-time) instead of the projects' setting")
        parser.add_argument("--audit", action="store_true", help="purge audit events created before --before")
        parser.add_argument("--dry-run", action="store_true", help="list what would be purged; change nothing")

    def handle(self, *args, project, before, audit, dry_run, **options):
        cutoff, now = _cutoff(before), timezone.now()
        target = None
        if project:
            if audit:
                raise CommandError("--audit purges the whole chain's oldest events: --project does not apply.")
            target = Project.objects.filter(slug=project).first()
            if target is None:
                raise CommandError(f"No project {project!r}.")
        if audit and cutoff is None:
            raise CommandError("--audit needs --before DATE (the audit log has no per-project retention).")
        if dry_run:
            floor = log_floor_cutoff(now)
            if cutoff is not None and cutoff > floor:
                self.stdout.write(f"refused: --before is within the retention floor (cut-off at most {floor})")
            rows = [audit_purge_report(before=cutoff)] if audit else predictions_purge_report(
                now=now, project=target, before=cutoff)
            for row in rows:
                self.stdout.write(json.dumps(row, default=str))
            if not rows:
                self.stdout.write("no project has a log retention period (log_retention_days)")
            return
        try:
            if audit:
                result = audit_purge(before=cutoff, now=now)
                self.stdout.write(f"purged {result['deleted']} audit events through seq {result['through_seq']}; "
                                  f"the chain now starts from anchor {result['anchor_hash']}")
                return
            batches = predictions_purge(now=now, project=target, before=cutoff)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        deleted, kept = sum(b.deleted for b in batches), sum(b.kept_answered for b in batches)
        self.stdout.write(f"purged {deleted} predictions in {len(batches)} batches; kept {kept} that people "
                          "answered or contested")
