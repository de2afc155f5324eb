"""Objection and human intervention (GDPR Art. 21 and 22(3)): contest a prediction, and a reviewer's decision.

A contest puts the prediction's item at the top of the project's review queue (answered or not) until a reviewer
decides it. The decision is an answer to that prediction (feedback_submit: accept if the reviewer keeps the model's
label or boxes, correct otherwise), so it is stored, validated (labels of the project, boxes inside the image) and
audited like any other; the contest records who decided, when and why. Since a reviewer gave it, it waits for no
second review (a detection decision's disagreement flags are recorded, not acted on) and trains at once as a
`reviewed` answer (apps.feedback.selectors). Both steps are audited in their transaction, with counts and labels,
never the item's content.
"""
from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError, Conflict
from apps.core.limits import note_text

from .models import Contest, ContestStatus, Verdict
from .services import feedback_submit


def _text(value, name: str, *, required: bool) -> str:
    return note_text(value, name=name, missing=f"Give a {name}: it is recorded with the contest.", required=required)


@transaction.atomic
def contest_open(*, prediction, actor, reason) -> Contest:
    reason = _text(reason, "reason", required=True)
    if prediction.item.erased_at is not None:
        raise Conflict(f"Prediction {prediction.pk}'s item was erased: there is nothing left to decide.")
    try:
        with transaction.atomic():
            contest = Contest.objects.create(project=prediction.project, prediction=prediction,
                                             item_id=prediction.item_id, reason=reason, requested_by=actor)
    except IntegrityError:
        raise Conflict(f"Prediction {prediction.pk} is already contested and waits for a decision.") from None
    audit_event_record(action="prediction.contested", actor=actor, project=prediction.project, obj=contest,
                       details={"prediction": prediction.pk, "item": prediction.item_id,
                                "model_version": prediction.model_version.number, "label": prediction.label})
    return contest


@transaction.atomic
def contest_decide(*, contest: Contest, actor, label=None, boxes=None, note=None) -> Contest:
    """The reviewer's answer: for text the label they decide (the model's label: accepted); for detection the boxes
    (none given: the model's boxes accepted)."""
    contest = Contest.objects.select_for_update().select_related("prediction__project", "prediction__model_version",
                                                                 "project").get(pk=contest.pk)
    if contest.status != ContestStatus.OPEN:
        raise Conflict(f"Contest {contest.pk} was already decided.")
    if contest.requested_by_id == actor.pk:
        raise ApplicationError("Someone other than the person who contested the prediction must decide it.",
                               status=403)
    note = _text(note, "note", required=False)
    prediction = contest.prediction
    if prediction.project.task == "object_detection":
        if label:  # else an accept would drop it unsaid
            raise ApplicationError("A detection decision takes 'boxes' (omit them to keep the model's), not 'label'.")
        verdict = Verdict.ACCEPT if boxes is None else Verdict.CORRECT
    elif boxes is not None:
        raise ApplicationError("A text decision takes 'label', not 'boxes'.")
    elif not isinstance(label, str) or not label:
        raise ApplicationError("Give the decided 'label' (the model's own label accepts its prediction).")
    else:
        verdict = Verdict.ACCEPT if label == prediction.label else Verdict.CORRECT
    decision = feedback_submit(prediction=prediction, annotator=actor, verdict=verdict, comment=note,
                               label=label if verdict == Verdict.CORRECT else None, boxes=boxes, second_review=False)
    contest.status, contest.decided_by, contest.decided_at = ContestStatus.DECIDED, actor, timezone.now()
    contest.decision, contest.decision_note = decision, note
    contest.save(update_fields=["status", "decided_by", "decided_at", "decision", "decision_note"])
    audit_event_record(action="contest.decided", actor=actor, project=contest.project, obj=contest,
                       details={"prediction": prediction.pk, "feedback": decision.pk, "verdict": verdict,
                                **_decision_details(prediction, decision)})
    return contest


def _decision_details(prediction, decision) -> dict:
    """What was decided, for the audit event: labels and box counts (no coordinates, no item content)."""
    if prediction.project.task != "object_detection":
        return {"predicted": prediction.label, "decided": decision.resolved_label}
    per_label = Counter(box["label"] for box in decision.resolved_boxes or [])
    return {"predicted_boxes": len(prediction.boxes or []), "decided_boxes": len(decision.resolved_boxes or []),
            "decided_labels": dict(sorted(per_label.items())), "flags": sorted({f["flag"] for f in decision.flags})}


def contests_of(*, project, status: str | None) -> QuerySet[Contest]:
    qs = Contest.objects.filter(project=project).select_related("prediction", "prediction__model_version", "item",
                                                                "decision")
    return (qs.filter(status=status) if status else qs).order_by("created_at", "id")
