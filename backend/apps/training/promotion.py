"""The promotion gate, promotion and rollback. Only these functions change which version serves.

A candidate is compared with the champion on the same holdout (the champion is re-evaluated on it);
it passes only if it beats the champion's promotion metric by at least `min_improvement`. A passing
candidate waits for a human when the project requires approval; a failing one is rejected and can be
promoted only explicitly, with a reason. Every switch moves the MLflow alias `champion` as well.

When the project declares an envelope of pre-determined changes (apps.training.envelope, AI Act Annex IV 2(f)), a
candidate outside it (labels, model family, a parameter out of range) is never promoted automatically: the gate
says `outside_envelope` and names what is outside, and only an admin promotes it, with a reason that is logged.
"""
from django.db import transaction
from django.utils import timezone

from apps.accounts.roles import Role, has_any_role
from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError, Conflict
from apps.projects.models import Project

from . import ml
from .envelope import change_envelope_get, envelope_violations
from .models import ModelStatus, ModelVersion, TrainingRun
from .selectors import champion_get, rollback_target


def _metric(metrics: dict, name: str) -> float | None:
    value = metrics.get(name)
    return float(value) if isinstance(value, (int, float)) else None


@transaction.atomic
def promotion_gate_apply(*, model_version: ModelVersion, champion_metrics: dict | None,
                         champion_number: int | None) -> ModelVersion:
    """Decide a new version's fate from the pipeline's evaluate stage, which measured the candidate and the champion
    (`champion_number`) side by side on the same holdout. If another version became champion meanwhile, that
    comparison is void and a human decides (needs_review)."""
    project = Project.objects.select_for_update(no_key=True).get(pk=model_version.project_id)
    champion = champion_get(project=project)
    metric = project.promotion_metric
    envelope = _envelope_check(project, model_version)
    if champion is None:
        model_version.gate = {"decision": "promoted", "reason": "first model: no champion to compare against"}
        if envelope is not None:
            model_version.gate["envelope"] = envelope
            if envelope["outside"]:
                return _hold_outside_envelope(project, model_version)
        model_version.save(update_fields=["gate"])
        return _switch(project=project, new=model_version, actor=None, reason=model_version.gate["reason"])
    reason = None
    if not model_version.metrics.get("n"):
        reason = "no holdout items to compare on"
    elif champion_metrics is None or champion_number != champion.number:
        reason = f"compared with v{champion_number}, but v{champion.number} became champion during training"
    elif _metric(model_version.metrics, metric) is None or _metric(champion_metrics, metric) is None:
        # the evaluation writes a non-finite score (NaN) as null: no number to compare, so a human decides
        reason = f"no finite {metric} for the candidate or the champion to compare"
    if reason:
        model_version.gate = {"decision": "needs_review", "reason": reason, "metric": metric,
                              "champion_version": champion.number, **({"envelope": envelope} if envelope else {})}
        model_version.save(update_fields=["gate"])
        audit_event_record(action="model.gate_decided", project=project, obj=model_version, details=model_version.gate)
        return model_version
    candidate_value, champion_value = _metric(model_version.metrics, metric), _metric(champion_metrics, metric)
    delta = round(candidate_value - champion_value, 6)
    # Beating means strictly better by at least min_improvement; a negative min_improvement tolerates a regression.
    passed = delta >= project.min_improvement and (delta > 0 or project.min_improvement < 0)
    gate = {"metric": metric, "candidate": candidate_value, "champion": champion_value, "delta": delta,
            "min_improvement": project.min_improvement, "champion_version": champion.number,
            "champion_metrics_same_holdout": {k: champion_metrics[k] for k in
                                              ("accuracy", "f1_macro", "map50", "map50_95", "n") if k in champion_metrics},
            "passed": passed}
    if envelope is not None:
        gate["envelope"] = envelope
    if not passed:
        gate["decision"] = "rejected"
        model_version.status = ModelStatus.REJECTED
    elif envelope is not None and envelope["outside"]:
        gate["decision"] = "outside_envelope"
    elif project.require_approval:
        gate["decision"] = "awaiting_approval"
    else:
        gate["decision"] = "promoted"
    model_version.gate = gate
    model_version.save(update_fields=["gate", "status"])
    audit_event_record(action="model.gate_decided", project=project, obj=model_version, details=gate)
    if gate["decision"] == "promoted":
        return _switch(project=project, new=model_version, actor=None, reason="automatic: passed the promotion gate")
    return model_version


def _envelope_check(project: Project, model_version: ModelVersion) -> dict | None:
    """{"outside": [what lies outside the declared envelope]}, or None when the project declares none."""
    envelope = change_envelope_get(project=project)
    if envelope is None:
        return None
    params = TrainingRun.objects.filter(pk=model_version.training_run_id).values_list("params", flat=True).first()
    labels = (model_version.model_card.get("intended_use") or {}).get("labels") or project.labels
    return {"outside": envelope_violations(envelope=envelope, task=project.task, labels=labels, params=params or {})}


def _hold_outside_envelope(project: Project, model_version: ModelVersion) -> ModelVersion:
    model_version.gate = {**model_version.gate, "decision": "outside_envelope"}
    model_version.save(update_fields=["gate"])
    audit_event_record(action="model.gate_decided", project=project, obj=model_version, details=model_version.gate)
    return model_version


def version_outside_envelope(model_version: ModelVersion) -> list[str]:
    """What the gate found outside the project's envelope of pre-determined changes ([] inside or none declared)."""
    return list((model_version.gate.get("envelope") or {}).get("outside") or [])


def _switch(*, project: Project, new: ModelVersion, actor, reason: str, rollback: bool = False) -> ModelVersion:
    """Make `new` the champion (the old one is archived), in the database and in MLflow's alias."""
    old = champion_get(project=project)
    now = timezone.now()
    if old is not None:
        old.status = ModelStatus.ARCHIVED
        old.rolled_back_at = now if rollback else None
        old.save(update_fields=["status", "rolled_back_at"])
    new.status = ModelStatus.CHAMPION
    if not rollback:
        new.promoted_at, new.approved_by, new.promotion_reason, new.rolled_back_at = now, actor, reason, None
    new.save(update_fields=["status", "promoted_at", "approved_by", "promotion_reason", "rolled_back_at"])
    # Inside the transaction: if MLflow refuses, nothing changes in the database either.
    ml.set_champion_alias(name=new.registered_model_name, version=new.registered_version)
    _queue_rescore(project=project, old=old, actor=actor, rollback=rollback)
    details = {"from_version": old.number if old else None, "to_version": new.number,
               "registered_version": new.registered_version, "reason": reason}
    if not rollback and version_outside_envelope(new):
        details["approved_outside_envelope"] = version_outside_envelope(new)
    audit_event_record(action="model.rolled_back" if rollback else "model.promoted", actor=actor, project=project,
                       obj=new, details=details)
    return new


def _queue_rescore(*, project: Project, old: ModelVersion | None, actor, rollback: bool) -> None:
    """The new champion rescores the review queue after commit (a Celery worker), superseding a running job."""
    from apps.predictions.models import ScoringTrigger
    from apps.predictions.scoring import queue_scoring_request_after_commit

    trigger = ScoringTrigger.ROLLBACK if rollback else (ScoringTrigger.PROMOTION if old else ScoringTrigger.FIRST_CHAMPION)
    queue_scoring_request_after_commit(project=project, trigger=trigger, actor=actor)


@transaction.atomic
def model_version_promote(*, model_version: ModelVersion, actor, reason: str = "") -> ModelVersion:
    """A human promotes a version. Overriding the gate (rejected, or never passed) needs a reason."""
    project = Project.objects.select_for_update(no_key=True).get(pk=model_version.project_id)
    model_version = ModelVersion.objects.get(pk=model_version.pk)
    if model_version.status == ModelStatus.CHAMPION:
        raise Conflict(f"Version {model_version.number} is already the champion.")
    champion = champion_get(project=project)
    outside = version_outside_envelope(model_version)
    if outside and not (reason.strip() and has_any_role(actor, frozenset({Role.ADMIN}))):
        raise ApplicationError(f"Version {model_version.number} is outside the project's envelope of pre-determined "
                               f"changes ({'; '.join(outside)}): only an admin can promote it, with a 'reason'.",
                               status=403, extra={"outside_envelope": outside})
    gate_passed = model_version.status == ModelStatus.CANDIDATE and model_version.gate.get("passed") is True
    stale = gate_passed and champion is not None and model_version.gate.get("champion_version") != champion.number
    if not reason.strip():
        if model_version.status != ModelStatus.CANDIDATE or not gate_passed:
            raise ApplicationError(f"Version {model_version.number} is {model_version.status} "
                                   f"(gate: {model_version.gate.get('decision', 'none')}); promoting it needs a 'reason'.")
        if stale:
            compared = model_version.gate["champion_version"]
            raise ApplicationError(f"Version {model_version.number} was compared with v{compared}, but v{champion.number} "
                                   "serves now; promoting it needs a 'reason' (or retrain).")
    return _switch(project=project, new=model_version, actor=actor,
                   reason=reason.strip() or "approved: passed the promotion gate")


@transaction.atomic
def model_version_rollback(*, project: Project, actor, reason: str = "") -> ModelVersion:
    """Serve the previous champion again; the current one is archived and marked rolled back."""
    project = Project.objects.select_for_update(no_key=True).get(pk=project.pk)
    champion = champion_get(project=project)
    if champion is None:
        raise Conflict(f"Project {project.slug!r} has no champion to roll back.")
    target = rollback_target(project=project, champion=champion)
    if target is None:
        raise Conflict(f"Version {champion.number} is the first champion of {project.slug!r}: nothing to roll back to.")
    return _switch(project=project, new=target, actor=actor, reason=reason.strip() or "rollback", rollback=True)


@transaction.atomic
def model_version_reject(*, model_version: ModelVersion, actor, reason: str) -> ModelVersion:
    """A human turns a candidate down (AI Act Art. 14: the gate advises, people decide). It never serves unless
    promoted later, explicitly and with a reason; the gate's own comparison is kept as it was."""
    Project.objects.select_for_update(no_key=True).get(pk=model_version.project_id)
    model_version = ModelVersion.objects.get(pk=model_version.pk)
    if model_version.status != ModelStatus.CANDIDATE:
        raise Conflict(f"Version {model_version.number} is {model_version.status}; only a candidate can be rejected.")
    if not reason.strip():
        raise ApplicationError("Rejecting a candidate needs a 'reason'.")
    model_version.status = ModelStatus.REJECTED
    model_version.gate = {**model_version.gate, "decision": "rejected_by_human", "rejected_reason": reason.strip()}
    model_version.save(update_fields=["status", "gate"])
    audit_event_record(action="model.rejected", actor=actor, project=model_version.project, obj=model_version,
                       details={"version": model_version.number, "reason": reason.strip()})
    return model_version
