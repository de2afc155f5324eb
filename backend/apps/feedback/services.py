"""feedback_submit: store a person's answer to a prediction, as given, with its audit event."""
from django.db import transaction

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError
from apps.predictions.models import Prediction

from .models import Feedback, Verdict


@transaction.atomic
def feedback_submit(*, prediction: Prediction, annotator, verdict: str, label: str | None = None,
                    comment: str = "", allow_auto_retrain: bool = True) -> Feedback:
    project = prediction.project
    if verdict == Verdict.ACCEPT:
        if label not in (None, "", prediction.label):
            raise ApplicationError("An 'accept' takes no other label; send verdict 'correct' to change it.")
        resolved = prediction.label
    elif verdict == Verdict.CORRECT:
        if not label:
            raise ApplicationError("A correction needs a 'label'.")
        if label not in project.labels:
            raise ApplicationError(f"Unknown label {label!r}; the project's labels are {', '.join(project.labels)}.")
        resolved = label
    else:
        raise ApplicationError("verdict must be 'accept' or 'correct'.")
    feedback = Feedback.objects.create(project=project, prediction=prediction, item_id=prediction.item_id,
                                       annotator=annotator, verdict=verdict, label=label or None,
                                       resolved_label=resolved, comment=comment)
    audit_event_record(action="feedback.submitted", actor=annotator, project=project, obj=feedback,
                       details={"prediction": prediction.pk, "item": prediction.item_id, "verdict": verdict,
                                "predicted": prediction.label, "label": resolved,
                                "model_version": prediction.model_version.number})
    if allow_auto_retrain and verdict == Verdict.CORRECT and project.retrain_min_feedback:
        from apps.training.tasks import retrain_check_task

        transaction.on_commit(lambda: retrain_check_task.delay(project.pk))
    return feedback
