"""Item reads."""
from django.db.models import Q, QuerySet

from .models import Item


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
