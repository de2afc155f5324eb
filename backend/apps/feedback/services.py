"""Feedback writes: a person's answer to a prediction (kept as given) and the second reviewer's final answer.

Detection corrections are compared with the model's boxes (IoU/CIoU matching); any disagreement flag
sends the feedback to the second-review queue, and training waits for the reviewed answer.
"""
from django.db import transaction

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError, Conflict
from apps.core.outbox import outbox_enqueue
from apps.items.annotations import boxes_validate
from apps.predictions.models import Prediction

from .gold import gold_answer_score
from .models import Feedback, FeedbackStatus, Review, Verdict


def _human_boxes_flags(prediction: Prediction, boxes) -> tuple[list[dict], list[dict]]:
    from ai_models.boxes import Box, disagreement_flags

    project, item = prediction.project, prediction.item
    clean = boxes_validate(boxes, labels=project.labels, width=item.width, height=item.height, where="boxes")
    model = [Box(b["label"], b["x"], b["y"], b["w"], b["h"], b.get("confidence")) for b in prediction.boxes or []]
    human = [Box(b["label"], b["x"], b["y"], b["w"], b["h"]) for b in clean]
    flags = disagreement_flags(model, human, low_overlap=project.review_iou_threshold,
                               confident_removal=project.confident_removal_threshold)
    return clean, flags


def resolve_answer(prediction: Prediction, verdict: str, label: str | None, boxes) -> dict:
    project = prediction.project
    detection = project.task == "object_detection"
    if verdict not in Verdict.values:
        raise ApplicationError("verdict must be 'accept' or 'correct'.")
    if detection and label:
        raise ApplicationError("A detection answer takes 'boxes', not 'label'.")
    if not detection and boxes is not None:
        raise ApplicationError("A text answer takes 'label', not 'boxes'.")
    if verdict == Verdict.ACCEPT:
        if detection and boxes is not None:
            raise ApplicationError("An 'accept' takes no boxes; send verdict 'correct' to change them.")
        if label not in (None, "", prediction.label):
            raise ApplicationError("An 'accept' takes no other label; send verdict 'correct' to change it.")
        accepted = [{k: b[k] for k in ("label", "x", "y", "w", "h")} for b in prediction.boxes or []]
        return {"resolved_label": "" if detection else prediction.label, "resolved_boxes": accepted if detection else None}
    if detection:
        if boxes is None:
            raise ApplicationError("A correction needs 'boxes' (an empty list means nothing is here).")
        clean, flags = _human_boxes_flags(prediction, boxes)
        # The first answer as given (not clipped or rounded), but only its validated fields, as floats.
        given = [{"label": b["label"], **{k: float(b[k]) for k in ("x", "y", "w", "h")}} for b in boxes]
        return {"boxes": given, "resolved_boxes": clean, "flags": flags,
                "status": FeedbackStatus.PENDING_REVIEW if flags else FeedbackStatus.ACCEPTED}
    if not label:
        raise ApplicationError("A correction needs a 'label'.")
    if label not in project.labels:
        raise ApplicationError(f"Unknown label {label!r}; the project's labels are {', '.join(project.labels)}.")
    return {"label": label, "resolved_label": label}


def feedback_details(feedback: Feedback) -> dict:
    """The `feedback.submitted` event's details (the view and the predict fast path's group commit)."""
    prediction = feedback.prediction
    return {"prediction": prediction.pk, "item": prediction.item_id, "verdict": feedback.verdict,
            "predicted": prediction.label, "label": feedback.resolved_label, "boxes": len(feedback.resolved_boxes or []),
            "flags": sorted({f["flag"] for f in feedback.flags}), "status": feedback.status,
            "model_version": prediction.model_version.number,
            **({"gold_agrees": feedback.gold_agrees} if feedback.gold_agrees is not None else {})}


@transaction.atomic
def feedback_submit(*, prediction: Prediction, annotator, verdict: str, label: str | None = None, boxes=None,
                    comment: str = "", allow_auto_retrain: bool = True, second_review: bool = True) -> Feedback:
    """A person's answer, kept as given. `second_review=False` is for answers that are themselves a reviewer's
    decision (a contest's, apps.feedback.contests): their disagreement flags are recorded but send them to no
    second review, so they train at once, as a text correction does."""
    project = prediction.project
    fields = resolve_answer(prediction, verdict, label, boxes)
    if not second_review and fields.get("status") == FeedbackStatus.PENDING_REVIEW:
        fields["status"] = FeedbackStatus.ACCEPTED
    # A gold item's answer is scored against its trusted label (and never trains); the annotator is not told.
    fields["gold_agrees"] = gold_answer_score(project=project, item_id=prediction.item_id,
                                              resolved_label=fields.get("resolved_label", ""),
                                              resolved_boxes=fields.get("resolved_boxes"))
    feedback = Feedback.objects.create(project=project, prediction=prediction, item_id=prediction.item_id,
                                       annotator=annotator, verdict=verdict, comment=comment, **fields)
    audit_event_record(action="feedback.submitted", actor=annotator, project=project, obj=feedback,
                       details=feedback_details(feedback))
    is_gold = feedback.gold_agrees is not None
    if allow_auto_retrain and verdict == Verdict.CORRECT and project.retrain_min_feedback and not is_gold:
        # In this transaction: the check is sent after the commit, or, if the broker is down, when it is back.
        outbox_enqueue(task="training.retrain_check", args=[project.pk],
                       dedupe_key=f"training.retrain_check:{project.pk}")
    return feedback


@transaction.atomic
def feedback_review(*, feedback: Feedback, reviewer, label: str | None = None, boxes=None, notes: str = "") -> Review:
    """The second reviewer's final answer. The first answer stays as it was given."""
    feedback = Feedback.objects.select_for_update().select_related("project", "item").get(pk=feedback.pk)
    if feedback.status != FeedbackStatus.PENDING_REVIEW:
        raise Conflict(f"Feedback {feedback.pk} is {feedback.status}, not waiting for review.")
    if feedback.annotator_id is not None and feedback.annotator_id == getattr(reviewer, "pk", None):
        raise ApplicationError("A second review must come from someone other than the first annotator.", status=403)
    project, item = feedback.project, feedback.item
    if project.task == "object_detection":
        if boxes is None:
            raise ApplicationError("A review needs the final 'boxes' (an empty list means nothing is here).")
        review = Review(boxes=boxes_validate(boxes, labels=project.labels, width=item.width, height=item.height,
                                             where="boxes"))
    else:
        if label not in project.labels:
            raise ApplicationError(f"Unknown label {label!r}; the project's labels are {', '.join(project.labels)}.")
        review = Review(label=label)
    review.feedback, review.reviewer, review.notes = feedback, reviewer, notes
    review.save()
    feedback.status = FeedbackStatus.REVIEWED
    feedback.save(update_fields=["status"])
    audit_event_record(action="feedback.reviewed", actor=reviewer, project=project, obj=review,
                       details={"feedback": feedback.pk, "item": item.pk, "label": review.label,
                                "boxes": len(review.boxes or []), "flags": sorted({f["flag"] for f in feedback.flags})})
    return review
