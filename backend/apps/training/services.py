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
from apps.core.outbox import outbox_enqueue
from apps.feedback.selectors import items_corrected_since
from apps.projects.models import Project
from apps.projects.oversight import project_ensure_running

from . import pipeline, run_store
from .candidates import candidate_register
from .models import RunStatus, TrainingRun, Trigger
from .selectors import training_run_active

log = logging.getLogger(__name__)


@transaction.atomic
def training_run_start(*, project: Project, trigger: str, actor=None, enqueue: bool = True,
                       overrides: dict | None = None) -> TrainingRun:
    """Queue a run. One active run per project: a second request gets 409 naming the active one.

    `overrides` (validated by apps.training.overrides) change params.yaml's values for this run only; the run's
    `params` show the values it trains with from the start.
    """
    project_ensure_running(Project.objects.select_for_update(no_key=True).get(pk=project.pk), status=409)  # nothing retrains
    active = training_run_active(project=project)
    if active is not None:
        raise Conflict(f"Training run {active.pk} is already {active.status} for {project.slug!r}.",
                       extra={"training_run": active.pk})
    overrides = overrides or {}
    run = TrainingRun.objects.create(project=project, trigger=trigger, requested_by=actor, overrides=overrides,
                                     params=_run_params(project, overrides), progress={"stage": "queued", "percent": 0})
    audit_event_record(action="training.requested", actor=actor, project=project, obj=run,
                       details={"trigger": trigger, "overrides": overrides})
    if enqueue:
        # Through the outbox: sent after the commit, or, while the broker is down, as soon as it is back (the run
        # stays `queued` meanwhile and the request is answered 202 either way).
        outbox_enqueue(task="training.run", args=[run.pk], dedupe_key=f"training.run:{run.pk}")
    return run


def training_retrain_if_due(*, project_id: int) -> TrainingRun | None:
    """Start a run when `retrain_min_feedback` items got a correction since the last run began."""
    project = Project.objects.get(pk=project_id)
    if not project.retrain_min_feedback or project.stopped_at or training_run_active(project=project):
        return None
    last = TrainingRun.objects.filter(project=project).order_by("-created_at").first()
    if items_corrected_since(project=project, since=last.created_at if last else None) < project.retrain_min_feedback:
        return None
    try:
        return training_run_start(project=project, trigger=Trigger.FEEDBACK_THRESHOLD)
    except Conflict:  # another worker started one between our check and our lock
        return None


def _run_params(project: Project, overrides: dict) -> dict:
    return pipeline.project_params(project=project, overrides=overrides)


def _progress(run_id: int, **progress) -> None:
    TrainingRun.objects.filter(pk=run_id).update(progress=progress)


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=settings.REPO_DIR, capture_output=True, text=True,
                             timeout=5)
        return out.stdout.strip() if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _reporter(run_id: int, echo=None):
    def report(**progress) -> None:
        _progress(run_id, **progress)
        if echo:
            echo(progress)

    return report


def _fail(run: TrainingRun, exc: BaseException) -> None:
    log.error("training run %s failed: %s", run.pk, exc)
    with transaction.atomic():
        updated = TrainingRun.objects.filter(pk=run.pk).exclude(status=RunStatus.FAILED).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:4000],
            progress={"stage": "failed", "percent": 100, "traceback": traceback.format_exc(limit=5)[-2000:]})
        if updated:  # a run fails once, however many of its folds fail
            audit_event_record(action="training.failed", project=run.project, obj=run,
                               details={"error": f"{type(exc).__name__}: {exc}"[:500]})
    if updated:
        run_store.run_objects_delete(run_id=run.pk)


def _begin(run: TrainingRun, report) -> dict:
    """Stages 1-3 (collect, format, fold); records k so that parallel folds know when they are complete."""
    TrainingRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now(), error="")
    report(stage="data_collection", percent=2)
    params = _run_params(run.project, run.overrides)
    prepared = pipeline.pipeline_prepare(project=run.project, paths=pipeline.run_paths(run.pk), params=params)
    TrainingRun.objects.filter(pk=run.pk).update(dataset_version_id=prepared["manifest"]["dataset_version"],
                                                 params=params, kfold={"k": prepared["k"], "results": {}})
    report(stage="kfold_model_training", fold=0, folds=prepared["k"], percent=10)
    return {"params": params, "k": prepared["k"]}


def _finish(run: TrainingRun, params: dict, fold_results: list[dict], report) -> TrainingRun:
    """Stages 4-7 and the gate: aggregate folds, final model, evaluation beside the champion, registration."""
    project = run.project
    workers = [r.pop("worker") for r in fold_results if "worker" in r]  # bookkeeping, not a fold metric
    outcome = pipeline.pipeline_finish(
        project=project, paths=pipeline.run_paths(run.pk), params=params, fold_results=fold_results,
        tags={"project": project.slug, "training_run": str(run.pk), "trigger": run.trigger,
              "git_commit": _git_commit()}, on_progress=report)
    if workers:  # which Celery worker trained each fold
        outcome["kfold"] = {**outcome["kfold"], "workers": workers}
    report(stage="gate", percent=96)
    candidate_register(run=run, outcome=outcome, params=params)
    run.refresh_from_db()
    return run


def training_run_execute(*, run_id: int, echo=None) -> TrainingRun:
    """The whole pipeline in this process, folds one after another (commands, the demo, the simulator).

    Progress goes to the run (for the API) and, when given, to `echo` (for the command line).
    """
    run = TrainingRun.objects.select_related("project").get(pk=run_id)
    if run.status == RunStatus.SUCCEEDED:
        return run  # a redelivered task: the work is done
    report = _reporter(run.pk, echo)
    try:
        begun = _begin(run, report)
        paths, results = pipeline.run_paths(run.pk), []
        for fold in range(begun["k"]):
            report(stage="kfold_model_training", fold=fold + 1, folds=begun["k"], percent=10 + 50 * fold // begun["k"])
            results.append(pipeline.pipeline_fold(paths=paths, fold=fold, params=begun["params"]))
        return _finish(run, begun["params"], results, report)
    except Exception as exc:
        _fail(run, exc)
        raise


def training_run_begin(*, run_id: int) -> int:
    """Celery: prepare the run and fan its folds out as a group across workers; returns k."""
    run = TrainingRun.objects.select_related("project").get(pk=run_id)
    if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
        return 0
    try:
        begun = _begin(run, _reporter(run.pk))
        # Workers elsewhere (their own VAR_DIR) get the prepared inputs from object storage, when there is one.
        run_store.run_inputs_put(run_id=run.pk, paths=pipeline.run_paths(run.pk))
    except Exception as exc:
        _fail(run, exc)
        raise
    from celery import group

    from .tasks import training_finish_task, training_fold_task

    if begun["k"] == 0:
        transaction.on_commit(lambda: training_finish_task.delay(run_id))
    else:
        group(training_fold_task.s(run_id, fold) for fold in range(begun["k"])).apply_async()
    return begun["k"]


def training_fold_execute(*, run_id: int, fold: int, worker: str = "") -> None:
    """Celery: one fold. The last fold to finish (counted under a row lock) queues the finishing stages."""
    run = TrainingRun.objects.select_related("project").get(pk=run_id)
    if run.status != RunStatus.RUNNING:
        return  # the run failed in another fold, or is already done
    paths = pipeline.run_paths(run_id)
    try:
        run_store.run_inputs_get(run_id=run_id, paths=paths)
        result = {**pipeline.pipeline_fold(paths=paths, fold=fold, params=run.params), "worker": worker}
        run_store.fold_output_put(run_id=run_id, paths=paths, fold=fold)
    except Exception as exc:
        _fail(run, exc)
        raise
    with transaction.atomic():
        locked = TrainingRun.objects.select_for_update().get(pk=run_id)
        results = {**locked.kfold.get("results", {}), str(fold): result}
        locked.kfold = {**locked.kfold, "results": results}
        k = locked.kfold["k"]
        locked.progress = {"stage": "kfold_model_training", "fold": len(results), "folds": k,
                           "percent": 10 + 50 * len(results) // k}
        locked.save(update_fields=["kfold", "progress"])
        if len(results) == k and locked.status == RunStatus.RUNNING:
            from .tasks import training_finish_task

            transaction.on_commit(lambda: training_finish_task.delay(run_id))


def training_run_finish(*, run_id: int) -> TrainingRun:
    """Celery: the stages after the folds, once every fold is in."""
    run = TrainingRun.objects.select_related("project").get(pk=run_id)
    if run.status != RunStatus.RUNNING:
        return run
    results = [run.kfold["results"][key] for key in sorted(run.kfold.get("results", {}), key=int)]
    paths = pipeline.run_paths(run_id)
    try:
        run_store.run_inputs_get(run_id=run_id, paths=paths)
        run_store.fold_outputs_get(run_id=run_id, paths=paths, k=len(results))
        finished = _finish(run, run.params, results, _reporter(run.pk))
    except Exception as exc:
        _fail(run, exc)
        raise
    run_store.run_objects_delete(run_id=run_id)
    return finished
