"""Training runs: request one (API, policy or command), execute it (Celery task or inline), record the outcome.

Execution never touches the champion directly: the new version goes through the promotion gate.
"""
import logging
import subprocess
import traceback

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_event_record
from apps.core.exceptions import Conflict
from apps.feedback.selectors import corrections_since
from apps.projects.models import Project, Task

from . import ml, ml_detection
from .datasets import dataset_version_snapshot
from .model_card import model_card_build
from .models import ModelVersion, RunStatus, TrainingRun, Trigger
from .promotion import promotion_gate_apply
from .selectors import champion_get, training_run_active

log = logging.getLogger(__name__)


@transaction.atomic
def training_run_start(*, project: Project, trigger: str, actor=None, enqueue: bool = True) -> TrainingRun:
    """Queue a run. One active run per project: a second request gets 409 naming the active one."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    active = training_run_active(project=project)
    if active is not None:
        raise Conflict(f"Training run {active.pk} is already {active.status} for {project.slug!r}.",
                       extra={"training_run": active.pk})
    run = TrainingRun.objects.create(project=project, trigger=trigger, requested_by=actor,
                                     progress={"stage": "queued", "percent": 0})
    audit_event_record(action="training.requested", actor=actor, project=project, obj=run, details={"trigger": trigger})
    if enqueue:
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    """Send the run to the workers; if the broker refuses, fail the run visibly instead of leaving it queued."""
    from .tasks import training_run_task

    try:
        training_run_task.delay(run_id)
    except Exception as exc:  # kombu raises several types for an unreachable broker
        log.exception("could not queue training run %s", run_id)
        run = TrainingRun.objects.select_related("project").get(pk=run_id)
        message = f"could not queue the run: the task broker is unavailable ({type(exc).__name__}: {exc})"[:500]
        with transaction.atomic():
            TrainingRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, error=message,
                                                         finished_at=timezone.now(),
                                                         progress={"stage": "failed", "percent": 100})
            audit_event_record(action="training.failed", project=run.project, obj=run, details={"error": message})


def training_retrain_if_due(*, project_id: int) -> TrainingRun | None:
    """Start a run when `retrain_min_feedback` corrections arrived since the last run began."""
    project = Project.objects.get(pk=project_id)
    if not project.retrain_min_feedback or training_run_active(project=project):
        return None
    last = TrainingRun.objects.filter(project=project).order_by("-created_at").first()
    if corrections_since(project=project, since=last.created_at if last else None) < project.retrain_min_feedback:
        return None
    try:
        return training_run_start(project=project, trigger=Trigger.FEEDBACK_THRESHOLD)
    except Conflict:  # another worker started one between our check and our lock
        return None


def _progress(run_id: int, **progress) -> None:
    TrainingRun.objects.filter(pk=run_id).update(progress=progress)


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=settings.REPO_DIR, capture_output=True, text=True,
                             timeout=5)
        return out.stdout.strip() if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _train(run: TrainingRun, project: Project, report):
    """Snapshot the data and train the project's kind of model; returns (TrainOutcome, Snapshot)."""
    detection = project.task == Task.OBJECT_DETECTION
    run_dir = ml_detection.work_dir("training", run.pk) if detection else None
    if detection:
        (run_dir / "images").mkdir()
    snapshot = dataset_version_snapshot(project=project, image_dir=run_dir / "images" if detection else None)
    TrainingRun.objects.filter(pk=run.pk).update(dataset_version=snapshot.version)
    common = dict(registered_model_name=project.slug, labels=project.labels, training=snapshot.training,
                  holdout=snapshot.holdout, dataset_hash=snapshot.version.content_hash, on_progress=report,
                  tags={"project": project.slug, "training_run": str(run.pk), "trigger": run.trigger,
                        "dataset_version": str(snapshot.version.pk), "git_commit": _git_commit()})
    if not detection:
        return ml.train_text_model(**common), snapshot
    champion = champion_get(project=project)  # fine-tune our own previous champion; the first model starts from YAML
    init = ml_detection.detector_weights(champion) if champion else None
    return ml_detection.train_detection_model(**common, run_dir=run_dir, init_weights=init), snapshot


def training_run_execute(*, run_id: int, echo=None) -> TrainingRun:
    """Collect the dataset, train with k-fold CV, evaluate on the holdout, register, apply the gate.

    Progress goes to the run (for the API) and, when given, to `echo` (for the command line).
    """
    def report(**progress) -> None:
        _progress(run_id, **progress)
        if echo:
            echo(progress)

    run = TrainingRun.objects.select_related("project").get(pk=run_id)
    if run.status == RunStatus.SUCCEEDED:
        return run  # a redelivered task: the work is done
    project = run.project
    TrainingRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now(), error="",
                                                 progress={"stage": "collecting", "percent": 2})
    try:
        outcome, snapshot = _train(run, project, report)
        report(stage="gate", percent=95)
        with transaction.atomic():
            number = (ModelVersion.objects.filter(project=project).order_by("-number").values_list("number", flat=True)
                      .first() or 0) + 1
            version = ModelVersion.objects.create(
                project=project, number=number, training_run=run, metrics={**outcome.holdout, "kfold": outcome.kfold},
                mlflow_run_id=outcome.mlflow_run_id, registered_model_name=project.slug,
                registered_version=outcome.registered_version)
            version.model_card = model_card_build(model_version=version, snapshot=snapshot, params=outcome.params)
            version.save(update_fields=["model_card"])
            TrainingRun.objects.filter(pk=run.pk).update(
                status=RunStatus.SUCCEEDED, finished_at=timezone.now(), kfold=outcome.kfold, params=outcome.params,
                mlflow_run_id=outcome.mlflow_run_id, progress={"stage": "done", "percent": 100})
            audit_event_record(action="training.finished", project=project, obj=run,
                               details={"model_version": number, "mlflow_run_id": outcome.mlflow_run_id,
                                        "dataset_hash": snapshot.version.content_hash,
                                        "holdout": {k: outcome.holdout.get(k) for k in ("accuracy", "f1_macro")}})
            promotion_gate_apply(model_version=version, holdout=snapshot.holdout)
    except Exception as exc:
        log.exception("training run %s failed", run.pk)
        with transaction.atomic():
            TrainingRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}",
                progress={"stage": "failed", "percent": 100, "traceback": traceback.format_exc(limit=5)[-2000:]})
            audit_event_record(action="training.failed", project=project, obj=run,
                               details={"error": f"{type(exc).__name__}: {exc}"[:500]})
        raise
    run.refresh_from_db()
    return run
