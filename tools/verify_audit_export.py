#!/usr/bin/env python3
"""Check an audit export (JSON or CSV, from `manage.py audit_verify --export` or GET /api/v1/audit/events/export/)
offline: every event's hash recomputed, every link to the event before it, the anchor and the chain's head.

Standard library only (Python 3.11+), nothing from the platform: an auditor runs it on a copy of the file,
anywhere. It re-implements the platform's hash (backend/apps/audit/hashing.py) on purpose; the backend's tests run
it against real exports so that the two cannot drift apart.

    python3 verify_audit_export.py audit.json [--expect-head HASH] [--json]

Exit status: 0 the file is intact; 1 it is not (the first broken event is named); 2 it cannot be read.

What a file alone can prove: that its events are the ones the chain recorded, in order, each linked to the one
before (contiguous exports: every event from first_seq to last_seq is present) and to the manifest's anchor and
head. A forger who rewrites events and recomputes every hash after them also rewrites the head; only a head hash
obtained independently (--expect-head, e.g. from `manage.py audit_verify --json` or an earlier export) catches that.
"""
import argparse
import csv
import hashlib
import json
import sys
from datetime import UTC, datetime

GENESIS_HASH = "0" * 64
FIELDS = ["seq", "created_at", "actor_ref", "actor_role", "action", "object_type", "object_id", "project",
          "request_id", "details", "prev_hash", "hash"]
TEXT_FIELDS = ("actor_ref", "actor_role", "action", "object_type", "object_id", "project", "request_id",
               "prev_hash", "hash")
CSV_PREFIX = "# hitl-audit-export "
JSON_EVENTS_OPENING = ', "events": ['


class Unreadable(Exception):
    """The file is not an audit export this tool understands."""


class Broken(Exception):
    """An event (or the file's end) does not check out."""

    def __init__(self, seq, position: int | None, reason: str):
        super().__init__(reason)
        self.seq, self.position, self.reason = seq, position, reason


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def hashed_time(text: str) -> str:
    """created_at as the platform hashed it: isoformat(timespec="microseconds") of the UTC time, "+00:00"."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("created_at has no time zone")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_hash(event: dict) -> str:
    payload = {"seq": event["seq"], "created_at": hashed_time(event["created_at"]), "actor_ref": event["actor_ref"],
               "actor_role": event["actor_role"], "action": event["action"], "object_type": event["object_type"],
               "object_id": event["object_id"], "project": event["project"], "request_id": event["request_id"],
               "details": event["details"]}
    return hashlib.sha256((event["prev_hash"] + canonical_json(payload)).encode()).hexdigest()


def _manifest(text: str) -> dict:
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"the manifest is not JSON ({exc.msg})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != "hitl-audit-export":
        raise Unreadable("not a hitl-audit-export file")
    if manifest.get("version") != 1:
        raise Unreadable(f"unsupported export version {manifest.get('version')!r}")
    return manifest


def _json_events(handle):
    """The JSON export as written: the manifest on the first line, then one event per line, then "]}"."""
    for number, line in enumerate(handle, start=2):
        line = line.strip()
        if line in ("]}", ""):
            continue
        try:
            yield json.loads(line[:-1] if line.endswith(",") else line)
        except json.JSONDecodeError as exc:
            raise Unreadable(f"line {number}: not a JSON event ({exc.msg})") from None


def _csv_events(handle):
    reader = csv.reader(handle)
    header = next(reader, None)
    if header != FIELDS:
        raise Unreadable(f"the CSV header must be {','.join(FIELDS)}")
    for row in reader:
        if len(row) != len(FIELDS):
            raise Unreadable(f"line {reader.line_num}: {len(row)} columns, not {len(FIELDS)}")
        event = dict(zip(FIELDS, row, strict=True))
        try:
            event["seq"] = int(event["seq"])
            event["details"] = json.loads(event["details"])
        except (ValueError, json.JSONDecodeError):
            raise Unreadable(f"line {reader.line_num}: seq or details unreadable") from None
        yield event


def open_export(handle) -> tuple[dict, object]:
    """(manifest, events) of an open text file; events are read lazily, one at a time (constant memory)."""
    first = handle.readline()
    if first.startswith(CSV_PREFIX):
        return _manifest(first[len(CSV_PREFIX):]), _csv_events(handle)
    stripped = first.rstrip("\r\n")
    if stripped.startswith("{") and stripped.endswith(JSON_EVENTS_OPENING):
        return _manifest(stripped[:-len(JSON_EVENTS_OPENING)] + "}"), _json_events(handle)
    # Any other layout of the same JSON (e.g. re-indented by an editor): read it whole.
    try:
        whole = json.loads(first + handle.read())
    except json.JSONDecodeError as exc:
        raise Unreadable(f"neither a CSV nor a JSON audit export ({exc.msg})") from None
    if not isinstance(whole, dict) or not isinstance(whole.get("events"), list):
        raise Unreadable("not a hitl-audit-export file")
    events = whole.pop("events")
    return _manifest(json.dumps(whole)), iter(events)


def _check_shape(event, position: int) -> None:
    if not isinstance(event, dict) or set(event) != set(FIELDS):
        raise Broken(event.get("seq") if isinstance(event, dict) else None, position,
                     f"not an event with exactly the fields {', '.join(FIELDS)}")
    if not isinstance(event["seq"], int) or isinstance(event["seq"], bool):
        raise Broken(event["seq"], position, "seq is not an integer")
    if not all(isinstance(event[name], str) for name in ("created_at", *TEXT_FIELDS)):
        raise Broken(event["seq"], position, "a text field is not a string")


def verify(manifest: dict, events, *, expect_head: str | None = None) -> dict:
    """Walk the events once; raise Broken naming the first that fails, else return a summary."""
    head, anchor = manifest.get("head") or {}, manifest.get("anchor")
    if expect_head is not None and head.get("hash") != expect_head:
        raise Broken(head.get("seq"), None, f"the manifest's head hash {head.get('hash')} is not the expected "
                                            f"{expect_head}")
    contiguous = manifest.get("contiguous") is True
    count, last = 0, None  # last: (seq, hash) of the previous event
    for position, event in enumerate(events, start=1):
        _check_shape(event, position)
        seq = event["seq"]
        if last is None:
            if anchor is not None and seq != anchor["seq"] + 1:
                raise Broken(seq, position, f"the first event should be seq {anchor['seq'] + 1} (after the anchor)")
            if anchor is not None and event["prev_hash"] != anchor["hash"]:
                raise Broken(seq, position, "prev_hash does not link to the anchor (the event before the export)")
        else:
            if seq <= last[0]:
                raise Broken(seq, position, f"out of order: seq {seq} after seq {last[0]}")
            if contiguous and seq != last[0] + 1:
                raise Broken(seq, position, f"sequence gap: expected {last[0] + 1} (an event is missing)")
            if seq == last[0] + 1 and event["prev_hash"] != last[1]:
                raise Broken(seq, position, "prev_hash does not link to the previous event")
        try:
            digest = event_hash(event)
        except ValueError as exc:
            raise Broken(seq, position, f"unreadable created_at ({exc})") from None
        if digest != event["hash"]:
            raise Broken(seq, position, "content does not match its hash")
        count, last = count + 1, (seq, event["hash"])
    if count != manifest.get("count"):
        missing = manifest.get("last_seq") if last is None or last[0] != manifest.get("last_seq") else None
        raise Broken(missing, None, f"the manifest declares {manifest.get('count')} events, the file holds {count}"
                                    + (f"; seq {missing}, the last one declared, is missing" if missing else ""))
    if last is not None and last[0] != manifest.get("last_seq"):
        raise Broken(manifest.get("last_seq"), None, f"the last event is seq {last[0]}, the manifest declares "
                                                     f"{manifest.get('last_seq')}")
    covers_head = last is not None and last[0] == head.get("seq")
    if covers_head and last[1] != head.get("hash"):
        raise Broken(last[0], count, "the last event does not match the chain's head")
    return {"ok": True, "events": count, "first_seq": manifest.get("first_seq"), "last_seq": manifest.get("last_seq"),
            "contiguous": contiguous, "head": head, "covers_head": covers_head}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an audit export offline (hash chain, anchor, head).")
    parser.add_argument("file")
    parser.add_argument("--expect-head", metavar="HASH", help="the chain's head hash obtained independently")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    try:
        with open(args.file, encoding="utf-8", newline="") as handle:
            manifest, events = open_export(handle)
            report = verify(manifest, events, expect_head=args.expect_head)
    except (OSError, UnicodeDecodeError, Unreadable) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    except Broken as exc:
        report = {"ok": False, "first_bad_seq": exc.seq, "position": exc.position, "reason": exc.reason}
        if args.json:
            print(json.dumps(report))
        else:
            where = f"seq {exc.seq}" if exc.seq is not None else "the export"
            at = f" (event #{exc.position} in the file)" if exc.position else ""
            print(f"audit export BROKEN at {where}{at}: {exc.reason}")
        return 1
    if args.json:
        print(json.dumps(report))
    else:
        span = f"seq {report['first_seq']}..{report['last_seq']}" if report["events"] else "no events"
        head = report["head"]
        tail = "ends at the chain's head" if report["covers_head"] else "does not reach the head"
        print(f"audit export OK: {report['events']} events ({span}, "
              f"{'contiguous' if report['contiguous'] else 'filtered'}), {tail} "
              f"seq {head.get('seq')} {head.get('hash')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
