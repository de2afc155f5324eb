"""The chain at speed without weakening it: the fast hash equals the definition, a batch is numbered and linked
in order with one lock and one insert and commits with its caller or not at all, and the streamed verifier finds
every kind of tampering (across chunk boundaries) in bounded memory. Timings live in `manage.py audit_bench`."""
import json
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.audit.hashing import GENESIS_HASH, HOLES, chain_hash, event_hash, event_payload, event_text_at, event_text_template
from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.audit.services import AuditEntry, actor_reference, audit_event_record, audit_events_record_many
from apps.audit.verify import chain_rows
from apps.core.exceptions import ApplicationError
from apps.projects.models import Project

from .test_audit import _payload, append_only_bypassed

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")

TEXTS = ["", "plain", 'quo"te', "back\\slash", "new\nline\ttab\r", "ctl\x00\x01\x1f\x7f", "ünïcødé", "日本語",
         "emoji 🎉", "\u2028\u2029", "</script>", "a" * 300]
DETAILS = [{}, {"n": 1}, {"b": 2, "a": 1, "ä": 3, "Z": 0, "_": None}, {"f": 1.5, "g": 1e-07, "h": 1e20, "i": -0.0},
           {"t": True, "f": False, "n": None, "l": [3, "x", {"z": 1, "y": [1.25, None]}]},
           {"nested": {"deep": {"deeper": ["ü", "\n", 10**30]}}}, {"ids": list(range(50)), "count": 50},
           "a string", ["a", 1], 3.25, None, {"tuple": (1, 2), "big": 2**70, "nan": float("nan"), "inf": float("inf")},
           {"not json": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "set": {1}}]  # default=str


def test_event_hash_equals_the_definition_on_every_kind_of_field():
    when = [datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)]
    checked = 0
    for i, text in enumerate(TEXTS):
        for j, details in enumerate(DETAILS):
            fields = dict(seq=i * 100 + j + 1, created_at=when[(i + j) % 2], actor_ref=text, actor_role=TEXTS[-1 - i],
                          action=f"x.{text}", object_type=TEXTS[j % len(TEXTS)], object_id=text[::-1],
                          project_slug=TEXTS[i - 1],
                          request_id=text + "r", details=details)
            prev = chain_hash(GENESIS_HASH, {"n": checked})
            assert event_hash(prev, *fields.values()) == chain_hash(prev, event_payload(**fields)), fields
            checked += 1
    assert checked == len(TEXTS) * len(DETAILS)


def test_a_template_filled_by_the_database_is_the_text_that_is_hashed():
    """serving/direct.py leaves head, seq, time, object id, ids and items_created to PostgreSQL: replacing each
    hole by its value (as the SQL function does) gives exactly event_text_at's text, on awkward values too."""
    for i, text in enumerate(TEXTS):
        details = {"count": 3, "request_ids": [text, "r-2"], "latency_ms": 0.125, "model_version": 7,
                   "group_commit": True, "note": TEXTS[-1 - i]}
        fields = dict(actor_ref=text, actor_role="annotator", action="predictions.created",
                      object_type="predictions.prediction", project_slug=TEXTS[i - 1], request_id=text + "r")
        template, details_template = event_text_template(**fields, details=details)
        values = {"prev": "ab" * 32, "seq": "4711", "created_at": "2026-11-30T02:03:18.123456+00:00",
                  "object_id": "90", "ids": "90,91,95", "items_created": "2"}
        filled, filled_details = template, details_template
        for name, value in values.items():
            filled, filled_details = filled.replace(HOLES[name], value), filled_details.replace(HOLES[name], value)
        full = {**details, "ids": [90, 91, 95], "items_created": 2}
        assert filled == event_text_at("ab" * 32, 4711, values["created_at"], text, "annotator",
                                       "predictions.created", "predictions.prediction", "90", TEXTS[i - 1],
                                       text + "r", full)
        assert json.loads(filled_details) == full


def test_recorded_events_still_match_the_definition(project):
    for event in AuditEvent.objects.order_by("seq"):
        assert event.hash == chain_hash(event.prev_hash, _payload(event))


def _entries(n: int, **extra) -> list[AuditEntry]:
    return [AuditEntry(action="test.batch", object_type="thing", object_id=i, details={"i": i, **extra})
            for i in range(n)]


def test_a_batch_is_numbered_and_linked_in_the_order_given(project, users):
    head = AuditEvent.objects.order_by("-seq").first()
    entries = [AuditEntry(action="test.batch", actor=users["engineer"], project=project, obj=project),
               AuditEntry(action="test.batch", actor=users["annotator"], project="tickets", object_type="x",
                          object_id=7, details={"ü": [1.5]}, request_id="req-7"),
               AuditEntry(action="test.batch.last")]
    with transaction.atomic():
        events = audit_events_record_many(entries)

    stored = list(AuditEvent.objects.filter(seq__gt=head.seq).order_by("seq"))
    assert [e.pk for e in events] == [e.pk for e in stored]
    assert [e.seq for e in stored] == [head.seq + 1, head.seq + 2, head.seq + 3]
    assert [e.prev_hash for e in stored] == [head.hash, stored[0].hash, stored[1].hash]
    assert [e.action for e in stored] == ["test.batch", "test.batch", "test.batch.last"]
    assert (stored[0].object_type, stored[0].object_id, stored[0].actor_role) == ("projects.project",
                                                                                 str(project.pk), "ml_engineer")
    assert (stored[1].actor_ref, stored[1].actor_role) == (actor_reference(users["annotator"]), "annotator")
    assert (stored[1].object_id, stored[1].details, stored[1].request_id) == ("7", {"ü": [1.5]}, "req-7")
    assert (stored[2].actor_ref, stored[2].project_slug) == ("system", "")
    assert stored[0].request_id == stored[2].request_id  # one job id for a batch recorded outside a request
    for event in stored:
        assert event.hash == chain_hash(event.prev_hash, _payload(event))
    assert audit_chain_verify().ok


def test_a_batch_takes_the_lock_once_and_inserts_in_one_statement(project):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        audit_events_record_many(_entries(250))
    sql = [q["sql"].upper() for q in queries.captured_queries]
    # SQLite caps the parameters of one statement (Django splits the insert there, still in one transaction).
    per_insert = connection.ops.bulk_batch_size(AuditEvent._meta.concrete_fields[1:], [None] * 250)
    inserts = 1 if connection.vendor == "postgresql" else -(-250 // per_insert)
    assert sum(s.startswith("INSERT") for s in sql) == inserts
    # PostgreSQL: the lock and the head in one round trip (hitl_audit_chain_head, migration audit.0005)
    assert sum("HITL_AUDIT_CHAIN_HEAD" in s for s in sql) == (1 if connection.vendor == "postgresql" else 0)
    assert len(sql) == inserts + 1  # the head (with the lock), the inserts
    assert audit_chain_verify().ok


def test_a_batch_larger_than_one_insert_stays_one_chain(project):
    before = AuditEvent.objects.count()
    with transaction.atomic():
        events = audit_events_record_many(_entries(2345))
    assert [e.seq for e in events] == list(range(before + 1, before + 2346))
    report = audit_chain_verify()
    assert report.ok and report.events == before + 2345


def test_an_empty_batch_records_nothing(project):
    before = AuditEvent.objects.count()
    with transaction.atomic():
        assert audit_events_record_many([]) == []
    assert AuditEvent.objects.count() == before


def test_a_batch_refuses_to_run_outside_a_transaction():
    assert not connection.in_atomic_block  # no database access at all in this test: refused before any query
    with pytest.raises(ApplicationError, match="inside the transaction") as excinfo:
        audit_events_record_many(_entries(3))
    assert excinfo.value.status == 500


def test_a_batch_rolls_back_with_its_callers_transaction(project):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(name="renamed")
        audit_events_record_many(_entries(5))
        raise RuntimeError("the change failed after its events were appended")
    assert AuditEvent.objects.count() == before
    assert Project.objects.get(pk=project.pk).name != "renamed"
    assert audit_chain_verify().ok


def test_a_batch_that_fails_to_insert_takes_the_callers_change_with_it(project):
    before = AuditEvent.objects.count()
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(name="renamed")
        with pytest.raises(TypeError):  # caught by a careless caller: the change must still not commit unaudited
            audit_events_record_many([*_entries(2), AuditEntry(action="test.bad", details={"x": object()})])
    assert Project.objects.get(pk=project.pk).name != "renamed"
    assert AuditEvent.objects.count() == before
    assert audit_chain_verify().ok


def test_single_records_and_batches_interleave_into_one_chain(project):
    with transaction.atomic():
        audit_event_record(action="test.single")
        audit_events_record_many(_entries(3))
        audit_event_record(action="test.single")
    report = audit_chain_verify()
    assert report.ok and report.events == AuditEvent.objects.count()


@pytest.fixture
def long_chain(project):
    """A chain of a few hundred events, so that small chunk sizes put the tampering in a later chunk."""
    with transaction.atomic():
        audit_events_record_many(_entries(300))
    return AuditEvent.objects.count()


CHUNKS = [1, 7, 64, 5000]


@pytest.mark.parametrize("chunk_size", CHUNKS)
def test_streamed_verify_reports_the_same_as_before_on_an_intact_chain(long_chain, chunk_size):
    report = audit_chain_verify(chunk_size=chunk_size)
    assert report.ok and report.events == long_chain and report.first_bad_seq is None
    assert report.head_hash == AuditEvent.objects.order_by("-seq").first().hash


@pytest.mark.parametrize("chunk_size", CHUNKS)
def test_streamed_verify_finds_an_edited_event(long_chain, chunk_size):
    k = long_chain - 37
    with append_only_bypassed():
        AuditEvent.objects.filter(seq=k).update(object_id="forged")
    report = audit_chain_verify(chunk_size=chunk_size)
    assert (report.ok, report.first_bad_seq, report.events) == (False, k, k)
    assert report.reason == "content does not match its hash"
    assert report.head_hash == AuditEvent.objects.get(seq=k - 1).hash


@pytest.mark.parametrize("chunk_size", CHUNKS)
def test_streamed_verify_finds_an_edited_timestamp(long_chain, chunk_size):
    k = long_chain - 3
    with append_only_bypassed():
        AuditEvent.objects.filter(seq=k).update(created_at=AuditEvent.objects.get(seq=k).created_at
                                                + timedelta(microseconds=1))
    report = audit_chain_verify(chunk_size=chunk_size)
    assert (report.ok, report.first_bad_seq, report.reason) == (False, k, "content does not match its hash")


@pytest.mark.parametrize("chunk_size", CHUNKS)
def test_streamed_verify_finds_a_deleted_event(long_chain, chunk_size):
    k = long_chain - 100
    with append_only_bypassed():
        AuditEvent.objects.filter(seq=k).delete()
    report = audit_chain_verify(chunk_size=chunk_size)
    assert (report.ok, report.first_bad_seq, report.reason) == (False, k + 1, f"sequence gap: expected {k}")


@pytest.mark.parametrize("chunk_size", CHUNKS)
def test_streamed_verify_finds_a_deleted_tail_only_by_the_head(long_chain, chunk_size):
    """Deleting the newest events leaves a shorter chain that verifies: the head hash is what tells (an auditor
    compares it with one noted earlier), so the report must name the new head."""
    head = AuditEvent.objects.get(seq=long_chain - 1).hash
    with append_only_bypassed():
        AuditEvent.objects.filter(seq=long_chain).delete()
    report = audit_chain_verify(chunk_size=chunk_size)
    assert (report.ok, report.events, report.head_hash) == (True, long_chain - 1, head)


@pytest.mark.parametrize("chunk_size", CHUNKS)
def test_streamed_verify_finds_two_events_swapped(long_chain, chunk_size):
    k = long_chain - 50
    with append_only_bypassed():  # renumber k and k+1 the other way round (via a free seq: seq is unique)
        AuditEvent.objects.filter(seq=k).update(seq=-1)
        AuditEvent.objects.filter(seq=k + 1).update(seq=k)
        AuditEvent.objects.filter(seq=-1).update(seq=k + 1)
    report = audit_chain_verify(chunk_size=chunk_size)
    assert (report.ok, report.first_bad_seq) == (False, k)
    assert report.reason == "prev_hash does not link to the previous event"


@on_postgresql
def test_verification_reads_through_a_server_side_cursor(long_chain):
    rows = chain_rows(chunk_size=10)
    assert next(rows)[0] == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors WHERE statement ILIKE %s", ["%audit_auditevent%"])
        assert cursor.fetchone()[0] == 1
    assert sum(1 for _ in rows) == long_chain - 1


@on_postgresql
def test_postgresql_writes_timestamps_as_python_does(db):
    from apps.audit.verify import PG_ISOFORMAT

    moments = [datetime(2026, 1, 1, tzinfo=UTC), datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
               datetime(1999, 12, 31, 0, 0, 0, 1, tzinfo=UTC), datetime(2026, 7, 1, 12, 30, tzinfo=UTC) + timedelta(
                   microseconds=120), datetime(2030, 3, 31, 1, 59, 59, 500000, tzinfo=UTC)]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'Europe/Berlin'")  # the session's zone must not matter
        for moment in moments:
            cursor.execute(f"SELECT {PG_ISOFORMAT.format('%s::timestamptz')}", [moment])
            assert cursor.fetchone()[0] == moment.isoformat(timespec="microseconds")


def test_verify_memory_stays_bounded_over_50000_events(project):
    with transaction.atomic():
        for _ in range(10):
            audit_events_record_many(_entries(5000, note="a few words of details to make the row realistic"))
    total = AuditEvent.objects.count()
    assert total > 50000
    tracemalloc.start()
    try:
        report = audit_chain_verify()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok and report.events == total
    # All 50,000 rows at once take about 90 MB; one chunk of 2,000 rows about 3.3 MB, whatever the chain's length.
    assert peak < 5 * 2**20, f"verify peaked at {peak / 2**20:.1f} MiB"


def _tamper(kind: str, k: int) -> None:
    with append_only_bypassed():
        events = AuditEvent.objects
        if kind == "edit":
            events.filter(seq=k).update(action="forged")
        elif kind == "rehash":
            event = events.get(seq=k)
            event.details = {"forged": True}
            events.filter(seq=k).update(details=event.details, hash=chain_hash(event.prev_hash, _payload(event)))
        elif kind == "delete":
            events.filter(seq=k).delete()
        elif kind == "delete_run":
            events.filter(seq__gte=k, seq__lte=k + 4).delete()
        elif kind == "delete_tail":
            events.filter(seq__gte=k).delete()
        elif kind == "swap":
            events.filter(seq=k).update(seq=-5)
            events.filter(seq=k + 1).update(seq=k)
            events.filter(seq=-5).update(seq=k + 1)
        elif kind == "renumber_low":
            events.filter(seq=k).update(seq=0)
        elif kind == "duplicate_hash_link":
            events.filter(seq=k).update(prev_hash=events.get(seq=k - 2).hash)


TAMPERING = ["none", "edit", "rehash", "delete", "delete_run", "delete_tail", "swap", "renumber_low",
             "duplicate_hash_link"]


@pytest.mark.parametrize("kind", TAMPERING)
def test_ranges_joined_report_exactly_what_one_pass_reports(long_chain, kind):
    """Verification split into seq ranges (as worker processes do it) and joined must agree with one pass, with the
    range boundaries placed on, before and after the tampered rows."""
    from apps.audit.verify import _FIRST, _LAST, join_ranges, verify_range

    k = long_chain - 40
    if kind != "none":
        _tamper(kind, k)
    one_pass = audit_chain_verify()
    assert one_pass.ok is (kind in ("none", "delete_tail"))  # a cut tail shows in the head hash only
    for cuts in [(k - 1,), (k,), (k + 1,), (k - 1, k), (k, k + 1), (k - 2, k + 2), (k - 1, k + 4), (5, k - 1, k + 5),
                 (long_chain,), (long_chain - 1,), (1,)]:
        edges = [_FIRST, *(c + 1 for c in cuts)]
        bounds = list(zip(edges, [*cuts, _LAST], strict=True))
        assert join_ranges([verify_range(lo, hi, chunk_size=16) for lo, hi in bounds]) == one_pass, (kind, cuts)
