"""The audit log: an intact hash chain after every kind of write, append-only in the database, tamper
detection (API and `manage.py audit_verify`), and the scoped, filtered events endpoint.

Not covered here: concurrent appends from several threads. That needs committed data (a transactional
test), and the append-only trigger makes Django's flush at the end of such a test fail.
"""
import importlib
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.accounts.services import user_roles_set
from apps.audit.hashing import GENESIS_HASH, chain_hash, event_payload
from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.audit.services import actor_reference, audit_event_record
from apps.core.exceptions import ApplicationError
from apps.projects.services import project_create

EVENTS_URL = "/api/v1/audit/events/"
VERIFY_URL = "/api/v1/audit/verify/"
TRIGGERS = importlib.import_module("apps.audit.migrations.0002_append_only_triggers")
PURGE_TRIGGERS = importlib.import_module("apps.audit.migrations.0008_delete_only_below_checkpoint")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _payload(event):
    return event_payload(seq=event.seq, created_at=event.created_at, actor_ref=event.actor_ref,
                         actor_role=event.actor_role, action=event.action, object_type=event.object_type,
                         object_id=event.object_id, project_slug=event.project_slug,
                         request_id=event.request_id, details=event.details)


@contextmanager
def append_only_bypassed():
    """What a DBA could do: switch the append-only trigger off, then put it back exactly as the migration made it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_update_delete")
            else:
                for statement in [*TRIGGERS.SQLITE_SQL, *PURGE_TRIGGERS.SQLITE_SQL]:  # as the migrations left them
                    cursor.execute(statement)


@pytest.fixture
def many_writes(project, users, client_for):
    """One of each write the API offers in accounts, projects and items (and a few refusals)."""
    eng = client_for(users["engineer"])
    assert client_for(users["annotator"]).post("/api/v1/auth/token/", {"username": "ann", "password": "pw-ann-secret"},
                                               format="json").status_code == 200
    assert eng.post("/api/v1/auth/token/", {"username": "ann", "password": "no"}, format="json").status_code == 400
    assert eng.post("/api/v1/projects/", {"slug": "support", "name": "S", "task": "text_classification",
                                          "labels": ["a", "b"]}, format="json").status_code == 201
    assert eng.post("/api/v1/projects/", {"slug": "support", "name": "S", "task": "text_classification",
                                          "labels": ["a", "b"]}, format="json").status_code == 409
    assert eng.patch("/api/v1/projects/tickets/", {"require_approval": False, "purpose": "triage ünïcode"},
                     format="json").status_code == 200
    assert eng.patch("/api/v1/projects/tickets/", {"labels": ["billing", "technical", "shipping", "returns"]},
                     format="json").status_code == 200
    assert eng.post("/api/v1/projects/tickets/members/", {"username": "out"}, format="json").status_code == 201
    assert eng.delete("/api/v1/projects/tickets/members/", {"username": "out"}, format="json").status_code == 204
    assert eng.post("/api/v1/projects/tickets/items/", {"items": [{"text": "new one", "label": "returns"}]},
                    format="json").status_code == 201
    assert eng.post("/api/v1/projects/tickets/items/", {"items": [{"text": ""}]}, format="json").status_code == 400
    upload = SimpleUploadedFile("rows.csv", b"text,label\nuploaded row,billing\n")
    assert eng.post("/api/v1/projects/tickets/items/", {"file": upload}, format="multipart").status_code == 201
    user_roles_set(user=users["nobody"], roles=["annotator"], actor=users["admin"])
    return AuditEvent.objects.count()


def test_every_write_leaves_a_verifiable_chain(many_writes, users, client_for):
    report = audit_chain_verify()

    assert report.ok, report
    assert report.events == many_writes
    assert report.first_bad_seq is None
    assert report.head_hash == AuditEvent.objects.order_by("-seq").first().hash
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"auth.login", "auth.login_failed", "project.created", "project.updated", "project.member_added",
            "project.member_removed", "items.imported", "accounts.roles_changed", "accounts.user_created"} <= actions
    body = client_for(users["auditor"]).get(VERIFY_URL).json()
    assert body == {"ok": True, "events": many_writes, "head_hash": report.head_hash, "first_bad_seq": None,
                    "reason": ""}
    call_command("audit_verify")


def test_events_are_numbered_contiguously_and_linked(many_writes):
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, many_writes + 1))
    prev = GENESIS_HASH
    for event in events:
        assert event.prev_hash == prev
        assert event.hash == chain_hash(prev, _payload(event))
        prev = event.hash


@pytest.mark.parametrize("sql", [
    "UPDATE audit_auditevent SET action = 'forged' WHERE seq = 1",
    "UPDATE audit_auditevent SET details = details",
    "DELETE FROM audit_auditevent WHERE seq = 1",
    "DELETE FROM audit_auditevent",
])
def test_the_database_refuses_raw_updates_and_deletes(project, sql):
    count, first = AuditEvent.objects.count(), AuditEvent.objects.get(seq=1)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert AuditEvent.objects.count() == count
    assert AuditEvent.objects.get(seq=1).action == first.action
    assert audit_chain_verify().ok


def test_the_orm_cannot_update_or_delete_either(project):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=2).update(details={"forged": True})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.get(seq=2).delete()
    assert audit_chain_verify().ok


@on_postgresql
def test_postgresql_refuses_truncate(project):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")
    assert audit_chain_verify().ok


def test_the_bypass_helper_restores_the_trigger(project):
    with append_only_bypassed():
        pass
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 1")


def _assert_broken_at(seq: int, reason: str, auditor_client):
    body = auditor_client.get(VERIFY_URL).json()
    assert body["ok"] is False
    assert body["first_bad_seq"] == seq
    assert reason in body["reason"]
    with pytest.raises(CommandError, match=rf"BROKEN at seq {seq}\b"):
        call_command("audit_verify")


def test_tampered_details_are_detected_at_that_seq(project, users, client_for):
    k = AuditEvent.objects.count() // 2
    with append_only_bypassed():
        AuditEvent.objects.filter(seq=k).update(details={"tampered": True})

    _assert_broken_at(k, "content does not match its hash", client_for(users["auditor"]))
    report = audit_chain_verify()
    assert report.events == k
    assert report.head_hash == AuditEvent.objects.get(seq=k - 1).hash


def test_tampering_that_rehashes_the_row_breaks_the_next_link(project, users, client_for):
    k = AuditEvent.objects.count() // 2
    event = AuditEvent.objects.get(seq=k)
    event.details = {"tampered": True}
    with append_only_bypassed():
        AuditEvent.objects.filter(seq=k).update(details=event.details,
                                                hash=chain_hash(event.prev_hash, _payload(event)))

    _assert_broken_at(k + 1, "prev_hash does not link", client_for(users["auditor"]))


def test_a_deleted_middle_row_shows_as_a_gap_at_the_next_seq(project, users, client_for):
    k = AuditEvent.objects.count() // 2
    with append_only_bypassed():
        AuditEvent.objects.filter(seq=k).delete()

    _assert_broken_at(k + 1, f"sequence gap: expected {k}", client_for(users["auditor"]))


def test_audit_verify_command_reports_json(project, capsys):
    call_command("audit_verify", "--json")
    assert '"ok": true' in capsys.readouterr().out


def test_audit_event_record_refuses_to_run_outside_a_transaction():
    assert not connection.in_atomic_block
    with pytest.raises(ApplicationError, match="inside the transaction") as excinfo:
        audit_event_record(action="test.outside")
    assert excinfo.value.status == 500


def test_audit_event_record_appends_to_the_chain(project):
    last = AuditEvent.objects.order_by("-seq").first()
    with transaction.atomic():
        event = audit_event_record(action="test.recorded", project=project, object_type="x", object_id=7,
                                   details={"n": 1.5}, request_id="req-1")
    event.refresh_from_db()
    assert (event.seq, event.prev_hash, event.actor_ref) == (last.seq + 1, last.hash, "system")
    assert (event.project_slug, event.object_id, event.request_id) == ("tickets", "7", "req-1")
    assert audit_chain_verify().ok


@pytest.fixture
def two_projects(project, users):
    project_create(slug="other", name="Other", task="text_classification", labels=["x", "y"],
                   creator=users["outsider"])


def _events(api, **params):
    response = api.get(EVENTS_URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_events_endpoint_paginates(project, users, client_for):
    body = _events(client_for(users["admin"]), limit=5)
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == AuditEvent.objects.count() and [e["seq"] for e in body["results"]] == [1, 2, 3, 4, 5]


def test_events_filter_by_action(two_projects, users, client_for):
    body = _events(client_for(users["admin"]), action="project.member_added")
    assert body["count"] == AuditEvent.objects.filter(action="project.member_added").count() == 3
    assert {e["action"] for e in body["results"]} == {"project.member_added"}


def test_events_filter_by_actor_username_or_pseudonym(two_projects, users, client_for):
    api, ref = client_for(users["admin"]), actor_reference(users["engineer"])
    by_name = _events(api, actor="eng")
    assert by_name["count"] == AuditEvent.objects.filter(actor_ref=ref).count() > 0
    assert {e["actor_ref"] for e in by_name["results"]} == {ref}
    assert _events(api, actor=ref)["results"] == by_name["results"]
    assert _events(api, actor="ghost")["count"] == 0


def test_events_filter_by_project(two_projects, users, client_for):
    body = _events(client_for(users["admin"]), project="other")
    assert body["count"] == AuditEvent.objects.filter(project_slug="other").count() > 0
    assert {e["project"] for e in body["results"]} == {"other"}


def test_events_filter_by_time(project, users, client_for):
    api = client_for(users["admin"])
    k = AuditEvent.objects.count() // 2
    at = AuditEvent.objects.get(seq=k).created_at.isoformat()
    since = _events(api, since=at, limit=500)["results"]
    until = _events(api, until=at, limit=500)["results"]
    assert k in [e["seq"] for e in since] and k in [e["seq"] for e in until]
    assert {e["seq"] for e in since} | {e["seq"] for e in until} == set(range(1, AuditEvent.objects.count() + 1))
    future = (timezone.now() + timezone.timedelta(days=1)).isoformat()
    assert _events(api, since=future)["count"] == 0
    assert _events(api, until=future)["count"] == AuditEvent.objects.count()


@pytest.mark.parametrize("param", ["since", "until"])
@pytest.mark.parametrize("value", ["yesterday", "2024-13-01", "01/02/2024 10:00"])
def test_events_bad_date_is_400(project, users, client_for, param, value):
    response = client_for(users["admin"]).get(EVENTS_URL, {param: value})
    assert response.status_code == 400
    assert param in response.json()["detail"]


@pytest.mark.parametrize("value", ["2024-13-01T00:00:00", "2024-02-30T10:00:00Z"])
def test_events_impossible_date_is_400(project, users, client_for, value):
    assert client_for(users["admin"]).get(EVENTS_URL, {"since": value}).status_code == 400


def test_non_admin_auditors_see_their_projects_and_global_events(two_projects, users, client_for):
    mine = _events(client_for(users["auditor"]), limit=1000)
    assert {e["project"] for e in mine["results"]} == {"tickets", ""}
    assert mine["count"] == AuditEvent.objects.filter(project_slug__in=["tickets", ""]).count()
    assert _events(client_for(users["auditor"]), project="other")["count"] == 0
    theirs = _events(client_for(users["outsider"]), limit=1000)  # auditor role, member of "other" only
    assert {e["project"] for e in theirs["results"]} == {"other", ""}
    everything = _events(client_for(users["admin"]), limit=1000)
    assert everything["count"] == AuditEvent.objects.count()


@pytest.mark.parametrize("role", ["annotator", "reviewer", "engineer", "nobody"])
def test_only_auditors_and_admins_read_the_audit_log(project, users, client_for, role):
    api = client_for(users[role])
    assert api.get(EVENTS_URL).status_code == 403
    assert api.get(VERIFY_URL).status_code == 403


def test_verify_endpoint_for_auditor_and_admin(project, users, client_for):
    for role in ("auditor", "admin"):
        body = client_for(users[role]).get(VERIFY_URL).json()
        assert body["ok"] is True and body["events"] == AuditEvent.objects.count()
