"""Feedback reads: the review queue (uncertainty sampling) and the latest human answer per item."""
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery

from apps.predictions.models import Prediction

from .models import Feedback, Verdict


def review_queue(*, project) -> QuerySet[Prediction]:
    """Each pool item's latest prediction that no human has answered yet, least confident first."""
    latest = Prediction.objects.filter(item=OuterRef("item")).order_by("-id").values("id")[:1]
    answered = Feedback.objects.filter(item=OuterRef("item"))
    return (
        Prediction.objects.filter(project=project, item__split="pool", item__erased_at__isnull=True)
        .annotate(latest_id=Subquery(latest))
        .filter(id=F("latest_id"))
        .exclude(Exists(answered))
        .select_related("item", "model_version")
        .order_by("confidence", "id")
    )


def latest_human_labels(*, project) -> dict[int, str]:
    """item id -> the most recent human answer (the latest one wins)."""
    answers: dict[int, str] = {}
    rows = Feedback.objects.filter(project=project).order_by("created_at", "id").values_list("item_id", "resolved_label")
    for item_id, label in rows.iterator(chunk_size=5000):
        answers[item_id] = label
    return answers


def corrections_since(*, project, since) -> int:
    qs = Feedback.objects.filter(project=project, verdict=Verdict.CORRECT)
    return qs.filter(created_at__gt=since).count() if since else qs.count()
