"""Gold items (AI Act Art. 14(4)(b), 15(4)): pool items with a trusted label, mixed unseen into annotators' queues.

A reviewer or admin marks an item gold with its trusted label (gold_mark) or unmarks it (gold_unmark); both audited.
An answer to a gold item is kept like any other (the annotator cannot tell), scored against the trusted label
(`Feedback.gold_agrees`, gold_answer_score) and never used as a training label. The gold item itself leaves the
training data too (apps.training.datasets): a model trained on it would agree with its trusted label, and an
annotator who accepts whatever the model says would then score perfectly, hiding the automation bias gold measures.
Unmarking returns the item to training (its imported label, or a later ordinary answer); its gold answers stay scored.
"""
from django.db import transaction
from django.db.models import Count, Q

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError, NotFound
from apps.items.annotations import boxes_validate
from apps.items.models import Item, Split
from apps.items.selectors import in_processing

from .models import GoldItem


def _trusted_answer(project, item: Item, label: str | None, boxes) -> dict:
    if project.task == "object_detection":
        if label:
            raise ApplicationError("A detection gold item takes 'boxes', not 'label'.")
        if boxes is None:
            raise ApplicationError("A detection gold item needs its trusted 'boxes' (an empty list: nothing here).")
        return {"label": "", "boxes": boxes_validate(boxes, labels=project.labels, width=item.width,
                                                     height=item.height, where="boxes")}
    if boxes is not None:
        raise ApplicationError("A text gold item takes 'label', not 'boxes'.")
    if label not in project.labels:
        raise ApplicationError(f"Unknown label {label!r}; the project's labels are {', '.join(project.labels)}.")
    return {"label": label, "boxes": None}


@transaction.atomic
def gold_mark(*, project, item_id: int, actor, label: str | None = None, boxes=None) -> GoldItem:
    """Mark a pool item of `project` gold with its trusted answer (or change the trusted answer of a gold item)."""
    item = Item.objects.select_for_update(no_key=True).filter(in_processing(), pk=item_id, project=project).first()
    if item is None:
        raise NotFound(f"No item {item_id} in project {project.slug!r}.")
    if item.split != Split.POOL:
        raise ApplicationError("Only pool items can be gold: holdout items are never shown to annotators.")
    fields = _trusted_answer(project, item, label, boxes)
    gold, created = GoldItem.objects.update_or_create(item=item, defaults={**fields, "project": project,
                                                                           "marked_by": actor})
    audit_event_record(action="gold.marked", actor=actor, project=project, obj=gold,
                       details={"item": item.pk, "label": gold.label, "boxes": len(gold.boxes or []),
                                "changed": not created})
    return gold


@transaction.atomic
def gold_unmark(*, project, item_id: int, actor) -> None:
    gold = GoldItem.objects.select_for_update(no_key=True).filter(project=project, item_id=item_id).first()
    if gold is None:
        raise NotFound(f"Item {item_id} is not a gold item of {project.slug!r}.")
    gold_id = gold.pk
    gold.delete()
    audit_event_record(action="gold.unmarked", actor=actor, project=project, object_type="feedback.golditem",
                       object_id=gold_id, details={"item": item_id})


def gold_answer_score(*, project, item_id: int, resolved_label: str, resolved_boxes) -> bool | None:
    """Whether an answer to `item_id` agrees with its trusted answer; None when the item is not gold.

    Text: the same label. Detection: no disagreement flag between the trusted boxes and the answer's (the
    second-review rule with the trusted boxes in the model's place: same labels, IoU at least the project's
    review_iou_threshold, nothing missed or added).
    """
    gold = GoldItem.objects.filter(item_id=item_id).only("label", "boxes").first()
    if gold is None:
        return None
    if project.task != "object_detection":
        return resolved_label == gold.label
    from ai_models.boxes import Box, disagreement_flags

    trusted = [Box(b["label"], b["x"], b["y"], b["w"], b["h"]) for b in gold.boxes or []]
    answer = [Box(b["label"], b["x"], b["y"], b["w"], b["h"]) for b in resolved_boxes or []]
    return not disagreement_flags(trusted, answer, low_overlap=project.review_iou_threshold, confident_removal=2.0)


def gold_list(*, project):
    """The project's gold items by item id, each with `answers` (scored answers to it) and `agreed` (of those)."""
    scored = Q(item__feedback__gold_agrees__isnull=False)
    return (GoldItem.objects.filter(project=project).select_related("marked_by").order_by("item_id")
            .annotate(answers=Count("item__feedback", filter=scored),
                      agreed=Count("item__feedback", filter=scored & Q(item__feedback__gold_agrees=True))))


def gold_item_ids(*, project) -> set[int]:
    return set(GoldItem.objects.filter(project=project).values_list("item_id", flat=True))


def gold_summary(*, project, until=None) -> dict:
    """The project's gold measure for a model card: gold items, scored answers (given before `until`) and agreement."""
    from .models import Feedback

    answers = Feedback.objects.filter(project=project, gold_agrees__isnull=False)
    if until is not None:
        answers = answers.filter(created_at__lte=until)
    counts = answers.aggregate(n=Count("id"), agreed=Count("id", filter=Q(gold_agrees=True)),
                               annotators=Count("annotator", distinct=True))
    return {"items": GoldItem.objects.filter(project=project).count(), "answers": counts["n"],
            "agreed": counts["agreed"], "annotators": counts["annotators"],
            "agreement": round(counts["agreed"] / counts["n"], 4) if counts["n"] else None}
