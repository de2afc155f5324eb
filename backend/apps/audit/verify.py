"""Verification of the audit hash chain: one streamed pass in seq order, in constant memory, optionally split
into seq ranges that worker processes verify side by side and that are then joined exactly as one pass would
have seen them. Reads only; never used to append.

Rows come through a server-side cursor on PostgreSQL inside a read transaction (no WITH HOLD copy of the table),
the database writing each timestamp in the hashed form; SQLite steps its cursor lazily. No model instances.
"""
import json
import multiprocessing
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection, connections, transaction

from .hashing import GENESIS_HASH, event_hash_at
from .models import AuditEvent

VERIFY_CHUNK_ROWS = 2000  # about 3 MB of rows in memory at a time
_COLUMNS = ("seq", "created_at", "actor_ref", "actor_role", "action", "object_type", "object_id", "project_slug",
            "request_id", "details", "prev_hash", "hash")
# PostgreSQL writes created_at exactly as datetime.isoformat(timespec="microseconds") of the UTC value Django reads.
PG_ISOFORMAT = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
_PG_SQL = (f"SELECT seq, {PG_ISOFORMAT.format('created_at')}, actor_ref, actor_role, action, object_type, object_id,"
           " project_slug, request_id, details::text, prev_hash, hash"
           " FROM audit_auditevent WHERE seq >= %s AND seq <= %s ORDER BY seq")
_FIRST, _LAST = -(2**63), 2**63 - 1  # a bigint's range: a row renumbered to 0 or below is still read


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    head_hash: str
    first_bad_seq: int | None
    reason: str = ""


@dataclass(frozen=True)
class RangeResult:
    """One seq range checked on its own: its first row's seq and prev_hash are left for the join to check."""
    first_seq: int | None = None
    first_prev: str = ""
    good: int = 0  # rows that passed, in order, before `bad_seq`
    last_seq: int = 0
    last_hash: str = ""
    bad_seq: int | None = None
    reason: str = ""


def chain_rows(lo: int = _FIRST, hi: int = _LAST, *, chunk_size: int = VERIFY_CHUNK_ROWS):
    """Events with lo <= seq <= hi in seq order as tuples of _COLUMNS, created_at as its hashed text and details
    parsed. Streamed; on PostgreSQL it must run inside a transaction (the cursor then lives on the server)."""
    if connection.vendor == "postgresql":
        scan = json.JSONDecoder().scan_once  # json.loads less its whitespace checks: jsonb's text has none
        with connection.chunked_cursor() as cursor:
            cursor.execute(_PG_SQL, [lo, hi])
            while rows := cursor.fetchmany(chunk_size):
                for row in rows:
                    yield (*row[:9], scan(row[9], 0)[0], row[10], row[11])
        return
    rows = AuditEvent.objects.filter(seq__gte=lo, seq__lte=hi).order_by("seq").values_list(*_COLUMNS)
    for row in rows.iterator(chunk_size=chunk_size):
        yield (row[0], row[1].isoformat(timespec="microseconds"), *row[2:])


def verify_range(lo: int = _FIRST, hi: int = _LAST, *, chunk_size: int = VERIFY_CHUNK_ROWS) -> RangeResult:
    """Check every row of [lo, hi] but the links into its first row: numbering, links and content."""
    first_seq = first_prev = prev_hash = None
    good, last_seq = 0, 0
    # PostgreSQL: a transaction keeps the cursor on the server. SQLite: none, which would take the write lock.
    with transaction.atomic() if connection.vendor == "postgresql" else nullcontext():
        for (seq, created_at, actor_ref, actor_role, action, object_type, object_id, project_slug, request_id,
             details, stored_prev, stored_hash) in chain_rows(lo, hi, chunk_size=chunk_size):
            if first_seq is None:
                first_seq, first_prev, prev_hash = seq, stored_prev, stored_prev
            elif seq != last_seq + 1:
                return RangeResult(first_seq, first_prev, good, last_seq, prev_hash, seq,
                                   f"sequence gap: expected {last_seq + 1}")
            elif stored_prev != prev_hash:
                return RangeResult(first_seq, first_prev, good, last_seq, prev_hash, seq,
                                   "prev_hash does not link to the previous event")
            if event_hash_at(prev_hash, seq, created_at, actor_ref, actor_role, action, object_type, object_id,
                             project_slug, request_id, details) != stored_hash:
                return RangeResult(first_seq, first_prev, good, last_seq, prev_hash, seq,
                                   "content does not match its hash")
            good, last_seq, prev_hash = good + 1, seq, stored_hash
    return RangeResult(first_seq, first_prev or "", good, last_seq, prev_hash or "")


def join_ranges(results: list[RangeResult], start: tuple[int, str | None] = (1, GENESIS_HASH)) -> ChainReport:
    """The report one pass over the ranges' rows, in order, would have made. `start`: the first seq and the hash it
    links to (after a purge, the checkpoint's anchor; a hash of None takes the first row's own link, while a
    purge is still deleting, apps.audit.purge)."""
    count, (expected, head) = 0, start
    for r in results:
        if r.first_seq is None:
            continue
        if head is None:
            expected, head = r.first_seq, r.first_prev
        if r.first_seq != expected:
            return ChainReport(False, count + 1, head, r.first_seq, f"sequence gap: expected {expected}")
        if r.first_prev != head:
            return ChainReport(False, count + 1, head, r.first_seq, "prev_hash does not link to the previous event")
        if r.bad_seq is not None:
            return ChainReport(False, count + r.good + 1, r.last_hash if r.good else head, r.bad_seq, r.reason)
        count, head, expected = count + r.good, r.last_hash, r.last_seq + 1
    return ChainReport(True, count, head, None)


def _verify_range_in_worker(bounds: tuple[int, int, int]) -> RangeResult:
    try:  # the parent closed its connections before forking: this process opens its own
        return verify_range(bounds[0], bounds[1], chunk_size=bounds[2])
    finally:
        connections.close_all()


def verify_chain(*, workers: int = 1, chunk_size: int = VERIFY_CHUNK_ROWS) -> ChainReport:
    """One pass (workers=1), or the chain up to its current last seq in `workers` ranges verified by forked
    processes at once and joined. Events appended meanwhile are left for the next verification. Inside a
    transaction (whose uncommitted rows other processes cannot see) it is always one pass."""
    from .purge import chain_start, checkpoint_problem

    begin = chain_start()
    start = (begin.seq, begin.prev_hash)
    if workers <= 1 or connection.in_atomic_block:
        report = join_ranges([verify_range(chunk_size=chunk_size)], start)
    else:
        last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        step = max(-(-(last - begin.seq + 1) // workers), 1)
        bounds = [(lo, min(lo + step - 1, last), chunk_size) for lo in range(begin.seq, last + 1, step)]
        if len(bounds) <= 1:
            report = join_ranges([verify_range(chunk_size=chunk_size)], start)
        else:
            bounds[0] = (_FIRST, *bounds[0][1:])  # rows renumbered below the start belong to the first range
            connections.close_all()
            with multiprocessing.get_context("fork").Pool(len(bounds)) as pool:
                report = join_ranges(pool.map(_verify_range_in_worker, bounds), start)
    if report.ok and begin.checkpoint is not None and (problem := checkpoint_problem(begin.checkpoint)):
        return ChainReport(False, report.events, report.head_hash, *problem)
    return report
