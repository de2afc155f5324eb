"""PostgreSQL: a batch's predictions stored in one statement per (project, caller) group.

The group-commit thread calls `hitl_predictions_store` (migration predictions.0004) in autocommit, so the statement is
the whole transaction: one round trip instead of nine, and the chain's lock is held only inside the database, never
while this thread waits for the interpreter. Everything the database cannot know is prepared here: the rows in
request order as one JSON array (each row with its margin and entropy, predictions.0007), and each audit event's
canonical text with holes for the head, seq, time and ids (apps.audit.hashing.event_text_template, the same text
the Python recorder hashes).

The statement refuses (SQLSTATE HL001, nothing written) when the serving generation moved since the caches were
filled: the caller refreshes them and serves the group again, so a revocation or promotion holds for every group
stored after it committed. Any other failure leaves the group's jobs without a response: the view answers them.
"""
import json
import logging

from django.db import DatabaseError, connection

from apps.audit.hashing import event_text_template
from apps.audit.services import CHAIN_LOCK_KEY, actor_fields
from apps.items.services import content_hash

from ..services import uncertainty_scores
from .jobs import Job

logger = logging.getLogger(__name__)

GENERATION_MOVED = "HL001"
EVENT_IDS = 1000  # prediction ids per event: a caller's batch of more gets more events, every id is listed
_SQL = "SELECT pos, prediction_id, item_id FROM hitl_predictions_store(%s, %s, %s, %s, %s, %s, %s, %s)"
_DETECTIONS_SQL = "SELECT pos, prediction_id, item_id FROM hitl_detections_store(%s, %s, %s, %s, %s, %s, %s, %s)"


class GenerationMoved(Exception):
    """The caches were filled under an older serving generation: refresh them and serve the group again."""


def store_group(group: list[Job], *, generation: int, tokens: list[int]) -> None:
    """Store one (project, caller) group's predictions and set each job's response; raises GenerationMoved, or
    DatabaseError when the view should answer (nothing of the group is stored either way)."""
    rows, owners = [], []
    for job in group:
        for text, output in zip(job.texts, job.outputs, strict=True):
            rows.append((content_hash(text), text, output.label, output.confidence, output.probabilities,
                         job.latency_ms, len(job.texts), job.request_id, job.received_at.isoformat(),
                         *uncertainty_scores(probabilities=output.probabilities, boxes=None)))
            owners.append(job)
    stored = _store(_SQL, _group_params(group, rows, [row[7] for row in rows], generation=generation, tokens=tokens))
    respond(group, owners, [{"id": prediction_id, "item_id": item_id, "label": row[2], "confidence": row[3],
                              "probabilities": row[4]}
                             for (_position, prediction_id, item_id), row in zip(stored, rows, strict=True)])


def store_detections(group: list[Job], *, generation: int, tokens: list[int]) -> None:
    """store_group for box predictions on images already stored as items (hitl_detections_store, predictions.0005):
    each job has `items` and, per item, `outputs` (its boxes) and `confidences`."""
    rows, owners = [], []
    for job in group:
        for item, boxes, confidence in zip(job.items, job.outputs, job.confidences, strict=True):
            rows.append((item.pk, boxes, confidence, job.latency_ms, len(job.items), job.request_id,
                         job.received_at.isoformat(), *uncertainty_scores(probabilities=None, boxes=boxes)))
            owners.append(job)
    stored = _store(_DETECTIONS_SQL, _group_params(group, rows, [row[5] for row in rows], generation=generation,
                                                   tokens=tokens))
    respond(group, owners, [{"id": prediction_id, "item_id": item_id, "confidence": row[2], "boxes": row[1]}
                             for (_position, prediction_id, item_id), row in zip(stored, rows, strict=True)])


def _group_params(group: list[Job], rows: list[tuple], request_ids: list[str], *, generation: int,
                  tokens: list[int]) -> list:
    """The store function's arguments: the rows, and an event per EVENT_IDS of them under the group's caller."""
    first = group[0]
    project, actor, version = first.project, first.caller.user, first.champion[0]
    who = actor_fields(actor)  # (actor_ref, actor_role), once for the group
    events = []
    for start in range(0, len(rows), EVENT_IDS):
        end = min(start + EVENT_IDS, len(rows))
        details = {"count": end - start, "model_version": version.number, "latency_ms": round(first.latency_ms, 3),
                   "request_ids": sorted(set(request_ids[start:end])), "group_commit": True}
        events.append(_event(start, end, start == 0, actor=who, action="predictions.created",
                             object_type="predictions.prediction", project_slug=project.slug,
                             request_id=first.request_id, details=details))
    return [generation, project.pk, actor.pk, version.pk, tokens, json.dumps(rows, ensure_ascii=False),
            CHAIN_LOCK_KEY, json.dumps(events, ensure_ascii=False)]


def respond(group: list[Job], owners: list[Job], answers: list[dict]) -> None:
    """Each job's response: its own predictions, in its request's order."""
    answered: dict[int, list[dict]] = {id(job): [] for job in group}
    for job, answer in zip(owners, answers, strict=True):
        answered[id(job)].append(answer)
    number = group[0].champion[0].number
    for job in group:
        job.response = (200, {"model_version": number, "predictions": answered[id(job)]})


def _event(start: int, end: int, carries_items_created: bool, *, actor: tuple[str, str], action: str,
           object_type: str, project_slug: str, request_id: str, details: dict, listed: bool = True) -> tuple:
    """An event as hitl_audit_append_filled (audit.0006) takes it: it covers the rows at start <= pos < end, its
    canonical text and details built here with holes for what only the database knows."""
    actor_ref, actor_role = actor
    text, details_text = event_text_template(actor_ref=actor_ref, actor_role=actor_role, action=action,
                                             object_type=object_type, project_slug=project_slug,
                                             request_id=request_id, details=details, listed=listed)
    return (start, end, carries_items_created, text, details_text, actor_ref, actor_role, action, object_type,
            project_slug, request_id)


def _store(sql: str, params: list) -> list[tuple]:
    """Run one store function; its rows by position. GenerationMoved if the caches it was called with are stale."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return sorted(cursor.fetchall())
    except DatabaseError as exc:
        if getattr(exc.__cause__, "pgcode", None) == GENERATION_MOVED:
            raise GenerationMoved from exc
        raise


def log_failure(group: list[Job]) -> None:
    logger.exception("storing %d prediction requests failed; handing them to the view", len(group))
    connection.close_if_unusable_or_obsolete()


_ANSWERS_SQL = "SELECT pos, feedback_id, created_at FROM hitl_feedback_store(%s, %s, %s, %s, %s, %s)"


def store_answers(served: list[tuple[Job, object]], *, generation: int, tokens: list[int], outbox: list) -> None:
    """Store the batch's answers — (job, unsaved text Feedback) pairs — and their events in one statement (migration
    feedback.0002), with the retrain checks for the outbox; set each job's response. Raises like store_group."""
    from apps.feedback.apis import FeedbackOutput
    from apps.feedback.services import feedback_details

    rows, events = [], []
    for position, (job, answer) in enumerate(served):
        rows.append((answer.project.pk, answer.prediction.pk, answer.item_id, answer.annotator.pk, answer.verdict,
                     answer.label, answer.resolved_label, answer.comment))
        events.append(_event(position, position + 1, False, actor=actor_fields(answer.annotator),
                             action="feedback.submitted", object_type="feedback.feedback",
                             project_slug=answer.project.slug, request_id=job.request_id,
                             details=feedback_details(answer), listed=False))
    stored = _store(_ANSWERS_SQL, [generation, tokens, json.dumps(rows, ensure_ascii=False),
                                   json.dumps(outbox, ensure_ascii=False), CHAIN_LOCK_KEY,
                                   json.dumps(events, ensure_ascii=False)])
    for (_position, answer_id, created_at), (_job, answer) in zip(stored, served, strict=True):
        answer.pk, answer.created_at = answer_id, created_at
    # One serializer for the batch: a serializer per answer deep-copies its twelve fields each time.
    bodies = FeedbackOutput([answer for _job, answer in served], many=True).data
    for (job, _answer), body in zip(served, bodies, strict=True):
        job.response = (201, dict(body))
