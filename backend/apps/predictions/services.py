"""predictions_create: run the serving model on texts or items and log every prediction with its version."""
import time

from django.conf import settings
from django.db import transaction

from ai_models.selection import detection_scores, text_scores
from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError
from apps.core.limits import bounded_id
from apps.core.request_context import current_request_id, current_request_started
from apps.items.models import Item
from apps.items.selectors import in_processing
from apps.items.services import item_ids_for_texts, items_latest_prediction_mark, normalize_text
from apps.training.ml import predict_texts

from .model_cache import serving_model
from .models import Prediction


def uncertainty_scores(*, probabilities: dict | None, boxes: list[dict] | None) -> tuple[float, float]:
    """(margin, entropy) of a prediction (ai_models.selection): from the box confidences when it has boxes (an
    image), else from the class probabilities."""
    if boxes is not None:
        return detection_scores([b.get("confidence", 0.5) for b in boxes])
    return text_scores(probabilities or {})


def predictions_record(rows: list[Prediction]) -> list[Prediction]:
    """Store new predictions and move their items' latest-prediction pointers. Caller holds the transaction
    (with its audit event). Every Prediction is written through here, so the review queue stays current; the
    rows' margin and entropy (the queue strategies' scores) are computed here once."""
    for row in rows:
        if row.margin is None or row.entropy is None:
            row.margin, row.entropy = uncertainty_scores(probabilities=row.probabilities, boxes=row.boxes)
    predictions = Prediction.objects.bulk_create(rows, batch_size=1000)
    items_latest_prediction_mark(predictions=predictions)
    return predictions


def _resolve_inputs(project, inputs: list) -> list[tuple[str, int | None]]:
    """Each input as (normalized text, None) for a text (to become an item) or (its text, item id) for an item of this
    project. The items named by id are read in one query; the first bad input (in request order) is the error."""
    if not isinstance(inputs, list) or not inputs:
        raise ApplicationError('Send {"inputs": [{"text": ...} | {"item_id": ...}, ...]} with at least one input.')
    if len(inputs) > settings.PREDICT_MAX_INPUTS:
        raise ApplicationError(f"At most {settings.PREDICT_MAX_INPUTS} inputs per request.")
    wanted = {e["item_id"] for e in inputs if isinstance(e, dict) and bounded_id(e.get("item_id"))}
    texts = dict(Item.objects.filter(in_processing(), project=project, pk__in=wanted).values_list("pk", "text")
                 ) if wanted else {}
    resolved: list[tuple[str, int | None]] = []
    for index, entry in enumerate(inputs):
        if not isinstance(entry, dict) or len({"text", "item_id"} & set(entry)) != 1 or set(entry) - {"text", "item_id"}:
            raise ApplicationError(f"inputs[{index}]: give exactly one of 'text' or 'item_id'.")
        if "text" in entry:
            try:
                resolved.append((normalize_text(entry["text"]), None))
            except ValueError as exc:
                raise ApplicationError(f"inputs[{index}]: {exc}.") from exc
            continue
        item_id = bounded_id(entry["item_id"])
        if item_id not in texts:
            raise ApplicationError(f"inputs[{index}]: no item {entry['item_id']!r} in project {project.slug!r}.")
        resolved.append((texts[item_id], item_id))
    return resolved


def predictions_create(*, project, inputs: list, actor) -> tuple[object, list[Prediction]]:
    """Predict `inputs` with the champion and log every prediction, in one transaction with its audit event.

    A constant number of statements whatever the number of inputs (items resolved and created for the whole
    request, one multi-row INSERT of predictions, one UPDATE of the latest-prediction pointers), not one per text.
    """
    received = current_request_started()
    resolved = _resolve_inputs(project, inputs)
    model_version, model = serving_model(project)
    started = time.perf_counter()
    outputs = predict_texts(model, [text for text, _ in resolved], project.labels)
    latency_ms = (time.perf_counter() - started) * 1000
    request_id = current_request_id()
    with transaction.atomic():
        new_texts = [text for text, item_id in resolved if item_id is None]
        text_item_ids, created_items = (item_ids_for_texts(project=project, texts=new_texts, actor=actor)
                                        if new_texts else ([], 0))
        next_text_item = iter(text_item_ids)
        item_ids = [item_id if item_id is not None else next(next_text_item) for _, item_id in resolved]
        predictions = predictions_record([
            Prediction(project=project, item_id=item_id, model_version=model_version, label=output.label,
                       confidence=output.confidence, probabilities=output.probabilities, latency_ms=latency_ms,
                       batch_size=len(resolved), request_id=request_id, actor=actor, started_at=received)
            for item_id, output in zip(item_ids, outputs, strict=True)])
        audit_event_record(action="predictions.created", actor=actor, project=project, object_type="predictions.prediction",
                           object_id=predictions[0].pk,
                           details={"count": len(predictions), "ids": [p.pk for p in predictions][:1000],
                                    "model_version": model_version.number, "items_created": created_items,
                                    "latency_ms": round(latency_ms, 3)})
    return model_version, predictions
