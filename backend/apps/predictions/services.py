"""predictions_create: run the serving model on texts or items and log every prediction with its version."""
import time

from django.conf import settings
from django.db import transaction

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError
from apps.core.limits import bounded_id
from apps.core.request_context import current_request_id
from apps.items.models import Item
from apps.items.services import item_get_or_create_for_text, items_latest_prediction_mark, normalize_text
from apps.training.ml import predict_texts

from .model_cache import serving_model
from .models import Prediction


def predictions_record(rows: list[Prediction]) -> list[Prediction]:
    """Store new predictions and move their items' latest-prediction pointers. Caller holds the transaction
    (with its audit event). Every Prediction is written through here, so the review queue stays current."""
    predictions = Prediction.objects.bulk_create(rows, batch_size=1000)
    items_latest_prediction_mark(prediction_ids=[p.pk for p in predictions])
    return predictions


def _resolve_inputs(project, inputs: list) -> list[str | Item]:
    """Each input as a normalized text (to become an item) or an existing Item of this project."""
    if not isinstance(inputs, list) or not inputs:
        raise ApplicationError('Send {"inputs": [{"text": ...} | {"item_id": ...}, ...]} with at least one input.')
    if len(inputs) > settings.PREDICT_MAX_INPUTS:
        raise ApplicationError(f"At most {settings.PREDICT_MAX_INPUTS} inputs per request.")
    items = Item.objects.in_bulk([e["item_id"] for e in inputs if isinstance(e, dict) and bounded_id(e.get("item_id"))])
    resolved: list[str | Item] = []
    for index, entry in enumerate(inputs):
        if not isinstance(entry, dict) or len({"text", "item_id"} & set(entry)) != 1 or set(entry) - {"text", "item_id"}:
            raise ApplicationError(f"inputs[{index}]: give exactly one of 'text' or 'item_id'.")
        if "text" in entry:
            try:
                resolved.append(normalize_text(entry["text"]))
            except ValueError as exc:
                raise ApplicationError(f"inputs[{index}]: {exc}.") from exc
            continue
        item = items.get(entry["item_id"]) if bounded_id(entry["item_id"]) else None
        if item is None or item.project_id != project.pk or item.erased_at:
            raise ApplicationError(f"inputs[{index}]: no item {entry['item_id']!r} in project {project.slug!r}.")
        resolved.append(item)
    return resolved


def predictions_create(*, project, inputs: list, actor) -> tuple[object, list[Prediction]]:
    resolved = _resolve_inputs(project, inputs)
    model_version, model = serving_model(project)
    texts = [r.text if isinstance(r, Item) else r for r in resolved]
    started = time.perf_counter()
    outputs = predict_texts(model, texts, project.labels)
    latency_ms = (time.perf_counter() - started) * 1000
    request_id = current_request_id()
    with transaction.atomic():
        rows, created_items = [], 0
        for entry, output in zip(resolved, outputs, strict=True):
            item = entry
            if not isinstance(entry, Item):
                item, created = item_get_or_create_for_text(project=project, text=entry, actor=actor)
                created_items += created
            rows.append(Prediction(project=project, item=item, model_version=model_version, label=output.label,
                                   confidence=output.confidence, probabilities=output.probabilities,
                                   latency_ms=latency_ms, batch_size=len(resolved), request_id=request_id,
                                   actor=actor))
        predictions = predictions_record(rows)
        audit_event_record(action="predictions.created", actor=actor, project=project, object_type="predictions.prediction",
                           object_id=predictions[0].pk,
                           details={"count": len(predictions), "ids": [p.pk for p in predictions][:1000],
                                    "model_version": model_version.number, "items_created": created_items,
                                    "latency_ms": round(latency_ms, 3)})
    return model_version, predictions
