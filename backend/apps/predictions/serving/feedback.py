"""Feedback jobs: answers to text predictions (accept, or correct with a label), stored with one audit event each,
all in the batch's one multi-row insert; a retrain check queued once per project (the outbox, as the view does)."""
from dataclasses import dataclass

from apps.accounts.roles import CAN_GIVE_FEEDBACK
from apps.audit.services import AuditEntry
from apps.core.exceptions import ApplicationError
from apps.core.outbox import outbox_enqueue
from apps.feedback.apis import FeedbackOutput
from apps.feedback.models import Feedback, Verdict
from apps.feedback.services import feedback_details, resolve_answer
from apps.projects.models import Task

from ..models import Prediction
from .jobs import Job


@dataclass(eq=False)
class FeedbackJob(Job):
    prediction_id: int = 0
    verdict: str = ""
    label: str | None = None
    comment: str = ""

    @staticmethod
    def serve(jobs: list["FeedbackJob"], access, at) -> list[AuditEntry]:
        predictions = Prediction.objects.select_related("project", "model_version").in_bulk(
            {job.prediction_id for job in jobs})
        rows, served = [], []
        for job in jobs:
            prediction = predictions.get(job.prediction_id)
            fields = prediction and _authorize(job, prediction, access, at)
            if fields:
                rows.append(Feedback(project=prediction.project, prediction=prediction, item_id=prediction.item_id,
                                     annotator=job.caller.user, verdict=job.verdict, comment=job.comment, **fields))
                served.append(job)
        if not rows:
            return []
        stored = Feedback.objects.bulk_create(rows)
        retrain = {f.project.pk: f.project for f in stored
                   if f.verdict == Verdict.CORRECT and f.project.retrain_min_feedback}
        for project in retrain.values():
            outbox_enqueue(task="training.retrain_check", args=[project.pk],
                           dedupe_key=f"training.retrain_check:{project.pk}")
        for job, feedback in zip(served, stored, strict=True):
            job.response = (201, dict(FeedbackOutput(feedback).data))
        return [AuditEntry(action="feedback.submitted", actor=job.caller.user, project=feedback.project, obj=feedback,
                           request_id=job.request_id, details=feedback_details(feedback))
                for job, feedback in zip(served, stored, strict=True)]


def _authorize(job: FeedbackJob, prediction: Prediction, access, at) -> dict | None:
    """The answer's resolved fields if the caller may give it, else None (the view gives the refusal)."""
    job.caller = access.caller(job.key, at)
    if job.caller is None or prediction.project.task != Task.TEXT_CLASSIFICATION:
        return None
    if access.project(job.caller, prediction.project.slug, CAN_GIVE_FEEDBACK) is None:
        return None
    try:
        return resolve_answer(prediction, job.verdict, job.label, None)
    except ApplicationError:
        return None
