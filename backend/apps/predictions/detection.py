"""Box predictions on images: small requests in the API process, large ones as a Celery batch to poll.

Image confidence (for the review queue's uncertainty order) is the lowest box confidence; an image where
the model found nothing gets 0.5, since "nothing here" and "everything missed" look alike to it.
"""
import contextlib
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError
from apps.core.limits import bounded_id
from apps.core.queueing import send_or_fail
from apps.core.request_context import current_request_id, current_request_started
from apps.items.images import image_local_path, image_open
from apps.items.models import Item
from apps.training.ml_detection import predict_boxes, serving_img_size

from .model_cache import champion_model, serving_model
from .models import BatchStatus, Prediction, PredictionBatch
from .services import predictions_record

NO_BOX_CONFIDENCE = 0.5
CHUNK = 16


def image_confidence(boxes: list[dict]) -> float:
    return min((b["confidence"] for b in boxes), default=NO_BOX_CONFIDENCE)


def detection_items_resolve(*, project, item_ids: list) -> list[Item]:
    if not isinstance(item_ids, list) or not item_ids:
        raise ApplicationError('Send {"inputs": [{"item_id": ...}, ...]} or upload images as "files".')
    if len(item_ids) > settings.PREDICT_MAX_INPUTS:
        raise ApplicationError(f"At most {settings.PREDICT_MAX_INPUTS} inputs per request.")
    bad = [i for i in item_ids if not isinstance(i, int) or isinstance(i, bool)]
    if bad:
        raise ApplicationError(f"item ids must be integers: {bad[:5]}.")
    items = Item.objects.in_bulk([i for i in item_ids if bounded_id(i)])  # a huge number is no item, not a 500
    for index, item_id in enumerate(item_ids):
        item = items.get(item_id)
        if item is None or item.project_id != project.pk or item.erased_at or item.restricted_at or not item.storage_key:
            raise ApplicationError(f"inputs[{index}]: no image item {item_id} in project {project.slug!r}.")
    return [items[i] for i in item_ids]


def image_paths(items: list[Item], stack: contextlib.ExitStack) -> list[Path]:
    """A file YOLO can read for each item: the stored file itself on local storage, else a copy in a folder that
    `stack` removes."""
    folder, paths = None, []
    for item in items:
        path = image_local_path(item.storage_key)
        if path is None:
            folder = folder or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hitl-predict-")))
            path = folder / f"{item.pk}{Path(item.storage_key).suffix}"
            with image_open(item.storage_key) as source:
                path.write_bytes(source.read())
        paths.append(path)
    return paths


def detection_infer(*, model_version, model, items: list[Item], labels: list[str]) -> tuple[list[list[dict]], float]:
    """Boxes for each item's image and the model time in ms."""
    with contextlib.ExitStack() as stack:
        paths = image_paths(items, stack)
        started = time.perf_counter()
        outputs = predict_boxes(model, paths, labels, img_size=serving_img_size(model_version))
        return outputs, (time.perf_counter() - started) * 1000


def detection_predict(*, project, items: list[Item], actor, batch: PredictionBatch | None = None, champion=None):
    """Predict, then store every prediction with its audit event in one transaction. `champion`: the serving version
    the caller has just read (the view, to refuse early), so it is not asked for twice."""
    received = current_request_started()  # outside a request (a Celery batch's chunk): now
    if champion is None:
        model_version, model = serving_model(project)
    else:
        champion.project = project
        model_version, model = champion, champion_model(champion)
    outputs, latency_ms = detection_infer(model_version=model_version, model=model, items=items, labels=project.labels)
    request_id = batch.request_id if batch else current_request_id()
    with transaction.atomic():
        predictions = predictions_record([
            Prediction(project=project, item=item, model_version=model_version, boxes=boxes,
                       confidence=image_confidence(boxes), latency_ms=latency_ms, batch_size=len(items),
                       request_id=request_id, actor=actor, batch=batch, started_at=received)
            for item, boxes in zip(items, outputs, strict=True)])
        audit_event_record(action="predictions.created", actor=actor, project=project,
                           object_type="predictions.prediction", object_id=predictions[0].pk, request_id=request_id,
                           details={"count": len(predictions), "ids": [p.pk for p in predictions][:1000],
                                    "model_version": model_version.number, "batch": batch.pk if batch else None,
                                    "latency_ms": round(latency_ms, 3)})
    return model_version, predictions


@transaction.atomic
def prediction_batch_start(*, project, items: list[Item], actor) -> PredictionBatch:
    batch = PredictionBatch.objects.create(project=project, item_ids=[i.pk for i in items],
                                           request_id=current_request_id(), actor=actor)
    audit_event_record(action="predictions.batch_requested", actor=actor, project=project, obj=batch,
                       details={"images": len(items)})
    transaction.on_commit(lambda: _enqueue(batch.pk))
    return batch


def _enqueue(batch_id: int) -> None:
    """Send the batch to the workers; if the broker refuses, fail it visibly instead of leaving it queued."""
    from .tasks import prediction_batch_task

    send_or_fail(lambda: prediction_batch_task.delay(batch_id), what=f"prediction batch {batch_id}",
                 on_failure=lambda message: PredictionBatch.objects.filter(pk=batch_id).update(
                     status=BatchStatus.FAILED, finished_at=timezone.now(), error=message))


def prediction_batch_execute(*, batch_id: int) -> PredictionBatch:
    batch = PredictionBatch.objects.select_related("project", "actor").get(pk=batch_id)
    if batch.status == BatchStatus.SUCCEEDED:
        return batch
    # A retried batch (worker lost, database blip) goes on where it stopped: no image is predicted twice.
    already = set(batch.predictions.values_list("item_id", flat=True))
    PredictionBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, done=len(already))
    try:
        order = {item_id: i for i, item_id in enumerate(batch.item_ids)}
        items = sorted((i for i in Item.objects.filter(pk__in=batch.item_ids) if i.pk not in already),
                       key=lambda item: order[item.pk])
        for start in range(0, len(items), CHUNK):
            detection_predict(project=batch.project, items=items[start:start + CHUNK], actor=batch.actor, batch=batch)
            PredictionBatch.objects.filter(pk=batch.pk).update(done=len(already) + min(start + CHUNK, len(items)))
    except Exception as exc:
        PredictionBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, error=f"{type(exc).__name__}: {exc}",
                                                           finished_at=timezone.now())
        raise
    PredictionBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.SUCCEEDED, finished_at=timezone.now())
    batch.refresh_from_db()
    return batch
