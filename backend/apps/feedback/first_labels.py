"""item_label_first: a person's label for a pool text no model has scored yet (the cold-start "first labels").

Before the first model the review queue is empty (it lists predictions) and an answer (Feedback) needs a prediction,
so the texts of the cold-start order (selectors.cold_start_items) are labelled here instead: the label goes on the
item itself (Item.label, with labelled_by/labelled_at), as an imported label would, and training counts it with its
own provenance `labelled` (apps.training.datasets): a person's label given without a model's suggestion. An item a
model has scored is answered in the review queue instead; holdout and gold items keep the labels they were given.
This module must not touch predictions or feedback: it only labels what neither has reached.
"""
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError, Conflict, NotFound
from apps.core.outbox import outbox_enqueue
from apps.items.models import Item, Split
from apps.projects.models import Task

from .models import Feedback, GoldItem


def _refusal(project, item: Item | None, label: str) -> ApplicationError | None:
    """Why `item` may not get a first label (the first reason found), or None."""
    if project.task != Task.TEXT_CLASSIFICATION:
        return ApplicationError("First labels are for text projects; a detection project's images are labelled by "
                                "import (boxes) and answered in the review queue.")
    if item is None or item.erased_at is not None:
        return NotFound("No such item in this project.")
    if label not in project.labels:
        return ApplicationError(f"Unknown label {label!r}; the project's labels are {', '.join(project.labels)}.")
    if item.split == Split.HOLDOUT:
        return ApplicationError(f"Item {item.pk} is a holdout item: its imported label measures every model version "
                                "alike and is not changed here.")
    if item.restricted_at is not None:
        return Conflict(f"Processing of item {item.pk} is restricted (GDPR Art. 18): it cannot be labelled until the "
                        "restriction is lifted.")
    if GoldItem.objects.filter(item=item).exists():
        return ApplicationError(f"Item {item.pk} is a gold item: its trusted label is set on the Gold page.")
    if item.latest_prediction_id is not None or Feedback.objects.filter(item=item).exists():
        return Conflict(f"Item {item.pk} has a model's prediction: answer it in the review queue.",
                        extra={"in_review_queue": True})
    if item.label is not None or item.boxes is not None:
        return Conflict(f"Item {item.pk} already has a label.")
    return None


@transaction.atomic
def item_label_first(*, project, item_id: int, label: str, actor) -> Item:
    """Give the pool text `item_id` of `project` its first label `label`, by `actor`; audited as `item.labelled`.

    Refused (4xx, nothing changed): not a text project, no such item (or erased), an unknown label, a holdout or gold
    item, a restricted item, an item a model has scored (409: the review queue answers it) or one already labelled.
    The row is locked first, so two people labelling the same text at once get one label and one 409.
    """
    item = (Item.objects.select_for_update(no_key=True).filter(pk=item_id, project=project)
            .only("id", "project_id", "split", "label", "boxes", "latest_prediction_id", "erased_at", "restricted_at")
            .first())
    refusal = _refusal(project, item, label)
    if refusal is not None:
        raise refusal
    now = timezone.now()
    Item.objects.filter(pk=item.pk).update(label=label, labelled_by=actor, labelled_at=now)
    item.label, item.labelled_by, item.labelled_at = label, actor, now
    # No text and no subject reference in the details: the item id points at the text, which erasure can remove.
    audit_event_record(action="item.labelled", actor=actor, project=project, obj=item,
                       details={"item": item.pk, "label": label, "provenance": "labelled"})
    if project.retrain_min_feedback:
        # A first label is new training data, as a correction is: it counts toward the retrain policy
        # (selectors.items_corrected_since), checked after the commit through the outbox.
        outbox_enqueue(task="training.retrain_check", args=[project.pk],
                       dedupe_key=f"training.retrain_check:{project.pk}")
    return item
