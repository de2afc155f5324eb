"""Feedback reads: the review queue (uncertainty sampling) and the latest human answer per item."""
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When

from apps.items.selectors import in_processing
from apps.predictions.models import Prediction
from apps.training.models import ModelStatus, ModelVersion

from .models import Contest, ContestStatus, Feedback, FeedbackStatus, Verdict


def review_queue(*, project, reopen_contested: bool = False) -> QuerySet[Prediction]:
    """Each unanswered pool item's latest prediction, least confident first; contested ones (GDPR Art. 22(3)) first
    of all, and with `reopen_contested` (a reviewer's queue, who can decide them) even if they were answered.

    The item's `latest_prediction` pointer (kept by items_latest_prediction_mark) makes this one join rather than a
    latest-per-item subquery; `scored_by_champion` says whether the serving champion made that prediction.
    """
    champion = ModelVersion.objects.filter(project=project, status=ModelStatus.CHAMPION).values_list("pk", flat=True)
    answered = Feedback.objects.filter(item=OuterRef("item"))
    contested = Contest.objects.filter(item=OuterRef("item"), status=ContestStatus.OPEN)
    return (
        Prediction.objects.filter(in_processing("latest_for__"), project=project, latest_for__split="pool")
        .annotate(contested=Exists(contested))
        .filter(Q(contested=True) | ~Exists(answered) if reopen_contested else ~Exists(answered))
        .annotate(scored_by_champion=Case(When(model_version_id__in=Subquery(champion), then=Value(True)),
                                          default=Value(False), output_field=BooleanField()))
        .select_related("item", "model_version")
        .order_by("-contested", "confidence", "id")  # contests first (GDPR Art. 22(3)), then least confident
    )


def latest_human_answers(*, project) -> dict[int, str | list[dict]]:
    """item id -> the most recent usable human answer: a label (text) or boxes (detection).

    Reviewed feedback answers with its review; feedback still waiting for review is not used yet.
    """
    detection = project.task == "object_detection"
    answers: dict[int, str | list[dict]] = {}
    rows = (Feedback.objects.filter(project=project).exclude(status=FeedbackStatus.PENDING_REVIEW)
            .select_related("review").order_by("created_at", "id"))
    for feedback in rows.iterator(chunk_size=2000):
        if feedback.status == FeedbackStatus.REVIEWED:
            answer = feedback.review.boxes if detection else feedback.review.label
        else:
            answer = feedback.resolved_boxes if detection else feedback.resolved_label
        answers[feedback.item_id] = answer
    return answers


def review_list(*, project, status: str | None = FeedbackStatus.PENDING_REVIEW) -> QuerySet[Feedback]:
    """Flagged feedback, oldest first (first in, first reviewed)."""
    qs = Feedback.objects.filter(project=project).exclude(flags=[]).select_related("item", "prediction", "annotator")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "id")


def items_corrected_since(*, project, since) -> int:
    """Distinct items with a correction after `since` (all time when None): what `retrain_min_feedback` counts.

    Items, not answers: fifty corrections of one prediction are one new answer for the training data, and must
    not start fifty items' worth of (expensive) retraining.
    """
    qs = Feedback.objects.filter(project=project, verdict=Verdict.CORRECT)
    if since:
        qs = qs.filter(created_at__gt=since)
    return qs.values("item_id").distinct().count()
