"""Measurements of the audit chain's speed, as plain functions for `make bench` and `manage.py audit_bench`.

Every function here appends real events to the chain of the database it runs on, and the chain is append-only:
run them on a throwaway database (`throwaway_database()`), never on one whose audit log matters.
Nothing here is used by the application itself.
"""
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection, transaction

from .models import AuditEvent
from .selectors import audit_chain_verify
from .services import AuditEntry, audit_event_record, audit_events_record_many


def _synthetic(n: int, tag: str = "bench") -> AuditEntry:
    """An event shaped like a prediction's: a project, an object, a request id and a few details."""
    return AuditEntry(action="predictions.created", project="bench", object_type="predictions.prediction",
                      object_id=n, request_id=f"{tag}-{n:012d}-6f1c2a9e4b7d",
                      details={"count": 1, "ids": [n], "model_version": 3, "items_created": 1, "latency_ms": 1.234})


def audit_chain_fill(total: int, *, per_transaction: int = 10_000) -> dict:
    """Extend the chain to `total` events with audit_events_record_many, `per_transaction` events per transaction."""
    have = AuditEvent.objects.count()
    started, added = time.perf_counter(), 0
    while have + added < total:
        n = min(per_transaction, total - have - added)
        with transaction.atomic():
            audit_events_record_many([_synthetic(have + added + i, "fill") for i in range(n)])
        added += n
    seconds = time.perf_counter() - started
    return {"events_added": added, "seconds": round(seconds, 2), "events_per_s": round(added / seconds) if added else None}


def audit_append_rate(*, count: int, batch: int = 1, threads: int = 1) -> dict:
    """Events/s appended by `threads` threads, each committing `batch` events per transaction (batch=1: one
    audit_event_record per transaction, as the API's writes do; more: one audit_events_record_many call)."""
    errors: list[BaseException] = []
    per_thread = count // threads

    def append(t: int) -> None:
        try:
            for start in range(0, per_thread, batch):
                with transaction.atomic():
                    if batch == 1:
                        audit_event_record(action="bench.append", object_type="bench", object_id=start,
                                           details={"thread": t})
                    else:
                        audit_events_record_many([_synthetic(start + i, f"t{t}")
                                                  for i in range(min(batch, per_thread - start))])
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)
        finally:
            if threads > 1:
                connection.close()

    started = time.perf_counter()
    if threads == 1:
        append(0)
    else:
        workers = [threading.Thread(target=append, args=(t,)) for t in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    seconds = time.perf_counter() - started
    if errors:
        raise errors[0]
    total = per_thread * threads
    return {"events": total, "batch": batch, "threads": threads, "seconds": round(seconds, 3),
            "events_per_s": round(total / seconds)}


def audit_verify_measure(*, workers: int = 1, trace_memory: bool = False) -> dict:
    """audit_chain_verify from this process (`workers` forked range workers, 1: one pass here): seconds, events/s,
    and (trace_memory) this process's Python heap peak during it."""
    if trace_memory:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        report = audit_chain_verify(workers=workers)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace_memory else None
    finally:
        if trace_memory:
            tracemalloc.stop()
    result = {"events": report.events, "ok": report.ok, "workers": workers, "seconds": round(seconds, 2),
              "events_per_s": round(report.events / seconds) if seconds else None}
    if peak is not None:
        result["tracemalloc_peak_mb"] = round(peak / 2**20, 2)
    return result


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def audit_verify_command_measure(*, workers: int | None = None) -> dict:
    """`manage.py audit_verify --json` as its own process on this database, Django's start included: wall seconds
    and the largest peak RSS of one process (its range workers are processes of their own)."""
    env = {**os.environ, "DATABASE_URL": _database_url()}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "audit_verify", "--json"]
    if workers:
        command += ["--workers", str(workers)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"exit_code": done.returncode, "workers": workers or "default", "seconds": round(seconds, 2),
            "report": done.stdout.strip()[-300:],
            "peak_rss_mb": round(peak_kb / 1024, 1) if peak_kb > before else None}


@contextmanager
def throwaway_database():
    """A fresh, migrated database next to the configured one (PostgreSQL: `<name>_audit_bench`; SQLite: a temporary
    file), this connection pointed at it for the duration, dropped afterwards."""
    creation, old_name = connection.creation, connection.settings_dict["NAME"]
    test = connection.settings_dict.setdefault("TEST", {})
    saved = dict(test)
    folder = None
    if connection.vendor == "sqlite":
        folder = tempfile.mkdtemp(prefix="audit-bench-")
        test["NAME"] = str(Path(folder) / "audit-bench.sqlite3")
    else:
        test["NAME"] = f"{old_name}_audit_bench"
    try:
        yield creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        creation.destroy_test_db(old_name, verbosity=0)
        test.clear()
        test.update(saved)
        if folder:
            for leftover in Path(folder).glob("*"):
                leftover.unlink()
            os.rmdir(folder)
