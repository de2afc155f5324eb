"""Monitoring reads: a project's policy, its open flags, and the series per model version (series.py counts, stats.py
tests). The check (services.monitoring_check) and the API read the same series, so a flag always matches what the
API shows for the policy's window."""
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from apps.training.models import ModelVersion

from . import series
from .models import MonitoringFlag, MonitoringPolicy
from .reference import feature_name, reference_profile_get
from .stats import input_shift, label_shift, quantiles_from_histogram

MAX_WINDOW_DAYS = 366


def monitoring_policy_get(*, project) -> MonitoringPolicy:
    """The project's thresholds: its stored row, or an unsaved one holding the defaults."""
    return MonitoringPolicy.objects.filter(project=project).first() or MonitoringPolicy(project=project)


def monitoring_flags_open(*, project):
    return (MonitoringFlag.objects.filter(project=project, cleared_at__isnull=True)
            .select_related("model_version", "training_run").order_by("raised_at", "id"))


def monitoring_flags_recent(*, project, since: datetime):
    """Flags open now or cleared since `since`, newest first."""
    return (MonitoringFlag.objects.filter(project=project).exclude(cleared_at__lt=since)
            .select_related("model_version").order_by("-raised_at", "-id"))


def window_bounds(*, days: int, until: datetime | None = None) -> tuple[datetime, datetime]:
    """The last `days` UTC calendar days, today included: [midnight days-1 days ago, now)."""
    until = until or timezone.now()
    start_day = until.astimezone(UTC).date() - timedelta(days=days - 1)
    since = datetime.combine(start_day, time.min, tzinfo=UTC)
    return since, until


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _metrics(counts: series.Counts, profile, *, full: bool) -> dict:
    out = {"predictions": counts.predictions,
           "confidence": {**quantiles_from_histogram(counts.confidence),
                          **({"histogram": counts.confidence} if full else {})},
           "answers": counts.answers, "corrections": counts.corrections,
           "correction_rate": _rate(counts.corrections, counts.answers),
           "disagreements": counts.disagreements, "disagreement_rate": _rate(counts.disagreements, counts.answers)}
    shift = label_shift(counts.labels, profile.label_counts) if profile and counts.predictions else None
    drift = input_shift(counts.feature_bins, profile.counts) if profile and counts.feature_bins else None
    if full:
        out["labels"] = dict(sorted(counts.labels.items()))
        out["label_shift"] = shift
        out["input_shift"] = None if drift is None else {
            "feature": profile.feature, "test": "population stability index; chi-square homogeneity", **drift,
            "edges": profile.edges, "current": counts.feature_bins, "reference": profile.counts}
    else:
        out["label_shift"] = None if shift is None else {"p_value": shift["p_value"], "tvd": shift["tvd"]}
        out["input_shift"] = None if drift is None else {"psi": drift["psi"], "p_value": drift["p_value"]}
    return out


def monitoring_series(*, project, days: int, until: datetime | None = None, version_numbers=None) -> dict:
    """Per model version that predicted or was answered in the window: daily metrics and the window's totals with
    the shift tests against the version's training data (dataset version of its training run)."""
    since, until = window_bounds(days=days, until=until)
    version_ids = None
    if version_numbers is not None:
        version_ids = list(ModelVersion.objects.filter(project=project, number__in=version_numbers)
                           .values_list("pk", flat=True))
    table: series.Table = defaultdict(lambda: defaultdict(series.Counts))
    predictions = series.predictions_in(project=project, since=since, until=until, version_ids=version_ids)
    series.count_predictions(table, project=project, predictions=predictions, since=since, until=until,
                             version_ids=version_ids)
    policy = monitoring_policy_get(project=project)
    series.count_answers(table, project=project, since=since, until=until, confident=policy.confident_threshold,
                         version_ids=version_ids)
    versions = (ModelVersion.objects.filter(pk__in=list(table)).select_related("training_run__dataset_version")
                .order_by("number"))
    out = []
    for version in versions:
        dataset = version.training_run.dataset_version
        profile = reference_profile_get(dataset_version=dataset, task=project.task) if dataset else None
        if profile is not None and table[version.pk]:
            series.count_feature_bins(table, project=project, predictions=predictions, version_id=version.pk,
                                      edges=profile.edges)
        totals = series.Counts()
        for counts in table[version.pk].values():
            totals.add(counts)
        out.append({"id": version.pk, "number": version.number, "status": version.status,
                    "dataset_version": dataset.pk if dataset else None,
                    "reference": None if profile is None else {"feature": profile.feature,
                                                               "labels": profile.label_counts},
                    "window": _metrics(totals, profile, full=True),
                    "days": [{"date": day.isoformat(), **_metrics(counts, profile, full=False)}
                             for day, counts in sorted(table[version.pk].items())]})
    return {"since": since, "until": until, "days": days, "feature": feature_name(project.task),
            "confident_threshold": policy.confident_threshold, "versions": out}
