"""The learning-curve benchmark: how many labels each queue strategy x text model family needs (issue 11).

One project per (strategy, family), all built from the same hidden-label pool of the SYNTHETIC hard corpus
(ai_models.hard_corpus: 40 labels, short ambiguous texts, 8 % wrong labels), the same seed labels and the same fixed
holdout. Each round goes through the services real feedback uses, as simulate_feedback does:

1. the champion scores the whole unanswered pool (apps.predictions.scoring.queue_scoring_run_inline, the job a
   Celery worker runs after every promotion);
2. the annotator takes the first `per_round` entries of review_queue (the project's queue strategy) whose items carry
   no label yet, and accepts or corrects each with the corpus label through feedback_submit (a flagged answer is
   confirmed by a second person through feedback_review);
3. a training run (training_run_start + training_run_execute, k-fold K set by a per-run override) trains the
   project's family, the evaluate stage measures it on the fixed holdout, and the promotion gate decides (the
   benchmark projects promote any candidate without approval, min_improvement -1, so the curve follows the newest
   model; the gate's decision is still recorded per point).

The annotator answers with the corpus' stored label (wrong 8 % of the time, as a fallible person), and the holdout
is scored on stored labels too, as docs/learning.md's comparison is. "All labels" is the same family trained once on
every pool label (seed + pool imported with labels), through the same training service.

Must not: decide anything the services decide; write outside the benchmark's own projects.
"""
import time
from dataclasses import asdict, dataclass, field

from django.contrib.auth.models import User

from apps.accounts.roles import Role
from apps.feedback.models import FeedbackStatus
from apps.feedback.selectors import review_queue
from apps.feedback.services import feedback_review, feedback_submit
from apps.items.services import items_import
from apps.predictions.models import ScoringTrigger
from apps.predictions.scoring import queue_scoring_run_inline
from apps.projects.models import Project, TextModel
from apps.projects.services import project_create
from apps.training.models import Trigger
from apps.training.services import training_run_execute, training_run_start

FAMILIES = tuple(TextModel.values)


def strategies() -> list[str]:
    """The queue strategies a project can choose (Project.queue_strategy's choices; least_confident before it exists)."""
    from django.core.exceptions import FieldDoesNotExist

    try:
        return [value for value, _ in Project._meta.get_field("queue_strategy").choices]
    except FieldDoesNotExist:  # the queue orders least confident first, the only strategy
        return ["least_confident"]


@dataclass(frozen=True)
class CurveConfig:
    """The default run fits ~15 minutes on 2 shared cores: 10 curves x 9 training runs of ~8 s each (the pipeline's
    fixed costs: MLflow registration, the champion's re-evaluation, queue scoring of the pool) plus one all-labels
    run per family. K=2 is the smallest k-fold the per-run overrides allow; 40 seed labels (one per label) give a
    first model for every strategy; a pool of 1,500 keeps the 520 labels of the last round well below the pool."""

    pool: int = 1500
    holdout: int = 600
    seed_per_label: int = 1
    per_round: int = 60
    rounds: int = 8
    seed: int = 11
    k_folds: int = 2
    strategies: tuple[str, ...] = ()
    families: tuple[str, ...] = FAMILIES
    prefix: str = "lc"


@dataclass
class Point:
    round: int
    labels: int  # training examples: seed labels + answers so far
    accuracy: float
    f1_macro: float
    version: int
    decision: str
    accepted: int = 0
    corrected: int = 0
    reviewed: int = 0
    seconds: float = 0.0


@dataclass
class Curve:
    strategy: str
    family: str
    points: list[Point] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class Corpus:
    seed: list[dict]  # labelled pool items (the team's first labels), one per label and `seed_per_label`
    pool: list[dict]  # the rest of the pool: imported without labels; the label is the hidden answer
    holdout: list[dict]
    labels: list[str]


def corpus_build(config: CurveConfig) -> Corpus:
    """Distinct texts of the hard corpus (the platform keeps one item per text), split by a seeded shuffle."""
    from ai_models import hard_corpus

    seed, pool, holdout = hard_corpus.benchmark_split(config.pool, config.holdout, seed=config.seed,
                                                      seed_per_label=config.seed_per_label)
    return Corpus(seed=seed, pool=pool, holdout=holdout,
                  labels=hard_corpus.labels())


def benchmark_users() -> dict[str, User]:
    """The engineer who owns the projects, the annotator and the second reviewer (created once, audited)."""
    from apps.accounts.services import user_create

    out = {}
    for role, name, group in (("engineer", "lc-engineer", Role.ML_ENGINEER), ("annotator", "lc-annotator", Role.ANNOTATOR),
                              ("reviewer", "lc-reviewer", Role.REVIEWER)):
        out[role] = User.objects.filter(username=name).first() or user_create(
            username=name, password=None, roles=[group], actor=None)
    return out


def _project(*, slug: str, family: str, strategy: str | None, corpus: Corpus, users: dict) -> Project:
    if Project.objects.filter(slug=slug).exists():
        raise ValueError(f"project {slug!r} exists: run the benchmark on a fresh database (make learning-curve "
                         "does), or pass another --prefix")
    policies = {"text_model": family, "require_approval": False, "min_improvement": -1.0, "retrain_min_feedback": 0,
                "feedback_weight": 1.0, "gold_rate": 0.0, "promotion_metric": "accuracy"}
    if strategy is not None and any(f.name == "queue_strategy" for f in Project._meta.get_fields()):
        policies["queue_strategy"] = strategy
    project = project_create(slug=slug, name=slug, task="text_classification", labels=corpus.labels,
                             creator=users["engineer"], **policies)
    from apps.projects.services import project_member_add

    for role in ("annotator", "reviewer"):
        project_member_add(project=project, user=users[role], actor=users["engineer"])
    items_import(project=project, rows=[{**r, "split": "holdout"} for r in corpus.holdout], actor=users["engineer"])
    return project


def _train(project: Project, config: CurveConfig, engineer) -> tuple[object, object]:
    run = training_run_start(project=project, trigger=Trigger.SIMULATION, actor=engineer, enqueue=False,
                             overrides={"k_folds": config.k_folds})
    run = training_run_execute(run_id=run.pk)
    return run, run.model_version


def _point(number: int, run, version, counts: dict, started: float) -> Point:
    return Point(round=number, labels=run.dataset_version.counts["total"], accuracy=version.metrics["accuracy"],
                 f1_macro=version.metrics["f1_macro"], version=version.number,
                 decision=version.gate.get("decision", ""), seconds=round(time.perf_counter() - started, 2), **counts)


def _answer_round(project: Project, hidden: dict[str, str], per_round: int, users: dict) -> dict:
    """Score the pool with the champion, then answer the queue's first `per_round` unlabelled entries."""
    queue_scoring_run_inline(project=project, trigger=ScoringTrigger.PROMOTION)
    counts = {"accepted": 0, "corrected": 0, "reviewed": 0}
    entries = list(review_queue(project=project).filter(item__label__isnull=True)
                   .select_related("item")[:per_round])
    for prediction in entries:
        label = hidden[prediction.item.content_hash]
        if label == prediction.label:
            feedback = feedback_submit(prediction=prediction, annotator=users["annotator"], verdict="accept",
                                       allow_auto_retrain=False)
            counts["accepted"] += 1
        else:
            feedback = feedback_submit(prediction=prediction, annotator=users["annotator"], verdict="correct",
                                       label=label, comment="learning-curve benchmark", allow_auto_retrain=False)
            counts["corrected"] += 1
        if feedback.status == FeedbackStatus.PENDING_REVIEW:
            feedback_review(feedback=feedback, reviewer=users["reviewer"], label=label, notes="confirmed")
            counts["reviewed"] += 1
    return counts


def curve_run(*, config: CurveConfig, corpus: Corpus, strategy: str, family: str, users: dict,
              echo=None) -> Curve:
    """One strategy x family: seed model (round 0), then `config.rounds` rounds of `config.per_round` answers."""
    from apps.items.services import content_hash

    started = time.perf_counter()
    project = _project(slug=f"{config.prefix}-{strategy}-{family}".replace("_", "-"), family=family,
                       strategy=strategy, corpus=corpus, users=users)
    items_import(project=project, rows=corpus.seed, actor=users["engineer"])
    items_import(project=project, rows=[{"text": r["text"]} for r in corpus.pool], actor=users["engineer"])
    hidden = {content_hash(" ".join(r["text"].split())): r["label"] for r in corpus.pool}
    curve = Curve(strategy=strategy, family=family)
    t0 = time.perf_counter()
    run, version = _train(project, config, users["engineer"])
    curve.points.append(_point(0, run, version, {}, t0))
    if echo:
        echo(curve)
    for number in range(1, config.rounds + 1):
        t0 = time.perf_counter()
        counts = _answer_round(project, hidden, config.per_round, users)
        if not any(counts.values()):
            break  # the pool is exhausted
        run, version = _train(project, config, users["engineer"])
        curve.points.append(_point(number, run, version, counts, t0))
        if echo:
            echo(curve)
    curve.seconds = round(time.perf_counter() - started, 1)
    return curve


def all_labels_run(*, config: CurveConfig, corpus: Corpus, family: str, users: dict) -> dict:
    """The family trained once on every pool label: the ceiling the curves are measured against."""
    project = _project(slug=f"{config.prefix}-all-{family}".replace("_", "-"), family=family, strategy=None,
                       corpus=corpus, users=users)
    items_import(project=project, rows=corpus.seed + corpus.pool, actor=users["engineer"])
    run, version = _train(project, config, users["engineer"])
    return {"labels": run.dataset_version.counts["total"], "accuracy": version.metrics["accuracy"],
            "f1_macro": version.metrics["f1_macro"]}


def curve_as_dict(curve: Curve) -> dict:
    return asdict(curve)
