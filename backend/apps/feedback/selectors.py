"""Feedback reads: the review queue (ordered by the project's queue strategy), the cold-start order, and the latest
human answer per item."""
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When

from apps.items.models import Item
from apps.items.selectors import in_processing
from apps.predictions.models import Prediction
from apps.training.models import ModelStatus, ModelVersion

from .models import Contest, ContestStatus, Feedback, FeedbackStatus, GoldItem, Verdict
from .strategies import coverage_ordered, strategy_ordered


def queue_annotated(*, project) -> QuerySet[Prediction]:
    """The project's latest predictions with what a queue entry shows (`contested`, `scored_by_champion`)."""
    champion = ModelVersion.objects.filter(project=project, status=ModelStatus.CHAMPION).values_list("pk", flat=True)
    contested = Contest.objects.filter(item=OuterRef("item"), status=ContestStatus.OPEN)
    return (Prediction.objects.filter(project=project)
            .annotate(contested=Exists(contested),
                      scored_by_champion=Case(When(model_version_id__in=Subquery(champion), then=Value(True)),
                                              default=Value(False), output_field=BooleanField()))
            .select_related("item", "model_version"))


def review_queue(*, project, reopen_contested: bool = False, refresh: bool = True) -> QuerySet[Prediction]:
    """Each unanswered pool item's latest prediction, in the order of the project's queue strategy
    (apps.feedback.strategies; least confident first by default); contested ones (GDPR Art. 22(3)) first of all,
    and with `reopen_contested` (a reviewer's queue, who can decide them) even if they were answered.
    Gold items are not in it (but for contested ones in a reviewer's queue): apps.feedback.queue mixes them into each
    person's queue. `refresh=False`: a caller that only counts does not rebuild a stale cached (diverse) order.

    The item's `latest_prediction` pointer (kept by items_latest_prediction_mark) makes this one join rather than a
    latest-per-item subquery; `scored_by_champion` says whether the serving champion made that prediction.
    """
    answered = Feedback.objects.filter(item=OuterRef("item"))
    gold = Exists(GoldItem.objects.filter(item=OuterRef("item")))
    queue = (
        queue_annotated(project=project).filter(in_processing("latest_for__"), latest_for__split="pool")
        .filter(Q(contested=True) | ~Exists(answered) if reopen_contested else ~Exists(answered))
        .filter(Q(contested=True) | ~gold if reopen_contested else ~gold)  # a contest is owed a decision, gold or not
    )
    return strategy_ordered(queue, project=project, refresh=refresh)


def cold_start_items(*, project) -> QuerySet[Item]:
    """Pool texts no model has scored yet (so not in the review queue), unlabelled, unanswered, not gold, in the
    cold-start coverage order: cluster representatives first (apps.feedback.strategies.coverage_ordered). What to
    label first before the first model exists."""
    items = (Item.objects.filter(in_processing(), project=project, split="pool", latest_prediction__isnull=True,
                                 label__isnull=True, boxes__isnull=True)
             .exclude(Exists(Feedback.objects.filter(item=OuterRef("pk"))))
             .exclude(Exists(GoldItem.objects.filter(item=OuterRef("pk")))))
    return coverage_ordered(items, project=project)


def answer_provenance(status: str, verdict: str, decides_contest: bool = False) -> str:
    """A training answer's provenance kind (AI Act Art. 15(4)): `reviewed` (a second reviewer decided, or a reviewer
    decided a contest: GDPR Art. 22(3)), `human_corrected` (a correction nobody had to review), `accepted_as_is` (the
    prediction accepted, unreviewed). A contest decision that keeps the model's answer is a reviewer's deliberate
    judgement, not an unreviewed accept, so the cap on unreviewed accepts (apps.training.accept_cap) never holds it back."""
    if status == FeedbackStatus.REVIEWED or decides_contest:
        return "reviewed"
    return "human_corrected" if verdict == Verdict.CORRECT else "accepted_as_is"


def decides_contest() -> Exists:
    """Annotation for a Feedback queryset: whether the answer is a contest's decision."""
    return Exists(Contest.objects.filter(decision=OuterRef("pk")))


def latest_human_answers_with_provenance(*, project) -> dict[int, tuple[str | list[dict], str]]:
    """item id -> (the most recent usable human answer: a label (text) or boxes (detection), its provenance kind).

    Reviewed feedback answers with its review; feedback still waiting for review is not used yet; answers to gold
    items (scored against the trusted label, apps.feedback.gold) never are. A contest's decision (text label or
    detection boxes) is never waiting: a reviewer gave it, so it answers as given, with the kind `reviewed`.
    """
    detection = project.task == "object_detection"
    answers: dict[int, tuple[str | list[dict], str]] = {}
    rows = (Feedback.objects.filter(project=project, gold_agrees__isnull=True)
            .exclude(status=FeedbackStatus.PENDING_REVIEW).select_related("review")
            .annotate(decides_contest=decides_contest()).order_by("created_at", "id"))
    for feedback in rows.iterator(chunk_size=2000):
        if feedback.status == FeedbackStatus.REVIEWED:
            answer = feedback.review.boxes if detection else feedback.review.label
        else:
            answer = feedback.resolved_boxes if detection else feedback.resolved_label
        answers[feedback.item_id] = (answer, answer_provenance(feedback.status, feedback.verdict,
                                                               feedback.decides_contest))
    return answers


def latest_human_answers(*, project) -> dict[int, str | list[dict]]:
    """item id -> the most recent usable human answer (latest_human_answers_with_provenance without the kind)."""
    return {item_id: answer for item_id, (answer, _kind) in latest_human_answers_with_provenance(project=project).items()}


def review_list(*, project, status: str | None = FeedbackStatus.PENDING_REVIEW) -> QuerySet[Feedback]:
    """Flagged feedback, oldest first (first in, first reviewed)."""
    qs = Feedback.objects.filter(project=project).exclude(flags=[]).select_related("item", "prediction", "annotator")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "id")


def items_corrected_since(*, project, since) -> int:
    """Distinct items that people gave a label the model did not have after `since` (all time when None): a
    correction, or a first label of a text no model had scored (apps.feedback.first_labels). What
    `retrain_min_feedback` counts.

    Items, not answers: fifty corrections of one prediction are one new answer for the training data, and must
    not start fifty items' worth of (expensive) retraining.
    """
    corrected = Feedback.objects.filter(project=project, verdict=Verdict.CORRECT, gold_agrees__isnull=True)
    labelled = Item.objects.filter(project=project, labelled_at__isnull=False, erased_at__isnull=True)
    if since:
        corrected = corrected.filter(created_at__gt=since)
        labelled = labelled.filter(labelled_at__gt=since)
    # UNION (not ALL): an item first labelled and later corrected counts once
    return corrected.values_list("item_id").union(labelled.values_list("id")).count()
