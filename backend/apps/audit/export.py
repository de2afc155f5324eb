"""The audit log as a CSV or JSON download, streamed: rows are read in chunks and written in ~64 KiB pieces,
so an export of hundreds of thousands of events never sits in memory. Rows carry the same fields as
GET /audit/events/ (details as canonical JSON in CSV), enough to re-check every hash.

Every export starts with its manifest (services.audit_export_start): the chain's head at export time, the hash of
the event before the first one exported (the anchor), the count and seq range. JSON: one object, the manifest's keys
then "events", one event per line. CSV: a first line `# hitl-audit-export {manifest JSON}`, then the header row
and the events. tools/verify_audit_export.py checks either offline. This module only writes; it never appends."""
import csv
import io
import json
from collections.abc import Iterator

from django.db.models import QuerySet

from .hashing import canonical_json
from .models import AuditEvent

FIELDS = ["seq", "created_at", "actor_ref", "actor_role", "action", "object_type", "object_id", "project",
          "request_id", "details", "prev_hash", "hash"]
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
_CHUNK_ROWS = 2000
_PIECE_CHARS = 64 * 1024


def event_row(event: AuditEvent) -> dict:
    return {
        "seq": event.seq, "created_at": event.created_at.isoformat().replace("+00:00", "Z"),
        "actor_ref": event.actor_ref, "actor_role": event.actor_role, "action": event.action,
        "object_type": event.object_type, "object_id": event.object_id, "project": event.project_slug,
        "request_id": event.request_id, "details": event.details, "prev_hash": event.prev_hash, "hash": event.hash,
    }


CSV_MANIFEST_PREFIX = "# hitl-audit-export "


def _csv_pieces(events: QuerySet[AuditEvent], manifest: dict) -> Iterator[str]:
    buffer = io.StringIO()
    buffer.write(CSV_MANIFEST_PREFIX + json.dumps(manifest, ensure_ascii=False) + "\n")
    writer = csv.writer(buffer)
    writer.writerow(FIELDS)
    for event in events.iterator(chunk_size=_CHUNK_ROWS):
        row = event_row(event)
        row["details"] = canonical_json(row["details"])
        writer.writerow([row[field] for field in FIELDS])
        if buffer.tell() >= _PIECE_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json_pieces(events: QuerySet[AuditEvent], manifest: dict) -> Iterator[str]:
    # The manifest on the first line, each event on its own line: the verifier reads the file line by line.
    opening = json.dumps(manifest, ensure_ascii=False)[:-1] + ', "events": ['
    piece, first = [opening], True
    size = len(opening)
    for event in events.iterator(chunk_size=_CHUNK_ROWS):
        text = ("\n" if first else ",\n") + json.dumps(event_row(event), ensure_ascii=False)
        first = False
        piece.append(text)
        size += len(text)
        if size >= _PIECE_CHARS:
            yield "".join(piece)
            piece, size = [], 0
    piece.append("\n]}\n")
    yield "".join(piece)


def audit_events_stream(*, events: QuerySet[AuditEvent], fmt: str, manifest: dict) -> Iterator[bytes]:
    pieces = _csv_pieces(events, manifest) if fmt == "csv" else _json_pieces(events, manifest)
    return (piece.encode() for piece in pieces)
