"""The detection demo: a project of generated shape images, and the simulator's detection round.

Images are synthetic (ai_models.demo_images: shapes on varied backgrounds with exact boxes). The
pool's true boxes stay in `var/demo/shapes/manifest.json`, for the simulator only.
"""
import json
import random
from pathlib import Path

from django.conf import settings

from apps.feedback.models import Feedback, FeedbackStatus
from apps.feedback.selectors import review_queue
from apps.feedback.services import feedback_review, feedback_submit
from apps.items.image_import import images_import
from apps.items.models import Item
from apps.predictions.detection import detection_predict
from apps.projects.services import project_create, project_member_add

DETECTION_SLUG = "demo-shapes"


def detection_data_dir() -> Path:
    return settings.VAR_DIR / "demo" / "shapes"


def shapes_import(project, rows: list[dict], folder: Path, *, split: str, with_boxes: bool, actor) -> None:
    """Import generated images through the items service, 50 at a time, with their boxes or without."""
    for start in range(0, len(rows), 50):
        chunk = rows[start:start + 50]
        files = [(Path(r["file"]).name, (folder / r["file"]).read_bytes()) for r in chunk]
        boxes = {Path(r["file"]).name: r["boxes"] for r in chunk} if with_boxes else None
        images_import(project=project, files=files, boxes_by_name=boxes, split=split, actor=actor, source="demo")


def detection_demo_create(*, admin, members) -> object:
    from ai_models.demo_images import LABELS, generate_detection_demo

    folder = detection_data_dir()
    # 80 labelled images: fewer do not get a from-scratch YOLO off the ground in a few CPU minutes.
    splits = generate_detection_demo(folder, n_labelled=80, n_pool=200, n_holdout=40)
    project = project_create(
        slug=DETECTION_SLUG, name="Shapes (synthetic detection demo)", task="object_detection", labels=list(LABELS),
        creator=admin, retrain_min_feedback=40, purpose="Find shapes in images (synthetic demo data).",
        lawful_basis="legitimate_interests")
    for user in members:
        project_member_add(project=project, user=user, actor=admin)
    shapes_import(project, splits["labelled"], folder, split="pool", with_boxes=True, actor=admin)
    shapes_import(project, splits["holdout"], folder, split="holdout", with_boxes=True, actor=admin)
    shapes_import(project, splits["pool"], folder, split="pool", with_boxes=False, actor=admin)
    return project


def load_box_truth(folder: Path | None = None) -> dict[str, list[dict]]:
    """sha256 of each pool image -> its true boxes."""
    import hashlib

    folder = folder or detection_data_dir()
    pool = json.loads((folder / "manifest.json").read_text())["pool"]
    return {hashlib.sha256((folder / r["file"]).read_bytes()).hexdigest(): r["boxes"] for r in pool}


def boxes_agree(predicted: list[dict], truth: list[dict]) -> bool:
    """True when the true boxes raise no disagreement flag against the predicted ones (an annotator accepts)."""
    from ai_models.boxes import Box, disagreement_flags

    model = [Box(b["label"], b["x"], b["y"], b["w"], b["h"], b.get("confidence")) for b in predicted]
    human = [Box(b["label"], b["x"], b["y"], b["w"], b["h"]) for b in truth]
    return not disagreement_flags(model, human)


def detection_feedback_round(*, project, per_round: int, truth: dict, annotator, reviewer,
                             rng: random.Random) -> dict | None:
    """Predict a batch of unanswered pool images, answer the least confident ones; flagged ones get reviewed."""
    answered = Feedback.objects.filter(project=project).values("item_id")
    unanswered = list(Item.objects.filter(project=project, split="pool", erased_at__isnull=True,
                                          content_hash__in=truth).exclude(id__in=answered))
    if not unanswered:
        return None
    batch = rng.sample(unanswered, min(len(unanswered), per_round * 2))
    for start in range(0, len(batch), 16):
        detection_predict(project=project, items=batch[start:start + 16], actor=annotator)
    counts = {"accepted": 0, "corrected": 0, "reviewed": 0}
    for prediction in list(review_queue(project=project).filter(item__in=batch)[:per_round]):
        boxes = truth[prediction.item.content_hash]
        if boxes_agree(prediction.boxes or [], boxes):
            feedback_submit(prediction=prediction, annotator=annotator, verdict="accept", allow_auto_retrain=False)
            counts["accepted"] += 1
            continue
        feedback = feedback_submit(prediction=prediction, annotator=annotator, verdict="correct", boxes=boxes,
                                   comment="simulated", allow_auto_retrain=False)
        counts["corrected"] += 1
        if feedback.status == FeedbackStatus.PENDING_REVIEW:
            feedback_review(feedback=feedback, reviewer=reviewer, boxes=boxes, notes="simulated second review")
            counts["reviewed"] += 1
    return counts
