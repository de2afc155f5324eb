"""Prediction reads: which pool items the queue scoring should score next, and the latest scoring job."""
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from apps.feedback.models import Feedback
from apps.items.models import Item, Split
from apps.items.selectors import in_processing

from .models import QueueScoring


def scoring_candidates(*, project, model_version) -> QuerySet[Item]:
    """Unanswered pool items whose latest score is not by `model_version`, in rotation order.

    Order: items never scored first, then by the age of their latest score (oldest first, so a bounded window
    rotates through a large pool), then by id.
    """
    answered = Feedback.objects.filter(item=OuterRef("pk"))
    return (
        Item.objects.filter(in_processing(), project=project, split=Split.POOL)
        .exclude(Exists(answered))
        .annotate(scored_by=F("latest_prediction__model_version_id"))
        .filter(Q(scored_by__isnull=True) | ~Q(scored_by=model_version.pk))
        .order_by(F("latest_prediction_id").asc(nulls_first=True), "id")
    )


def never_scored_count(*, project) -> int:
    answered = Feedback.objects.filter(item=OuterRef("pk"))
    return (Item.objects.filter(in_processing(), project=project, split=Split.POOL,
                                latest_prediction__isnull=True).exclude(Exists(answered)).count())


def queue_scoring_latest(*, project) -> QueueScoring | None:
    return QueueScoring.objects.filter(project=project).select_related("model_version").order_by("-id").first()
