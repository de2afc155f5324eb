"""The detection learning curve (issue 11): holdout mAP50 against reviewed images, per queue strategy, on demo-shapes.

One project per queue strategy (least_confident and random by default), each built like `demo-shapes`
(apps.demo.detection_demo): images of the same generator (ai_models.demo_images, 160 px), the same labels, the
demo's YOLO training params (params.yaml: EPOCHS, BATCH_SIZE, IMG_SIZE, PATIENCE, object_detection.*), a fixed
holdout imported with its boxes, a pool imported WITHOUT boxes (the true boxes stay here, hidden from the platform),
and a few seed images imported with boxes so that every strategy starts from the same kind of first model. Each
round goes through the services real feedback uses, as apps.demo.learning_curve does for texts:

1. the champion scores the unanswered pool (apps.predictions.scoring.queue_scoring_run_inline, ranked by
   image_confidence; the random strategy by its per-project shuffle);
2. the annotator takes the first `per_round` entries of review_queue (the project's strategy) whose images carry no
   boxes yet, accepts the prediction when the true boxes raise no disagreement flag against it and otherwise
   corrects it with the true boxes through feedback_submit; a flagged correction is confirmed with the same boxes by
   a second person through feedback_review;
3. a training run (training_run_start + training_run_execute; k-fold K and, if asked, epochs by per-run overrides)
   fine-tunes the champion on every labelled image, evaluates on the fixed holdout, and passes the gate (the
   benchmark's projects promote any candidate, min_improvement -1, so the curve follows the newest model).

"All labels" is a project whose seed and pool images are all imported with their true boxes, trained once from
scratch through the same training service: what one training run on every label reaches.

Must not: decide anything the services decide; write outside the benchmark's own projects.
"""
import hashlib
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings

from apps.feedback.models import FeedbackStatus
from apps.feedback.selectors import review_queue
from apps.feedback.services import feedback_review, feedback_submit
from apps.predictions.models import ScoringTrigger
from apps.predictions.scoring import queue_scoring_run_inline
from apps.projects.models import Project, QueueStrategy
from apps.projects.services import project_create, project_member_add
from apps.training.models import Trigger
from apps.training.services import training_run_execute, training_run_start

from .detection_demo import boxes_agree, shapes_import

# diverse clusters texts: a detection queue falls back to least_confident, so it is no curve of its own here
DETECTION_STRATEGIES = tuple(s for s in QueueStrategy.values if s != QueueStrategy.DIVERSE)
DEFAULT_STRATEGIES = (QueueStrategy.LEAST_CONFIDENT, QueueStrategy.RANDOM)


@dataclass(frozen=True)
class DetectionCurveConfig:
    """The default fits ~20 minutes on 2 shared CPU cores: YOLO trains at ~17 images x epochs per second there, the
    demo's 30 epochs per run, so each curve is 4 runs over 20, 40, 60, 80 images (fine-tuned from the champion after
    the first) and the all-labels run one over 220. The pool (200) and holdout (40) are the demo's; 20 seed images
    are a quarter of the demo's 80. `epochs` None keeps params.yaml's EPOCHS."""

    seed_images: int = 20
    pool: int = 200
    holdout: int = 40
    per_round: int = 20
    rounds: int = 3
    seed: int = 7  # the generator's seed (the demo's); the random queue order is keyed by the server's secret
    k_folds: int = 2
    epochs: int | None = None
    image_size: int = 160
    strategies: tuple[str, ...] = DEFAULT_STRATEGIES
    prefix: str = "lcd"


@dataclass
class DetectionPoint:
    round: int
    labels: int  # training images: seed images + answered images so far
    map50: float
    map50_95: float
    version: int
    decision: str
    accepted: int = 0
    corrected: int = 0
    reviewed: int = 0
    seconds: float = 0.0


@dataclass
class DetectionCurve:
    strategy: str
    points: list[DetectionPoint] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class Shapes:
    folder: Path
    seed: list[dict]  # generator rows {"file", "width", "height", "boxes"}: imported with their boxes
    pool: list[dict]  # imported without boxes; `truth` holds the answers
    holdout: list[dict]
    truth: dict[str, list[dict]]  # sha256 of a pool image -> its true boxes


def shapes_build(config: DetectionCurveConfig, folder: Path | None = None) -> Shapes:
    """The demo's generator at the demo's image size: the seed images are its first `labelled` ones."""
    from ai_models.demo_images import generate_detection_demo

    folder = folder or settings.VAR_DIR / "bench" / "learning-curve-detection" / f"seed-{config.seed}"
    splits = generate_detection_demo(folder, seed=config.seed, n_labelled=config.seed_images, n_pool=config.pool,
                                     n_holdout=config.holdout, size=config.image_size)
    truth = {hashlib.sha256((folder / r["file"]).read_bytes()).hexdigest(): r["boxes"] for r in splits["pool"]}
    if len(truth) != len(splits["pool"]):
        raise ValueError("two generated pool images are identical; the hidden answers would be ambiguous")
    return Shapes(folder=folder, seed=splits["labelled"], pool=splits["pool"], holdout=splits["holdout"], truth=truth)


def _project(*, slug: str, strategy: str | None, shapes: Shapes, users: dict) -> Project:
    from ai_models.demo_images import LABELS

    if Project.objects.filter(slug=slug).exists():
        raise ValueError(f"project {slug!r} exists: run the benchmark on a fresh database (make "
                         "learning-curve-detection does), or pass another --prefix")
    policies = {"require_approval": False, "min_improvement": -1.0, "retrain_min_feedback": 0,
                "feedback_weight": 1.0, "gold_rate": 0.0, "promotion_metric": "map50"}
    if strategy is not None:
        policies["queue_strategy"] = strategy
    project = project_create(slug=slug, name=slug, task="object_detection", labels=list(LABELS),
                             creator=users["engineer"], **policies)
    for role in ("annotator", "reviewer"):
        project_member_add(project=project, user=users[role], actor=users["engineer"])
    shapes_import(project, shapes.holdout, shapes.folder, split="holdout", with_boxes=True, actor=users["engineer"])
    return project


def _train(project: Project, config: DetectionCurveConfig, engineer):
    overrides = {"k_folds": config.k_folds, **({"epochs": config.epochs} if config.epochs else {})}
    run = training_run_start(project=project, trigger=Trigger.SIMULATION, actor=engineer, enqueue=False,
                             overrides=overrides)
    run = training_run_execute(run_id=run.pk)
    if run.model_version is None:
        raise RuntimeError(f"training run {run.pk} of {project.slug} ended {run.status}: {run.error}")
    return run, run.model_version


def _point(number: int, run, version, counts: dict, started: float) -> DetectionPoint:
    return DetectionPoint(round=number, labels=run.dataset_version.counts["total"], map50=version.metrics["map50"],
                          map50_95=version.metrics["map50_95"], version=version.number,
                          decision=version.gate.get("decision", ""),
                          seconds=round(time.perf_counter() - started, 2), **counts)


def _answer_round(project: Project, truth: dict[str, list[dict]], per_round: int, users: dict) -> dict:
    """Score the pool with the champion, then answer the queue's first `per_round` images that have no boxes."""
    queue_scoring_run_inline(project=project, trigger=ScoringTrigger.PROMOTION)
    counts = {"accepted": 0, "corrected": 0, "reviewed": 0}
    entries = list(review_queue(project=project).filter(item__boxes__isnull=True)
                   .select_related("item")[:per_round])
    for prediction in entries:
        boxes = truth[prediction.item.content_hash]
        if boxes_agree(prediction.boxes or [], boxes):
            feedback_submit(prediction=prediction, annotator=users["annotator"], verdict="accept",
                            allow_auto_retrain=False)
            counts["accepted"] += 1
            continue
        feedback = feedback_submit(prediction=prediction, annotator=users["annotator"], verdict="correct",
                                   boxes=boxes, comment="learning-curve benchmark", allow_auto_retrain=False)
        counts["corrected"] += 1
        if feedback.status == FeedbackStatus.PENDING_REVIEW:
            feedback_review(feedback=feedback, reviewer=users["reviewer"], boxes=boxes, notes="confirmed")
            counts["reviewed"] += 1
    return counts


def detection_curve_run(*, config: DetectionCurveConfig, shapes: Shapes, strategy: str, users: dict,
                        echo=None) -> DetectionCurve:
    """One strategy: the seed model (round 0), then `config.rounds` rounds of `config.per_round` answered images."""
    started = time.perf_counter()
    project = _project(slug=f"{config.prefix}-{strategy}".replace("_", "-"), strategy=strategy, shapes=shapes,
                       users=users)
    shapes_import(project, shapes.seed, shapes.folder, split="pool", with_boxes=True, actor=users["engineer"])
    shapes_import(project, shapes.pool, shapes.folder, split="pool", with_boxes=False, actor=users["engineer"])
    curve = DetectionCurve(strategy=strategy)
    t0 = time.perf_counter()
    run, version = _train(project, config, users["engineer"])
    curve.points.append(_point(0, run, version, {}, t0))
    if echo:
        echo(curve)
    for number in range(1, config.rounds + 1):
        t0 = time.perf_counter()
        counts = _answer_round(project, shapes.truth, config.per_round, users)
        if not any(counts.values()):
            break  # the pool is exhausted
        run, version = _train(project, config, users["engineer"])
        curve.points.append(_point(number, run, version, counts, t0))
        if echo:
            echo(curve)
    curve.seconds = round(time.perf_counter() - started, 1)
    return curve


def detection_all_labels_run(*, config: DetectionCurveConfig, shapes: Shapes, users: dict) -> dict:
    """Every seed and pool image with its true boxes, trained once: the reference the curves are measured against."""
    started = time.perf_counter()
    project = _project(slug=f"{config.prefix}-all", strategy=None, shapes=shapes, users=users)
    shapes_import(project, shapes.seed + shapes.pool, shapes.folder, split="pool", with_boxes=True,
                  actor=users["engineer"])
    run, version = _train(project, config, users["engineer"])
    return {"labels": run.dataset_version.counts["total"], "map50": version.metrics["map50"],
            "map50_95": version.metrics["map50_95"], "seconds": round(time.perf_counter() - started, 1)}


def detection_curve_as_dict(curve: DetectionCurve) -> dict:
    return asdict(curve)
