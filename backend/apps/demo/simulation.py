"""The feedback simulator: an annotator who knows the true answers works the review queue, round by round.

Each round: predict a batch of unanswered pool items, take the least confident from the queue
(uncertainty sampling), accept or correct each through `feedback_submit` (flagged detection answers
go through `feedback_review`), retrain through the same services as the platform, and approve the
candidate when it passes the gate.
"""
import json
import random
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User

from apps.feedback.models import Feedback
from apps.feedback.selectors import review_queue
from apps.feedback.services import feedback_submit
from apps.items.models import Item
from apps.items.services import content_hash
from apps.predictions.services import predictions_create
from apps.training.models import ModelStatus, Trigger
from apps.training.promotion import model_version_promote
from apps.training.selectors import champion_get
from apps.training.services import training_run_execute, training_run_start

from .detection_demo import detection_feedback_round

METRICS = {"text_classification": ("accuracy", "f1_macro"), "object_detection": ("map50", "map50_95")}


@dataclass(frozen=True)
class RoundResult:
    round: int
    accepted: int
    corrected: int
    reviewed: int
    training_examples: int
    candidate_version: int
    metrics: dict
    decision: str
    champion_version: int
    champion_metrics: dict


def load_truth(path: Path) -> dict[str, str]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {content_hash(r["text"].strip()): r["label"] for r in rows}


def text_feedback_round(*, project, per_round: int, truth: dict, annotator, rng: random.Random) -> dict | None:
    answered = Feedback.objects.filter(project=project).values("item_id")
    unanswered = list(Item.objects.filter(project=project, split="pool", erased_at__isnull=True,
                                          content_hash__in=truth).exclude(id__in=answered).values_list("id", flat=True))
    if not unanswered:
        return None
    batch = rng.sample(unanswered, min(len(unanswered), per_round * 4))
    for start in range(0, len(batch), 500):
        predictions_create(project=project, inputs=[{"item_id": i} for i in batch[start:start + 500]], actor=annotator)
    counts = {"accepted": 0, "corrected": 0, "reviewed": 0}
    for prediction in list(review_queue(project=project).filter(item_id__in=batch)[:per_round]):
        true_label = truth[prediction.item.content_hash]
        if true_label == prediction.label:
            feedback_submit(prediction=prediction, annotator=annotator, verdict="accept", allow_auto_retrain=False)
            counts["accepted"] += 1
        else:
            feedback_submit(prediction=prediction, annotator=annotator, verdict="correct", label=true_label,
                            comment="simulated", allow_auto_retrain=False)
            counts["corrected"] += 1
    return counts


def simulate_round(*, project, number: int, per_round: int, truth: dict, users: dict[str, User],
                   rng: random.Random, approve: bool = True, echo=None) -> RoundResult | None:
    if project.task == "object_detection":
        counts = detection_feedback_round(project=project, per_round=per_round, truth=truth,
                                          annotator=users["annotator"], reviewer=users["reviewer"], rng=rng)
    else:
        counts = text_feedback_round(project=project, per_round=per_round, truth=truth, annotator=users["annotator"],
                                     rng=rng)
    if counts is None:
        return None
    engineer = users["engineer"]
    run = training_run_start(project=project, trigger=Trigger.SIMULATION, actor=engineer, enqueue=False)
    run = training_run_execute(run_id=run.pk, echo=echo)
    candidate = run.model_version
    decision = candidate.gate.get("decision", "")
    if approve and candidate.status == ModelStatus.CANDIDATE and candidate.gate.get("passed"):
        candidate = model_version_promote(model_version=candidate, actor=engineer)
        decision = "approved"
    champion = champion_get(project=project)
    names = METRICS[project.task]
    return RoundResult(
        round=number, **counts, training_examples=run.dataset_version.counts["total"],
        candidate_version=candidate.number, metrics={n: candidate.metrics.get(n) for n in names}, decision=decision,
        champion_version=champion.number, champion_metrics={n: champion.metrics.get(n) for n in names})
