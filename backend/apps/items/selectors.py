"""Item reads."""
from django.db.models import Q, QuerySet

from .models import Item


def in_processing(prefix: str = "") -> Q:
    """Items that may be processed: neither erased (GDPR Art. 17) nor restricted (Art. 18).

    The one filter for review queues, scoring, predictions and training data; `prefix` reaches an item through a
    relation, e.g. `in_processing("latest_for__")` on predictions.
    """
    return Q(**{f"{prefix}erased_at__isnull": True, f"{prefix}restricted_at__isnull": True})


def item_list(*, project, split: str | None = None, labelled: bool | None = None) -> QuerySet[Item]:
    qs = Item.objects.filter(project=project, erased_at__isnull=True).order_by("id")
    if split:
        qs = qs.filter(split=split)
    if labelled is not None:
        has_label = Q(label__isnull=False) | Q(boxes__isnull=False)
        qs = qs.filter(has_label) if labelled else qs.exclude(has_label)
    return qs


def item_get(*, item_id: int) -> Item | None:
    return Item.objects.select_related("project").filter(pk=item_id, erased_at__isnull=True).first()
