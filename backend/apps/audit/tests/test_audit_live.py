"""Concurrent single appends and batches, each thread on its own connection and committing: the chain never forks,
seqs stay contiguous, a batch's events stay together in the order given, and a batch rolled back leaves no trace.
Live (committed data, so it runs after the clean-database tests; see conftest)."""
import threading
import time
from collections import defaultdict

import pytest
from django.db import connection, transaction

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.audit.services import AuditEntry, audit_event_record, audit_events_record_many

pytestmark = pytest.mark.live


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.close()


class _RolledBack(Exception):
    pass


def test_concurrent_single_and_batch_appends_never_fork_the_chain(committed):
    before = AuditEvent.objects.count()
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def run(work) -> None:
        try:
            start.wait()
            work()
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            connection.close()

    def singles(n: int) -> None:
        for i in range(30):
            with transaction.atomic():
                audit_event_record(action="test.live.single", object_type="single", object_id=f"{n}-{i}")

    def batches(n: int) -> None:
        for b in range(12):
            with transaction.atomic():
                audit_events_record_many([AuditEntry(action="test.live.batch", object_type="batch",
                                                     object_id=f"{n}-{b}-{i}") for i in range(25)])

    def rolled_back() -> None:
        for b in range(10):
            try:
                with transaction.atomic():
                    audit_events_record_many([AuditEntry(action="test.live.rolled_back", object_id=f"{b}-{i}")
                                              for i in range(10)])
                    raise _RolledBack
            except _RolledBack:
                pass

    work = [*(lambda n=n: singles(n) for n in range(4)), *(lambda n=n: batches(n) for n in range(3)), rolled_back]
    threads = [threading.Thread(target=run, args=(w,)) for w in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, errors
    assert AuditEvent.objects.count() == before + 4 * 30 + 3 * 12 * 25
    assert not AuditEvent.objects.filter(action="test.live.rolled_back").exists()
    report = audit_chain_verify()
    assert report.ok, report
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    by_batch = defaultdict(list)
    for seq, object_id in AuditEvent.objects.filter(action="test.live.batch", seq__gt=before).values_list(
            "seq", "object_id").order_by("seq"):
        n, b, i = object_id.split("-")
        by_batch[(n, b)].append((seq, int(i)))
    assert len(by_batch) == 3 * 12
    for events in by_batch.values():  # each batch: 25 consecutive seqs, in the order it was given
        first = events[0][0]
        assert events == [(first + i, i) for i in range(25)]


def test_verification_in_worker_processes_finds_what_one_pass_finds(committed):
    """The forked range workers see committed rows only: tamper with one (then put it back) and compare."""
    from django.core.management import call_command

    from .test_audit import append_only_bypassed

    with transaction.atomic():
        audit_events_record_many([AuditEntry(action="test.live.workers", object_id=i) for i in range(200)])
    total = AuditEvent.objects.count()
    assert audit_chain_verify(workers=3) == audit_chain_verify() and audit_chain_verify(workers=3).ok
    k = total - 57
    original = AuditEvent.objects.get(seq=k).object_id
    with append_only_bypassed():
        AuditEvent.objects.filter(seq=k).update(object_id="forged")
    try:
        split, one_pass = audit_chain_verify(workers=3), audit_chain_verify()
        with pytest.raises(Exception, match=rf"BROKEN at seq {k}\b"):
            call_command("audit_verify", "--workers", "2")
    finally:
        with append_only_bypassed():
            AuditEvent.objects.filter(seq=k).update(object_id=original)
    assert split == one_pass
    assert (split.ok, split.first_bad_seq, split.events) == (False, k, k)
    assert audit_chain_verify(workers=2).ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")
def test_the_head_is_read_after_the_lock_is_granted(committed):
    """hitl_audit_chain_head waits for the lock and then reads: it sees the event the lock's holder committed."""
    from apps.audit.services import CHAIN_LOCK_KEY

    holder_ready, release, seen = threading.Event(), threading.Event(), {}

    def holder():
        try:
            with transaction.atomic():
                events = audit_events_record_many([AuditEntry(action="bench.head", object_type="t", object_id=1)])
                seen["appended"] = events[0].seq
                holder_ready.set()
                release.wait(30)
        finally:
            connection.close()

    def reader():
        try:
            holder_ready.wait(30)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT seq FROM hitl_audit_chain_head(%s)", [CHAIN_LOCK_KEY])
                seen["head"] = cursor.fetchone()[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=holder), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    holder_ready.wait(30)
    with connection.cursor() as cursor:  # the reader is waiting on the advisory lock before the holder commits
        for _ in range(300):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                           "AND query LIKE '%%hitl_audit_chain_head%%'")
            if cursor.fetchone()[0]:
                break
            time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(60)
    assert seen["head"] == seen["appended"]
