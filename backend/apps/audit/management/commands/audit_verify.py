"""`manage.py audit_verify`: walk the audit hash chain; exit 1 and name the first broken seq if tampered.

The walk is streamed (constant memory) and, with --workers > 1, split into seq ranges that forked processes
verify side by side; the ranges are joined exactly as one pass would report them (apps/audit/verify.py)."""
import json
import os

from django.core.management.base import BaseCommand, CommandError

from apps.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and report the first broken sequence number."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 8),
                            help="processes verifying seq ranges side by side (default: the CPU count, at most 8; "
                                 "1: one pass in this process)")

    def handle(self, *args, json_output=False, **options):
        if options["workers"] < 1:
            raise CommandError("--workers must be 1 or more.")
        report = audit_chain_verify(workers=options["workers"])
        if options.get("json"):
            self.stdout.write(json.dumps(report.__dict__))
        elif report.ok:
            self.stdout.write(self.style.SUCCESS(f"audit chain OK: {report.events} events, head {report.head_hash}"))
        if not report.ok:
            raise CommandError(f"audit chain BROKEN at seq {report.first_bad_seq}: {report.reason}")
