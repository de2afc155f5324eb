"""Predict jobs: the champion once per project over the batch's texts; items, predictions and one audit event per
(project, caller) for the whole batch."""
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import DatabaseError

from apps.accounts.roles import CAN_PREDICT
from apps.audit.services import AuditEntry
from apps.items.services import item_ids_for_texts
from apps.training.ml import predict_texts

from ..models import Prediction
from ..services import predictions_record
from . import direct
from .direct import EVENT_IDS
from .jobs import Job


@dataclass(eq=False)
class PredictJob(Job):
    slug: str = ""
    texts: list[str] = field(default_factory=list)  # normalized
    project: object = None
    champion: tuple | None = None  # (ModelVersion, model)
    outputs: list = field(default_factory=list)
    latency_ms: float = 0.0

    @property
    def size(self) -> int:
        return len(self.texts)

    @staticmethod
    def serve(jobs: list["PredictJob"], access, at) -> list[AuditEntry]:
        served = [job for job in jobs if _authorize(job, access, at)]
        if not served:
            return []
        _predict(served)
        return _store(served)

    @staticmethod
    def serve_direct(jobs: list["PredictJob"], access, at) -> None:
        serve_groups_direct(jobs, access, at, authorize=_authorize, predict=_predict, store=direct.store_group)


def serve_groups_direct(jobs: list[Job], access, at, *, authorize, predict, store) -> None:
    """PostgreSQL: each (project, caller) group stored by one statement of its own, outside any transaction
    (direct.py). If the serving generation moved, the caches are refreshed and what is left is authorized, predicted
    and stored again (three tries); a job left without a response goes to the view."""
    pending = jobs
    for _attempt in range(3):
        if access.generation is None:
            access.refresh()
        served = [job for job in pending if authorize(job, access, at)]
        predict(served)
        groups = list(by_caller(served).values())
        for index, group in enumerate(groups):
            try:
                store(group, generation=access.generation, tokens=access.stale_tokens([group[0].caller], at))
            except direct.GenerationMoved:
                access.generation = None
                pending = [job for rest in groups[index:] for job in rest]
                break
            except DatabaseError:
                direct.log_failure(group)
        else:
            return


def _authorize(job: PredictJob, access, at) -> bool:
    job.caller = access.caller(job.key, at)
    job.project = job.caller and access.project(job.caller, job.slug, CAN_PREDICT)
    job.champion = job.project and access.champion(job.project)
    return bool(job.champion)


def _predict(jobs: list[PredictJob]) -> None:
    """One model call per project over all its jobs' texts; each job keeps its own outputs."""
    by_project: dict[int, list[PredictJob]] = defaultdict(list)
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


def by_caller(jobs: list[Job]) -> dict[tuple[int, int], list[Job]]:
    """The jobs by (project, caller): each group's predictions are logged under one actor."""
    groups: dict[tuple[int, int], list[Job]] = defaultdict(list)
    for job in jobs:
        groups[(job.project.pk, job.caller.user.pk)].append(job)
    return groups


def _store(jobs: list[PredictJob]) -> list[AuditEntry]:
    """Items and predictions of the batch (a few statements whatever its size); each job's response."""
    rows, owners, spans = [], [], []
    for group in by_caller(jobs).values():
        project, actor = group[0].project, group[0].caller.user
        item_ids, created = item_ids_for_texts(project=project, texts=[t for job in group for t in job.texts],
                                               actor=actor)
        ids = iter(item_ids)
        first = len(rows)
        for job in group:
            for output in job.outputs:
                rows.append(Prediction(
                    project=project, item_id=next(ids), model_version=job.champion[0], label=output.label,
                    confidence=output.confidence, probabilities=output.probabilities, latency_ms=job.latency_ms,
                    batch_size=len(job.texts), request_id=job.request_id, actor=actor, started_at=job.received_at))
                owners.append(job)
        spans.append((group, first, len(rows), created))
    stored = predictions_record(rows)
    answered: dict[int, list[dict]] = defaultdict(list)
    for prediction, job in zip(stored, owners, strict=True):
        answered[id(job)].append({"id": prediction.pk, "item_id": prediction.item_id, "label": prediction.label,
                                  "confidence": prediction.confidence, "probabilities": prediction.probabilities})
    for job in jobs:
        job.response = (200, {"model_version": job.champion[0].number, "predictions": answered[id(job)]})
    return [_entry(group, stored[at:min(at + EVENT_IDS, end)], created if at == start else 0)
            for group, start, end, created in spans for at in range(start, end, EVENT_IDS)]


def _entry(group: list[PredictJob], predictions: list[Prediction], created: int) -> AuditEntry:
    """An event for a caller's predictions in a project in this batch (the view's details, and the requests)."""
    first = group[0]
    ids = {p.pk for p in predictions}
    return AuditEntry(
        action="predictions.created", actor=first.caller.user, project=first.project,
        object_type="predictions.prediction", object_id=predictions[0].pk, request_id=first.request_id,
        details={"count": len(predictions), "ids": sorted(ids), "model_version": first.champion[0].number,
                 "items_created": created, "latency_ms": round(first.latency_ms, 3),
                 "request_ids": sorted({p.request_id for p in predictions}), "group_commit": True})
