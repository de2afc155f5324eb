"""Group commit: the requests waiting at one moment (predictions, answers) are authorized, served and logged together.

A few threads per serving process (PREDICT_BATCH_THREADS) each take every job queued while they were busy (and, if
PREDICT_BATCH_WAIT_MS is set, wait that long for more), then in ONE transaction: reads the serving generation
(access.py), authorizes each job from the caches, runs the champion once per project over all the batch's texts,
resolves and creates their items, inserts every prediction in one statement, moves the latest-prediction pointers in
one, and appends one audit event per (project, caller) in one. Jobs are answered only after that commit, so no answer
is ever given for a prediction that is not stored. Under load the batch grows by itself: the longer a commit takes,
the more requests queue behind it, and they share the next one. On PostgreSQL the predictions of each (project,
caller), and the batch's answers, go further: one statement each, its own transaction, does all of their writes
and events (direct.py); the batch transaction remains for SQLite.

A job the fast path cannot serve exactly as the Django view would (unknown token, no access, no champion) comes back
DELEGATE and goes to that view, which gives the refusal; so does every job of a batch whose transaction failed
(nothing of it was stored), and each is then tried alone there.
"""
import contextlib
import logging
import queue
import threading
import time
from collections import defaultdict
from concurrent.futures import Future, InvalidStateError

from django.conf import settings
from django.db import connection, transaction

from apps.audit.services import audit_events_record_many

from .access import ServingAccess, now
from .jobs import DELEGATE, Job

logger = logging.getLogger(__name__)


class GroupCommit:
    def __init__(self, *, wait_s: float = 0.0, max_texts: int = 4000, threads: int = 1):
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._wait_s = wait_s
        self._max_texts = max_texts
        self._size = threads
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self.batches = 0  # counters for inspection and the tests
        self.jobs = 0

    def submit(self, job: Job) -> Future:
        if not self._threads:
            with self._lock:
                if not self._threads:
                    self._threads = [threading.Thread(target=self._run, name=f"predict-group-commit-{n}", daemon=True)
                                     for n in range(self._size)]
                    for thread in self._threads:
                        thread.start()
        self._queue.put(job)
        return job.future

    def stop(self) -> None:
        """Finish the jobs queued so far, close the threads' database connections and end the threads."""
        threads, self._threads = self._threads, []
        for _ in threads:
            self._queue.put(None)
        for thread in threads:
            thread.join()

    def _gather(self) -> list[Job] | None:
        first = self._queue.get()
        if first is None:
            return None
        batch = [first]
        texts = batch[0].size
        deadline = time.monotonic() + self._wait_s
        while texts < self._max_texts:
            try:
                remaining = deadline - time.monotonic()
                job = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:  # stop(): this thread ends after this batch
                self._queue.put(None)
                break
            batch.append(job)
            texts += job.size
        return batch

    def _run(self) -> None:
        """One of the threads: each has its own caches and connection; while one commits, the next batch forms and
        is predicted in another (the audit chain's lock orders their appends)."""
        access = ServingAccess()
        while (batch := self._gather()) is not None:
            try:
                answers = self._commit(batch, access)
            except Exception:  # nothing of this batch was stored: each job goes to the Django view alone
                logger.exception("batch of %d requests failed; handing them to the view", len(batch))
                connection.close()  # the next batch opens a fresh connection
                answers = {id(job): DELEGATE for job in batch}
            with self._lock:
                self.batches += 1
                self.jobs += len(batch)
            for job in batch:
                with contextlib.suppress(InvalidStateError):  # its request was cancelled (the client went away)
                    job.future.set_result(answers[id(job)])
        connection.close()

    @staticmethod
    def _commit(batch: list[Job], access: ServingAccess) -> dict[int, object]:
        """On PostgreSQL, predictions first, one statement per (project, caller) group (direct.py); the rest (all
        of it on SQLite) in one transaction: every kind of job served, then all their audit events in one append."""
        kinds: dict[type, list[Job]] = defaultdict(list)
        for job in batch:
            kinds[type(job)].append(job)
        if connection.vendor == "postgresql":  # each kind in statements of its own (direct.py)
            for kind in list(kinds):
                kind.serve_direct(kinds.pop(kind), access, now())
        if kinds:
            with transaction.atomic():
                access.refresh()
                at = now()
                entries = [entry for kind, jobs in kinds.items() for entry in kind.serve(jobs, access, at)]
                access.touch([job.caller for jobs in kinds.values() for job in jobs if job.response], at)
                audit_events_record_many(entries)
        return {id(job): job.response or DELEGATE for job in batch}


_instance: GroupCommit | None = None
_instance_lock = threading.Lock()


def group_commit() -> GroupCommit:
    """This process's batcher (started on first use)."""
    global _instance
    if _instance is None:
        with _instance_lock:
            if _instance is None:
                _instance = GroupCommit(wait_s=settings.PREDICT_BATCH_WAIT_MS / 1000,
                                        max_texts=max(settings.PREDICT_MAX_INPUTS, settings.PREDICT_BATCH_MAX_TEXTS),
                                        threads=settings.PREDICT_BATCH_THREADS)
    return _instance
