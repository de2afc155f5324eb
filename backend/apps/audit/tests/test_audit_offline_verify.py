"""An export carries the chain's head; tools/verify_audit_export.py checks it offline, with nothing from the project.

The verifier runs as `python -I -S` (isolated, no site-packages: no Django, no project import is possible) from an
empty folder, on files exported from a real chain by `manage.py audit_verify --export` and by the endpoint.
"""
import csv
import importlib.util
import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from apps.audit.hashing import event_hash
from apps.audit.models import AuditEvent
from apps.audit.services import audit_event_record
from apps.audit.tests.test_audit import append_only_bypassed
from apps.projects.services import project_create, project_update

pytestmark = pytest.mark.django_db

TOOL = Path(__file__).resolve().parents[4] / "tools" / "verify_audit_export.py"


def _load_tool():
    spec = importlib.util.spec_from_file_location("verify_audit_export", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def verify_offline(path: Path, *args: str) -> tuple[int, str]:
    result = subprocess.run([sys.executable, "-I", "-S", str(TOOL), str(path), *args], cwd=path.parent,
                            capture_output=True, text=True, env={}, timeout=60)
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def chain(project, users):
    """A real chain with awkward details: non-ASCII text, floats, nesting, an empty dict."""
    project_create(slug="other", name="Other", task="text_classification", labels=["x", "y"], creator=users["admin"])
    project_update(project=project, actor=users["engineer"], purpose="Tickets: réponse rapide ✓", feedback_weight=2.5)
    with transaction.atomic():
        audit_event_record(action="test.odd", project=project,
                           details={"ratio": 0.1 + 0.2, "nested": {"b": [1, 2.0, None, True], "a": "ß"}, "e": {}})
    return AuditEvent.objects.count()


def _export(tmp_path, name, *args) -> Path:
    path = tmp_path / "out" / name
    path.parent.mkdir(exist_ok=True)
    call_command("audit_verify", "--export", str(path), *args, stdout=io.StringIO())
    return path


def _json_lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


@pytest.mark.parametrize("name", ["audit.json", "audit.csv"])
def test_a_full_export_verifies_offline_and_ends_at_the_head(chain, tmp_path, name):
    path = _export(tmp_path, name)

    code, out = verify_offline(path, "--json")

    assert code == 0, out
    report = json.loads(out)
    head = AuditEvent.objects.get(seq=chain)  # the head when the export started (its own event came after)
    assert report == {"ok": True, "events": chain, "first_seq": 1, "last_seq": chain, "contiguous": True,
                      "head": {"seq": head.seq, "hash": head.hash}, "covers_head": True}
    assert verify_offline(path, "--expect-head", head.hash)[0] == 0
    code, out = verify_offline(path, "--expect-head", "f" * 64)
    assert code == 1 and "is not the expected" in out


def test_the_export_is_audited_with_its_manifest(chain, tmp_path):
    path = _export(tmp_path, "audit.json", "--project", "tickets")

    manifest = json.loads(path.read_text())
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "audit.exported" and event.actor_ref == "system" and event.seq == manifest["export_event_seq"]
    assert event.details["head"] == manifest["head"] and event.details["anchor"] == manifest["anchor"]
    assert event.details["count"] == manifest["count"] == len(manifest["events"])
    assert {e["project"] for e in manifest["events"]} == {"tickets"}
    assert manifest["anchor"]["hash"] == AuditEvent.objects.get(seq=manifest["first_seq"] - 1).hash


@pytest.mark.parametrize("args", [["--project", "tickets"], ["--project", "other", "--format", "csv"]])
def test_a_project_export_verifies_with_its_anchor(chain, tmp_path, args):
    path = _export(tmp_path, "audit.out", *args)

    code, out = verify_offline(path)

    assert code == 0, out
    assert "audit export OK" in out


def test_a_time_window_export_is_contiguous_from_its_anchor(chain, tmp_path):
    middle = AuditEvent.objects.get(seq=chain // 2)
    path = _export(tmp_path, "audit.json", "--since", middle.created_at.isoformat())

    manifest = json.loads(path.read_text())
    assert manifest["contiguous"] and manifest["anchor"]["seq"] == manifest["first_seq"] - 1 >= 1
    assert verify_offline(path)[0] == 0
    lines = _json_lines(path)  # the first exported event, cut from its anchor
    lines[1] = lines[1].replace(manifest["anchor"]["hash"], "0" * 64)
    path.write_text("\n".join(lines) + "\n")
    code, out = verify_offline(path)
    assert code == 1 and f"seq {manifest['first_seq']}" in out and "anchor" in out


def test_a_tampered_field_is_named(chain, tmp_path):
    path = _export(tmp_path, "audit.json")
    lines = _json_lines(path)
    event = json.loads(lines[5].rstrip(","))
    lines[5] = lines[5].replace(json.dumps(event["action"]), json.dumps("forged.action"))
    path.write_text("\n".join(lines) + "\n")

    code, out = verify_offline(path)

    assert code == 1
    assert f"BROKEN at seq {event['seq']} (event #5 in the file): content does not match its hash" in out


def test_tampered_details_in_csv_are_named(chain, tmp_path):
    path = _export(tmp_path, "audit.csv")
    first, rest = path.read_text().split("\n", 1)
    rows = list(csv.reader(io.StringIO(rest)))
    target = next(i for i, row in enumerate(rows) if row[4] == "test.odd")
    rows[target][9] = rows[target][9].replace("ß", "ss")
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(first + "\n" + buffer.getvalue())

    code, out = verify_offline(path)

    assert code == 1 and f"seq {rows[target][0]}" in out and "content does not match its hash" in out


@pytest.mark.parametrize("name", ["audit.json", "audit.csv"])
def test_a_deleted_row_is_named(chain, tmp_path, name):
    path = _export(tmp_path, name)
    lines = _json_lines(path)
    header = 1 if name.endswith(".json") else 2  # the manifest line; CSV: and the column names
    del lines[header + 3]  # the 4th event: seq 4
    path.write_text("\n".join(lines) + "\n")

    code, out = verify_offline(path)

    assert code == 1 and "BROKEN at seq 5" in out and "sequence gap: expected 4" in out


def test_a_deleted_last_row_is_named(chain, tmp_path):
    path = _export(tmp_path, "audit.json")
    lines = _json_lines(path)
    del lines[-2]  # the last event; the line before it keeps its comma, which the reader tolerates
    path.write_text("\n".join(lines) + "\n")

    code, out = verify_offline(path)

    assert code == 1 and f"seq {chain}, the last one declared, is missing" in out


def test_reordered_rows_are_named(chain, tmp_path):
    path = _export(tmp_path, "audit.json")
    lines = _json_lines(path)
    lines[3], lines[4] = lines[4], lines[3]  # seq 3 and seq 4 swapped
    path.write_text("\n".join(lines) + "\n")

    code, out = verify_offline(path)

    assert code == 1 and "BROKEN at seq 4 (event #3 in the file)" in out


@pytest.mark.parametrize("name", ["audit.json", "audit.csv"])
def test_a_row_altered_in_the_database_is_named_offline_too(chain, tmp_path, name):
    with append_only_bypassed():  # what a DBA could do: the live verifier and the offline one agree
        AuditEvent.objects.filter(seq=7).update(details={"forged": True})

    code, out = verify_offline(_export(tmp_path, name))

    assert code == 1 and "BROKEN at seq 7 (event #7 in the file): content does not match its hash" in out


def test_an_endpoint_export_filtered_for_an_auditor_verifies(chain, users, client_for, tmp_path):
    for fmt in ("json", "csv"):
        response = client_for(users["auditor"]).get("/api/v1/audit/events/export/", {"format": fmt})
        path = tmp_path / f"endpoint.{fmt}"
        path.write_bytes(b"".join(response.streaming_content))
        head = AuditEvent.objects.get(seq=int(response["X-Chain-Head"].split(":")[0]))
        assert response["X-Chain-Head"] == f"{head.seq}:{head.hash}"

        code, out = verify_offline(path, "--expect-head", head.hash)

        assert code == 0, out


def test_a_reindented_json_export_is_still_read(chain, tmp_path):
    path = _export(tmp_path, "audit.json")
    path.write_text(json.dumps(json.loads(path.read_text()), indent=2, ensure_ascii=False))

    assert verify_offline(path)[0] == 0


def test_an_unreadable_file_exits_2(tmp_path):
    path = tmp_path / "junk.json"
    path.write_text("not an export")
    assert verify_offline(path)[0] == 2
    assert verify_offline(tmp_path / "absent.json")[0] == 2


@pytest.mark.parametrize("details", [{}, {"a": "é✓", "b": [1, 2.5, None, False], "n": {"z": 1, "y": {"x": ""}}},
                                     {"big": 2**70, "tiny": 1e-300, "quote": "\"\\\n\t", "ctl": "\u0001"}])
@pytest.mark.parametrize("moment", [datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
                                    datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)])
def test_the_tool_hashes_exactly_as_the_platform(details, moment):
    tool = _load_tool()
    fields = ("ref", "admin", "act.ion", "type", "17", "slug", "req-1")
    expected = event_hash("a" * 64, 42, moment, *fields, details)
    exported = moment.isoformat().replace("+00:00", "Z")  # as export.event_row writes it (no .000000)
    event = dict(zip(["actor_ref", "actor_role", "action", "object_type", "object_id", "project", "request_id"],
                     fields, strict=True), seq=42, created_at=exported, details=json.loads(json.dumps(details)),
                 prev_hash="a" * 64)
    assert tool.event_hash(event) == expected
