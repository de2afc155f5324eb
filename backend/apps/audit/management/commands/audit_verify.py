"""`manage.py audit_verify`: walk the audit hash chain; exit 1 and name the first broken seq if tampered.

The walk is streamed (constant memory) and, with --workers > 1, split into seq ranges that forked processes
verify side by side; the ranges are joined exactly as one pass would report them (apps/audit/verify.py).

`--export FILE` instead writes the events (all, or one project's, or a time window) with the chain's head to FILE,
streamed, for tools/verify_audit_export.py to check offline; the export is itself audited (`audit.exported`).
"""
import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.audit.export import audit_events_stream
from apps.audit.selectors import audit_chain_verify, audit_event_list
from apps.audit.services import EXPORT_FORMATS, audit_export_start
from apps.core.exceptions import ApplicationError
from apps.core.timeparse import utc_datetime


def _time(value: str | None, name: str):
    try:
        return utc_datetime(value, name)
    except ApplicationError as exc:
        raise CommandError(exc.message) from None


class Command(BaseCommand):
    help = ("Verify the audit log's hash chain and report the first broken sequence number; or, with --export, "
            "write the events and the chain's head to a file for an offline check.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 8),
                            help="processes verifying seq ranges side by side (default: the CPU count, at most 8; "
                                 "1: one pass in this process)")
        parser.add_argument("--export", metavar="FILE", help="export the events with the chain's head to FILE")
        parser.add_argument("--format", choices=EXPORT_FORMATS, help="export format (default: FILE's extension, "
                                                                     "else json)")
        parser.add_argument("--project", help="export only this project's events")
        parser.add_argument("--since", help="export events at or after this ISO 8601 time")
        parser.add_argument("--until", help="export events at or before this ISO 8601 time")

    def handle(self, *args, json_output=False, **options):
        if options["export"]:
            return self._export(options)
        if options["workers"] < 1:
            raise CommandError("--workers must be 1 or more.")
        report = audit_chain_verify(workers=options["workers"])
        if options.get("json"):
            self.stdout.write(json.dumps(report.__dict__))
        elif report.ok:
            self.stdout.write(self.style.SUCCESS(f"audit chain OK: {report.events} events, head {report.head_hash}"))
        if not report.ok:
            raise CommandError(f"audit chain BROKEN at seq {report.first_bad_seq}: {report.reason}")

    def _export(self, options) -> None:
        path = Path(options["export"])
        fmt = options["format"] or (path.suffix[1:] if path.suffix[1:] in EXPORT_FORMATS else "json")
        since, until = _time(options["since"], "--since"), _time(options["until"], "--until")
        filters = {k: v for k, v in {"project": options["project"], "since": since and since.isoformat(),
                                     "until": until and until.isoformat()}.items() if v}
        events = audit_event_list(project_slug=options["project"], since=since, until=until)
        try:
            handle = path.open("wb")
        except OSError as exc:
            raise CommandError(f"cannot write {path}: {exc.strerror}") from exc
        events, manifest = audit_export_start(actor=None, fmt=fmt, events=events, filters=filters)
        with handle:
            for piece in audit_events_stream(events=events, fmt=fmt, manifest=manifest):
                handle.write(piece)
        summary = {key: manifest[key] for key in ("count", "first_seq", "last_seq", "contiguous", "anchor", "head")}
        if options.get("json"):
            self.stdout.write(json.dumps({"file": str(path), "format": fmt, **summary}))
        else:
            head = manifest["head"]
            self.stdout.write(self.style.SUCCESS(
                f"exported {manifest['count']} events to {path} ({fmt}); chain head seq {head['seq']} "
                f"hash {head['hash']}"))
