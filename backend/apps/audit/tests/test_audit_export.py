"""GET /audit/events/export/: the filtered, visible events as streamed CSV or JSON, itself audited."""
import csv
import io
import json

import pytest
from django.utils.dateparse import parse_datetime

from apps.audit import export
from apps.audit.hashing import chain_hash, event_payload
from apps.audit.models import AuditEvent
from apps.audit.services import actor_reference
from apps.projects.services import project_create

pytestmark = pytest.mark.django_db

EXPORT_URL = "/api/v1/audit/events/export/"
EVENTS_URL = "/api/v1/audit/events/"


@pytest.fixture
def two_projects(project, users):
    project_create(slug="other", name="Other", task="text_classification", labels=["x", "y"], creator=users["outsider"])


def _export(api, fmt, **params):
    response = api.get(EXPORT_URL, {"format": fmt, **params})
    assert response.status_code == 200, response.content
    assert response.streaming
    return response, b"".join(response.streaming_content).decode()


def _listed(api, **params):
    return api.get(EVENTS_URL, {**params, "limit": 1000}).json()["results"]


def _events(text):
    return json.loads(text)["events"]


def _csv_rows(text):
    manifest_line, text = text.split("\n", 1)
    assert manifest_line.startswith(export.CSV_MANIFEST_PREFIX)
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        row["seq"] = int(row["seq"])
        row["details"] = json.loads(row["details"])
    return rows


def test_json_export_holds_exactly_what_the_list_shows(two_projects, users, client_for):
    api = client_for(users["admin"])
    listed = _listed(api)

    response, text = _export(api, "json")

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-events-')
    assert response["Content-Disposition"].endswith('.json"')
    assert _events(text) == listed  # the export's own event comes after what it holds
    assert response["X-Event-Count"] == str(len(listed))


def test_csv_export_has_every_field_and_rechecks_against_the_chain(two_projects, users, client_for):
    api = client_for(users["admin"])

    response, text = _export(api, "csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    assert text.splitlines()[1] == ",".join(export.FIELDS)
    rows = _csv_rows(text)
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    prev = "0" * 64
    for row in rows:  # an auditor can re-verify the whole chain from the file alone
        payload = event_payload(seq=row["seq"], created_at=parse_datetime(row["created_at"]),
                                actor_ref=row["actor_ref"], actor_role=row["actor_role"], action=row["action"],
                                object_type=row["object_type"], object_id=row["object_id"],
                                project_slug=row["project"], request_id=row["request_id"], details=row["details"])
        assert row["prev_hash"] == prev and chain_hash(prev, payload) == row["hash"]
        prev = row["hash"]


@pytest.mark.parametrize("params", [{"action": "project.member_added"}, {"project": "other"}, {"actor": "eng"},
                                    {"since": "2000-01-01T00:00:00Z", "until": "2999-01-01T00:00:00Z"}])
def test_export_applies_the_list_filters(two_projects, users, client_for, params):
    api = client_for(users["admin"])
    listed = _listed(api, **params)

    _, text = _export(api, "json", **params)

    assert _events(text) == listed and listed
    listed = _listed(api, **params)  # now with the first export's own event where the filters match it
    assert [r["seq"] for r in _csv_rows(_export(api, "csv", **params)[1])] == [e["seq"] for e in listed]


def test_auditors_export_only_what_they_may_see(two_projects, users, client_for):
    api = client_for(users["auditor"])

    events = _events(_export(api, "json")[1])

    assert {e["project"] for e in events} == {"tickets", ""}
    assert _events(_export(api, "json", project="other")[1]) == []


def test_an_export_is_audited_with_its_filters_as_pseudonyms(two_projects, users, client_for):
    api = client_for(users["auditor"])

    response, text = _export(api, "csv", actor="eng", project="tickets", action="project.member_added")

    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "audit.exported" and event.project_slug == "tickets"
    assert event.actor_ref == actor_reference(users["auditor"])
    rows = _csv_rows(text)
    head = AuditEvent.objects.get(seq=event.seq - 1)
    assert event.details == {"format": "csv", "count": len(rows), "through_seq": head.seq,
                             "filters": {"action": "project.member_added", "project": "tickets",
                                         "actor_ref": actor_reference(users["engineer"])},
                             "first_seq": rows[0]["seq"], "last_seq": rows[-1]["seq"],
                             "contiguous": rows[-1]["seq"] - rows[0]["seq"] + 1 == len(rows),
                             "anchor": {"seq": rows[0]["seq"] - 1, "hash": rows[0]["prev_hash"]},
                             "head": {"seq": head.seq, "hash": head.hash}}
    manifest = json.loads(text.split("\n", 1)[0][len(export.CSV_MANIFEST_PREFIX):])
    assert manifest["export_event_seq"] == event.seq and manifest["head"] == event.details["head"]
    assert "eng" not in json.dumps(event.details["filters"]).replace(actor_reference(users["engineer"]), "")


@pytest.mark.parametrize("params", [{"format": "xml"}, {}, {"format": "csv", "since": "yesterday"}])
def test_bad_export_requests_are_400_and_not_recorded(project, users, client_for, params):
    before = AuditEvent.objects.count()

    response = client_for(users["admin"]).get(EXPORT_URL, params)

    assert response.status_code == 400
    assert "format" in response.json()["detail"] or "since" in response.json()["detail"]
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", ["annotator", "reviewer", "engineer", "nobody"])
def test_only_auditors_and_admins_export(project, users, client_for, role):
    before = AuditEvent.objects.count()
    assert client_for(users[role]).get(EXPORT_URL, {"format": "csv"}).status_code == 403
    assert AuditEvent.objects.count() == before


def test_the_export_is_streamed_in_pieces(project, users, client_for, monkeypatch):
    monkeypatch.setattr(export, "_PIECE_CHARS", 512)
    monkeypatch.setattr(export, "_CHUNK_ROWS", 3)
    api = client_for(users["admin"])
    for fmt in ("csv", "json"):
        response = api.get(EXPORT_URL, {"format": fmt})
        pieces = list(response.streaming_content)
        assert len(pieces) > 3
        text = b"".join(pieces).decode()
        count = int(response["X-Event-Count"])
        assert len(_csv_rows(text) if fmt == "csv" else _events(text)) == count > 10
