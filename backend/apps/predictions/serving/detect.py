"""Detection jobs: boxes on images already stored as items of a detection project (`{"inputs": [{"item_id": ...}]}`),
up to PREDICT_SYNC_MAX_IMAGES per request (more go to the view, which queues a Celery batch). The champion runs once
per project over every image of the batch; each (project, caller) group's predictions and audit event are stored
as text predictions are (direct.py on PostgreSQL, the batch's transaction on SQLite). Uploads (`files`) are the
view's: they are stored and validated as an import first."""
import contextlib
import time
from collections import defaultdict
from dataclasses import dataclass, field

from apps.accounts.roles import CAN_PREDICT
from apps.audit.services import AuditEntry
from apps.items.models import Item
from apps.projects.models import Task
from apps.training.ml_detection import predict_boxes, serving_img_size

from ..detection import image_confidence, image_paths
from ..models import Prediction
from ..services import predictions_record
from . import direct
from .jobs import Job
from .predict import by_caller, serve_groups_direct

ITEM_FIELDS = ("pk", "project_id", "storage_key", "erased_at", "restricted_at")


@dataclass(eq=False)
class DetectJob(Job):
    slug: str = ""
    item_ids: list[int] = field(default_factory=list)
    project: object = None
    champion: tuple | None = None  # (ModelVersion, model)
    items: list = field(default_factory=list)
    outputs: list = field(default_factory=list)  # boxes per item
    confidences: list = field(default_factory=list)
    latency_ms: float = 0.0

    @property
    def size(self) -> int:
        return len(self.item_ids)

    @staticmethod
    def serve(jobs: list["DetectJob"], access, at) -> list[AuditEntry]:
        served = [job for job in jobs if _authorize(job, access, at)]
        _predict(served)
        return [_store(group) for group in by_caller(served).values()]

    @staticmethod
    def serve_direct(jobs: list["DetectJob"], access, at) -> None:
        serve_groups_direct(jobs, access, at, authorize=_authorize, predict=_predict, store=direct.store_detections)


def _authorize(job: DetectJob, access, at) -> bool:
    """The caller may predict in this detection project, it has a champion, and every id is an image item of it that
    may be processed (else the view answers, with its 400 for the first bad input)."""
    job.caller = access.caller(job.key, at)
    job.project = job.caller and access.project(job.caller, job.slug, CAN_PREDICT, Task.OBJECT_DETECTION)
    job.champion = job.project and access.champion(job.project)
    if not job.champion:
        return False
    found = Item.objects.only(*ITEM_FIELDS).in_bulk(set(job.item_ids))
    job.items = [found.get(item_id) for item_id in job.item_ids]
    return all(item is not None and item.project_id == job.project.pk and item.storage_key
               and item.erased_at is None and item.restricted_at is None for item in job.items)


def _predict(jobs: list[DetectJob]) -> None:
    """One model call per project over all its jobs' images; each job keeps its own boxes."""
    by_project: dict[int, list[DetectJob]] = defaultdict(list)
    for job in jobs:
        by_project[job.project.pk].append(job)
    for group in by_project.values():
        version, model = group[0].champion
        items = [item for job in group for item in job.items]
        with contextlib.ExitStack() as stack:
            paths = image_paths(items, stack)
            started = time.perf_counter()
            outputs = predict_boxes(model, paths, group[0].project.labels, img_size=serving_img_size(version))
            latency_ms = (time.perf_counter() - started) * 1000
        start = 0
        for job in group:
            job.outputs, job.latency_ms = outputs[start:start + len(job.items)], latency_ms
            job.confidences = [image_confidence(boxes) for boxes in job.outputs]
            start += len(job.items)


def _store(group: list[DetectJob]) -> AuditEntry:
    """SQLite (in the batch's transaction): one (project, caller) group's predictions, responses and event."""
    first = group[0]
    project, actor, version = first.project, first.caller.user, first.champion[0]
    stored = predictions_record([
        Prediction(project=project, item=item, model_version=version, boxes=boxes, confidence=confidence,
                   latency_ms=job.latency_ms, batch_size=len(job.items), request_id=job.request_id, actor=actor,
                   started_at=job.received_at)
        for job in group for item, boxes, confidence in zip(job.items, job.outputs, job.confidences, strict=True)])
    direct.respond(group, [job for job in group for _item in job.items],
                   [{"id": p.pk, "item_id": p.item_id, "confidence": p.confidence, "boxes": p.boxes} for p in stored])
    return AuditEntry(
        action="predictions.created", actor=actor, project=project, object_type="predictions.prediction",
        object_id=stored[0].pk, request_id=first.request_id,
        details={"count": len(stored), "ids": sorted(p.pk for p in stored), "model_version": version.number,
                 "items_created": 0, "latency_ms": round(first.latency_ms, 3),
                 "request_ids": sorted({p.request_id for p in stored}), "group_commit": True})
