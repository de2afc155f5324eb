"""Group commit: the predict requests waiting at one moment are authorized, predicted and logged together.

A few threads per serving process (PREDICT_BATCH_THREADS) each take every job queued while they were busy (and, if
PREDICT_BATCH_WAIT_MS is set, wait that long for more), then in ONE transaction: reads the serving generation
(access.py), authorizes each job from the caches, runs the champion once per project over all the batch's texts,
resolves and creates their items, inserts every prediction in one statement, moves the latest-prediction pointers in
one, and appends one audit event per (project, caller) in one. Jobs are answered only after that commit, so no answer
is ever given for a prediction that is not stored. Under load the batch grows by itself: the longer a commit takes,
the more requests queue behind it, and they share the next one.

A job the fast path cannot serve exactly as the Django view would (unknown token, no access, no champion) comes back
DELEGATE and goes to that view, which gives the refusal; so does every job of a batch whose transaction failed
(nothing of it was stored), and each is then tried alone there.
"""
import logging
import queue
import threading
import time
from collections import defaultdict
from concurrent.futures import Future
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from apps.audit.services import AuditEntry, audit_events_record_many
from apps.items.services import item_ids_for_texts
from apps.training.ml import predict_texts

from ..models import Prediction
from ..services import predictions_record
from .access import ServingAccess, now

logger = logging.getLogger(__name__)
DELEGATE = object()  # a job's result when the Django view must answer it


@dataclass
class Job:
    key: str  # the API token's key
    slug: str
    texts: list[str]  # normalized
    request_id: str
    future: Future = field(default_factory=Future)
    # Filled in by the batch.
    project: object = None
    caller: object = None
    champion: tuple | None = None
    outputs: list = field(default_factory=list)
    latency_ms: float = 0.0


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
        texts = len(batch[0].texts)
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
            texts += len(job.texts)
        return batch

    def _run(self) -> None:
        """One of the threads: each has its own caches and connection; while one commits, the next batch forms and
        is predicted in another (the audit chain's lock orders their appends)."""
        access = ServingAccess()
        while (batch := self._gather()) is not None:
            try:
                answers = self._commit(batch, access)
            except Exception:  # nothing of this batch was stored: each job goes to the Django view alone
                logger.exception("predict batch of %d requests failed; handing them to the view", len(batch))
                connection.close()  # the next batch opens a fresh connection
                answers = {id(job): DELEGATE for job in batch}
            with self._lock:
                self.batches += 1
                self.jobs += len(batch)
            for job in batch:
                job.future.set_result(answers[id(job)])
        connection.close()

    def _commit(self, batch: list[Job], access: ServingAccess) -> dict[int, object]:
        answers: dict[int, object] = {}
        with transaction.atomic():
            access.refresh()
            at = now()
            served = [job for job in batch if self._authorize(job, access, at)]
            kept = {id(job) for job in served}
            answers.update((id(job), DELEGATE) for job in batch if id(job) not in kept)
            if not served:
                return answers
            self._predict(served)
            access.touch([job.caller for job in served], at)
            rows_by_job = self._store(served)
        for job in served:
            version = job.champion[0]
            answers[id(job)] = (version.number, rows_by_job[id(job)])
        return answers

    @staticmethod
    def _authorize(job: Job, access: ServingAccess, at) -> bool:
        job.caller = access.caller(job.key, at)
        job.project = job.caller and access.project(job.caller, job.slug)
        job.champion = job.project and access.champion(job.project)
        return bool(job.champion)

    def _predict(self, jobs: list[Job]) -> None:
        """One model call per project over all its jobs' texts; each job keeps its own outputs."""
        by_project: dict[int, list[Job]] = defaultdict(list)
        for job in jobs:
            by_project[job.project.pk].append(job)
        for group in by_project.values():
            model, project = group[0].champion[1], group[0].project
            started = time.perf_counter()
            outputs = predict_texts(model, [text for job in group for text in job.texts], project.labels)
            latency_ms = (time.perf_counter() - started) * 1000
            start = 0
            for job in group:
                job.outputs, job.latency_ms = outputs[start:start + len(job.texts)], latency_ms
                start += len(job.texts)

    def _store(self, jobs: list[Job]) -> dict[int, list[Prediction]]:
        """Items, predictions and audit events of the batch: a few statements whatever its size."""
        groups: dict[tuple[int, int], list[Job]] = defaultdict(list)
        for job in jobs:
            groups[(job.project.pk, job.caller.user.pk)].append(job)
        rows, owner = [], []
        entries_for = []
        for group in groups.values():
            project, actor = group[0].project, group[0].caller.user
            texts = [text for job in group for text in job.texts]
            item_ids, created = item_ids_for_texts(project=project, texts=texts, actor=actor)
            ids = iter(item_ids)
            first = len(rows)
            for job in group:
                version = job.champion[0]
                for output in job.outputs:
                    rows.append(Prediction(
                        project=project, item_id=next(ids), model_version=version, label=output.label,
                        confidence=output.confidence, probabilities=output.probabilities, latency_ms=job.latency_ms,
                        batch_size=len(job.texts), request_id=job.request_id, actor=actor))
                    owner.append(id(job))
            entries_for.append((group, first, len(rows), created))
        stored = predictions_record(rows)
        by_job: dict[int, list[Prediction]] = defaultdict(list)
        for prediction, job_id in zip(stored, owner, strict=True):
            by_job[job_id].append(prediction)
        audit_events_record_many([self._entry(group, stored[start:end], created)
                                  for group, start, end, created in entries_for])
        return by_job

    @staticmethod
    def _entry(group: list[Job], predictions: list[Prediction], created: int) -> AuditEntry:
        """One event for a caller's predictions in a project in this batch (the same details as the view's)."""
        first = group[0]
        return AuditEntry(
            action="predictions.created", actor=first.caller.user, project=first.project,
            object_type="predictions.prediction", object_id=predictions[0].pk, request_id=first.request_id,
            details={"count": len(predictions), "ids": [p.pk for p in predictions][:1000],
                     "model_version": first.champion[0].number, "items_created": created,
                     "latency_ms": round(first.latency_ms, 3),
                     "request_ids": [job.request_id for job in group][:1000], "group_commit": True})


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
