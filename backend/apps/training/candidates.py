"""candidate_register: turn a registered pipeline model into a ModelVersion and put it before the promotion gate.

Shared by the platform's retraining and `manage.py propose_candidate` (the DVC pipeline's register stage).
"""
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_event_record
from apps.core.exceptions import Conflict
from apps.projects.models import Project

from .integrity import artifact_sha256_record
from .model_card import model_card_build
from .models import ModelVersion, RunStatus, TrainingRun
from .promotion import promotion_gate_apply


@transaction.atomic
def candidate_register(*, run: TrainingRun, outcome: dict, params: dict) -> ModelVersion:
    """`outcome`: {"kfold", "holdout" (evaluate stage: candidate and champion side by side), "registered", "manifest"}."""
    # The project's row lock first, as every other writer of its policies and versions takes it (project_update,
    # the gate, promotion): inserting the version fires the serving-generation trigger and the audit append takes the
    # chain's lock, and taking those before the project's lock could deadlock with a settings change (P→G→A there).
    project = Project.objects.select_for_update(no_key=True).get(pk=run.project_id)
    current = TrainingRun.objects.select_for_update().get(pk=run.pk)
    if current.status != RunStatus.RUNNING:
        # Failed meanwhile (the reaper saw its worker stop beating) or already registered by an earlier delivery:
        # no version, so nothing half-registered reaches the gate. The MLflow version stays without an alias.
        raise Conflict(f"Training run {run.pk} is {current.status}; its model is not registered as a version.")
    holdout, registered, manifest = outcome["holdout"], outcome["registered"], outcome["manifest"]
    candidate = holdout["candidate"]
    number = (ModelVersion.objects.filter(project=project).order_by("-number").values_list("number", flat=True)
              .first() or 0) + 1
    version = ModelVersion.objects.create(
        project=project, number=number, training_run=run, metrics={**candidate, "kfold": outcome["kfold"]},
        mlflow_run_id=registered["run_id"], registered_model_name=registered["registered_model_name"],
        registered_version=int(registered["registered_version"]))
    artifact_sha256_record(model_version=version)  # the registry's bytes, before anything can serve them
    version.model_card = model_card_build(model_version=version, manifest=manifest, params=params)
    version.save(update_fields=["model_card"])
    TrainingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.SUCCEEDED, finished_at=timezone.now(), kfold=outcome["kfold"], params=params,
        mlflow_run_id=registered["run_id"], dataset_version_id=manifest.get("dataset_version"),
        progress={"stage": "done", "percent": 100})
    audit_event_record(action="training.finished", project=project, obj=run,
                       details={"model_version": number, "mlflow_run_id": registered["run_id"],
                                "registered_version": version.registered_version,
                                "artifact_sha256": version.artifact_sha256,
                                "dataset_hash": manifest.get("content_hash"),
                                "holdout": {k: candidate.get(k) for k in ("accuracy", "f1_macro", "map50", "map50_95")
                                            if k in candidate}})
    champion = manifest.get("champion") or {}
    return promotion_gate_apply(model_version=version, champion_metrics=holdout.get("champion"),
                                champion_number=champion.get("number"))
