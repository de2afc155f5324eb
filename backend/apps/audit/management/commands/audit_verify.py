"""`manage.py audit_verify`: walk the audit hash chain; exit 1 and name the first broken seq if tampered."""
import json

from django.core.management.base import BaseCommand, CommandError

from apps.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and report the first broken sequence number."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, json_output=False, **options):
        report = audit_chain_verify()
        if options.get("json"):
            self.stdout.write(json.dumps(report.__dict__))
        elif report.ok:
            self.stdout.write(self.style.SUCCESS(f"audit chain OK: {report.events} events, head {report.head_hash}"))
        if not report.ok:
            raise CommandError(f"audit chain BROKEN at seq {report.first_bad_seq}: {report.reason}")
