"""Monitoring writes: a project's thresholds, and the check that raises and clears flags (AI Act Art. 72).

The check reads the series of the policy's window (selectors.monitoring_series) and compares each model version's
window totals with the thresholds. A flag is raised once (one open flag per version and kind) and cleared once, each
with its audit event in the same transaction; a raised flag can queue a retraining run when the policy says so.
"""
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError, Conflict
from apps.projects.models import Project
from apps.training.models import ModelVersion, Trigger

from .models import FlagKind, MonitoringFlag, MonitoringPolicy
from .selectors import MAX_WINDOW_DAYS, monitoring_flags_open, monitoring_policy_get, monitoring_series

POLICY_FIELDS = ("window_days", "min_predictions", "min_answers", "max_correction_rate", "max_disagreement_rate",
                 "confident_threshold", "shift_p_value", "label_shift_min_distance", "input_psi_threshold",
                 "retrain_on_flag")
_RATES = ("max_correction_rate", "max_disagreement_rate", "confident_threshold", "shift_p_value",
          "label_shift_min_distance")
RETRAIN_TRIGGER = Trigger.MONITORING  # a run a flag queues says so; the flag and its audit event name the run


@transaction.atomic
def monitoring_policy_update(*, project: Project, actor, **changes) -> MonitoringPolicy:
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown monitoring setting(s): {', '.join(sorted(unknown))}.")
    for name in _RATES:
        if name in changes and not 0 <= changes[name] <= 1:
            raise ApplicationError(f"{name} must be between 0 and 1.")
    if "window_days" in changes and not 1 <= changes["window_days"] <= MAX_WINDOW_DAYS:
        raise ApplicationError(f"window_days must be between 1 and {MAX_WINDOW_DAYS}.")
    if "input_psi_threshold" in changes and changes["input_psi_threshold"] <= 0:
        raise ApplicationError("input_psi_threshold must be positive.")
    policy = monitoring_policy_get(project=project)
    # Only what changes is written and audited: a form sending a value unchanged leaves no event saying it moved.
    changed = {name: value for name, value in changes.items() if getattr(policy, name) != value}
    if not changed:
        return policy
    before = {name: getattr(policy, name) for name in changed}
    for name, value in changed.items():
        setattr(policy, name, value)
    policy.updated_by = actor
    policy.save()
    audit_event_record(action="monitoring.policy_updated", actor=actor, project=project, obj=policy,
                       details={"before": before, "after": changed})
    return policy


@dataclass(frozen=True)
class Breach:
    kind: str
    value: float
    threshold: float
    details: dict


def _breaches(window: dict, policy: MonitoringPolicy) -> dict[str, Breach]:
    """The thresholds one version's window totals cross; a kind without enough data in the window crosses none."""
    found = {}
    if window["answers"] >= max(policy.min_answers, 1):
        for kind, rate, limit in ((FlagKind.CORRECTION_RATE, window["correction_rate"], policy.max_correction_rate),
                                  (FlagKind.DISAGREEMENT_RATE, window["disagreement_rate"], policy.max_disagreement_rate)):
            if rate > limit:
                found[kind] = Breach(kind, rate, limit, {"answers": window["answers"]})
    if window["predictions"] >= policy.min_predictions:
        shift = window["label_shift"]
        if (shift is not None and shift["p_value"] < policy.shift_p_value
                and shift["tvd"] >= policy.label_shift_min_distance):
            found[FlagKind.LABEL_SHIFT] = Breach(FlagKind.LABEL_SHIFT, shift["p_value"], policy.shift_p_value,
                                                 {**shift, "min_distance": policy.label_shift_min_distance})
        drift = window["input_shift"]
        if (drift is not None and drift["p_value"] < policy.shift_p_value
                and drift["psi"] >= policy.input_psi_threshold):
            found[FlagKind.INPUT_SHIFT] = Breach(FlagKind.INPUT_SHIFT, drift["psi"], policy.input_psi_threshold, drift)
    return found


@dataclass(frozen=True)
class CheckResult:
    raised: list[MonitoringFlag]
    cleared: list[MonitoringFlag]
    training_run: int | None


@transaction.atomic
def monitoring_check(*, project: Project, now=None) -> CheckResult:
    """Raise a flag for each threshold a version crosses over the policy's window; clear open flags that no longer
    hold (or that the window no longer has enough data to judge). Concurrent checks of one project are serialised."""
    Project.objects.select_for_update(no_key=True).filter(pk=project.pk).first()
    policy = monitoring_policy_get(project=project)
    data = monitoring_series(project=project, days=policy.window_days, until=now)
    window = {"since": data["since"].isoformat(), "until": data["until"].isoformat()}
    open_flags = {(f.model_version_id, f.kind): f for f in monitoring_flags_open(project=project)
                                                              .select_for_update(of=("self",))}
    breaches: dict[tuple[int, str], Breach] = {}
    for version in data["versions"]:
        found = _breaches(version["window"], policy)
        breaches.update({(version["id"], kind): breach for kind, breach in found.items()})
    raised, cleared = [], []
    for key, breach in breaches.items():
        if key in open_flags:
            continue
        flag = MonitoringFlag.objects.create(project=project, model_version_id=key[0], kind=breach.kind,
                                             value=breach.value, threshold=breach.threshold,
                                             details={**breach.details, "window": window})
        raised.append(flag)
    stamp = timezone.now()
    for key, flag in open_flags.items():
        if key not in breaches:
            flag.cleared_at, flag.clear_reason = stamp, "within the threshold or too little data in the window"
            flag.save(update_fields=["cleared_at", "clear_reason"])
            cleared.append(flag)
    run = _retrain(project, policy, raised)
    numbers = dict(ModelVersion.objects.filter(pk__in={f.model_version_id for f in raised + cleared})
                   .values_list("pk", "number"))
    for flag in raised:
        audit_event_record(action="monitoring.flag_raised", project=project, obj=flag,
                           details={"kind": flag.kind, "model_version": numbers[flag.model_version_id],
                                    "value": flag.value, "threshold": flag.threshold, "window": window,
                                    "training_run": run.pk if run else None})
    for flag in cleared:
        audit_event_record(action="monitoring.flag_cleared", project=project, obj=flag,
                           details={"kind": flag.kind, "model_version": numbers[flag.model_version_id],
                                    "raised_at": flag.raised_at.isoformat(), "reason": flag.clear_reason})
    return CheckResult(raised=raised, cleared=cleared, training_run=run.pk if run else None)


def _retrain(project: Project, policy: MonitoringPolicy, raised: list[MonitoringFlag]):
    """Queue one training run for the newly raised flags if the policy asks; none while a run is active."""
    if not raised or not policy.retrain_on_flag or project.stopped_at is not None:
        return None  # a stopped project retrains nothing (apps.projects.oversight); its flags still stand
    from apps.training.services import training_run_start

    try:
        with transaction.atomic():  # a refused start (409) rolls back only itself
            run = training_run_start(project=project, trigger=RETRAIN_TRIGGER)
    except Conflict:
        return None
    MonitoringFlag.objects.filter(pk__in=[f.pk for f in raised]).update(training_run=run)
    for flag in raised:
        flag.training_run = run
    return run
