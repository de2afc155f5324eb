"""Feedback jobs: answers to text predictions (accept, or correct with a label), stored with one audit event each,
all in the batch's one multi-row insert; a retrain check queued once per project (the outbox, as the view does)."""
from dataclasses import dataclass

from django.db import DatabaseError

from apps.accounts.roles import CAN_GIVE_FEEDBACK
from apps.audit.services import AuditEntry
from apps.core.exceptions import ApplicationError
from apps.core.outbox import outbox_enqueue, outbox_flush_soon
from apps.feedback.apis import FeedbackOutput
from apps.feedback.models import Feedback, GoldItem, Verdict
from apps.feedback.services import feedback_details, resolve_answer
from apps.projects.models import Task

from ..models import Prediction
from . import direct
from .jobs import Job


@dataclass(eq=False)
class FeedbackJob(Job):
    prediction_id: int = 0
    verdict: str = ""
    label: str | None = None
    comment: str = ""

    @staticmethod
    def serve(jobs: list["FeedbackJob"], access, at) -> list[AuditEntry]:
        served = _answers(jobs, access, at)
        if not served:
            return []
        stored = Feedback.objects.bulk_create([answer for _job, answer in served])
        for project in _retrain(stored).values():
            outbox_enqueue(task=RETRAIN_TASK, args=[project.pk], dedupe_key=f"{RETRAIN_TASK}:{project.pk}")
        for (job, _answer), body in zip(served, FeedbackOutput(stored, many=True).data, strict=True):
            job.response = (201, dict(body))
        return [AuditEntry(action="feedback.submitted", actor=job.caller.user, project=feedback.project, obj=feedback,
                           request_id=job.request_id, details=feedback_details(feedback))
                for (job, _answer), feedback in zip(served, stored, strict=True)]

    @staticmethod
    def serve_direct(jobs: list["FeedbackJob"], access, at) -> None:
        """PostgreSQL: the batch's answers, retrain checks and events in one statement of their own (direct.py);
        the caches refreshed and the answers served again if the serving generation moved (three tries)."""
        for _attempt in range(3):
            if access.generation is None:
                access.refresh()
            served = _answers(jobs, access, at)
            if not served:
                return
            retrain = _retrain([answer for _job, answer in served])
            outbox = [(RETRAIN_TASK, [pk], f"{RETRAIN_TASK}:{pk}") for pk in retrain]
            try:
                direct.store_answers(served, generation=access.generation, outbox=outbox,
                                     tokens=access.stale_tokens([job.caller for job, _answer in served], at))
            except direct.GenerationMoved:
                access.generation = None
                for job in jobs:
                    job.response = None
                continue
            except DatabaseError:
                direct.log_failure(jobs)
                return
            if outbox:
                outbox_flush_soon()
            return


RETRAIN_TASK = "training.retrain_check"
# Read for every answer and never used by it: the prediction's probabilities and the version's JSON documents
# (metrics, gate, model card: kilobytes each, decoded once per answered prediction). An answer needs the
# prediction's label, boxes and item, its project, and its version's number.
_UNREAD = ("probabilities", "model_version__metrics", "model_version__gate", "model_version__model_card",
           "model_version__promotion_reason")


def _answers(jobs: list[FeedbackJob], access, at) -> list[tuple[FeedbackJob, Feedback]]:
    """The jobs the caller may answer, each with its unsaved answer (the rest go to the view)."""
    predictions = (Prediction.objects.select_related("project", "model_version").defer(*_UNREAD)
                   .in_bulk({job.prediction_id for job in jobs}))
    # Answers to gold items go to the view, which scores them (apps.feedback.gold); its response is the same.
    gold = set(GoldItem.objects.filter(item_id__in={p.item_id for p in predictions.values()})
               .values_list("item_id", flat=True))
    served = []
    for job in jobs:
        prediction = predictions.get(job.prediction_id)
        fields = prediction and prediction.item_id not in gold and _authorize(job, prediction, access, at)
        if fields:
            served.append((job, Feedback(project=prediction.project, prediction=prediction,
                                         item_id=prediction.item_id, annotator=job.caller.user, verdict=job.verdict,
                                         comment=job.comment, **fields)))
    return served


def _retrain(answers: list[Feedback]) -> dict[int, object]:
    """The projects whose retrain policy a correction among `answers` may have met (checked after the commit)."""
    return {a.project.pk: a.project for a in answers if a.verdict == Verdict.CORRECT and a.project.retrain_min_feedback}


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
