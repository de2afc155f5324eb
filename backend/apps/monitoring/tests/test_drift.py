"""Drift flags on streams predicted by a real trained model: raised on a shifted stream, not on an unshifted one;
raised and cleared once each, audit-logged, the chain intact; retraining queued when the policy asks."""
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.monitoring.models import FlagKind, MonitoringFlag
from apps.monitoring.selectors import monitoring_series
from apps.monitoring.services import monitoring_check, monitoring_policy_update
from apps.training.models import TrainingRun

from .helpers import chain_ok, predict, shifted_texts, unshifted_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(trained_project, users):
    return monitoring_policy_update(project=trained_project, actor=users["engineer"], min_predictions=50)


def shift_kinds(result) -> set[str]:
    return {f.kind for f in result.raised} & {FlagKind.LABEL_SHIFT, FlagKind.INPUT_SHIFT}


def test_unshifted_stream_raises_no_drift_flag(trained_project, users, policy):
    predict(trained_project, unshifted_texts(), users["annotator"])
    result = monitoring_check(project=trained_project)
    assert shift_kinds(result) == set()
    window = monitoring_series(project=trained_project, days=7)["versions"][0]["window"]
    assert window["predictions"] == 180
    assert window["label_shift"]["p_value"] > 0.05 and window["label_shift"]["tvd"] < 0.1
    assert window["input_shift"]["p_value"] > 0.05
    assert chain_ok()


def test_shifted_stream_raises_label_and_input_shift_once(trained_project, users, policy):
    predict(trained_project, shifted_texts(120), users["annotator"])
    result = monitoring_check(project=trained_project)
    assert shift_kinds(result) == {FlagKind.LABEL_SHIFT, FlagKind.INPUT_SHIFT}
    label = next(f for f in result.raised if f.kind == FlagKind.LABEL_SHIFT)
    assert label.value < 0.01 and label.details["tvd"] >= 0.1
    assert next(f for f in result.raised if f.kind == FlagKind.INPUT_SHIFT).value >= 0.25
    events = AuditEvent.objects.filter(action="monitoring.flag_raised", project_slug=trained_project.slug)
    assert sorted(e.details["kind"] for e in events) == ["input_shift", "label_shift"]

    again = monitoring_check(project=trained_project)  # still shifted: the open flags stay, nothing new is logged
    assert again.raised == [] and again.cleared == []
    assert events.count() == 2
    assert chain_ok()


def test_flags_clear_once_when_the_window_moves_past_the_shift(trained_project, users, policy):
    predict(trained_project, shifted_texts(120), users["annotator"])
    raised = monitoring_check(project=trained_project).raised
    later = timezone.now() + timedelta(days=30)
    cleared = monitoring_check(project=trained_project, now=later).cleared
    assert {f.pk for f in cleared} == {f.pk for f in raised}
    assert monitoring_check(project=trained_project, now=later).cleared == []
    assert AuditEvent.objects.filter(action="monitoring.flag_cleared").count() == len(raised)
    assert not MonitoringFlag.objects.filter(cleared_at__isnull=True).exists()
    assert chain_ok()


def test_a_raised_flag_queues_retraining_when_the_policy_says_so(trained_project, users, policy):
    monitoring_policy_update(project=trained_project, actor=users["engineer"], retrain_on_flag=True)
    predict(trained_project, shifted_texts(120), users["annotator"])
    runs_before = TrainingRun.objects.filter(project=trained_project).count()
    result = monitoring_check(project=trained_project)
    assert result.training_run is not None
    assert TrainingRun.objects.filter(project=trained_project).count() == runs_before + 1
    assert TrainingRun.objects.get(pk=result.training_run).trigger == "monitoring"
    assert all(f.training_run_id == result.training_run for f in MonitoringFlag.objects.all())
    event = AuditEvent.objects.filter(action="monitoring.flag_raised").first()
    assert event.details["training_run"] == result.training_run
    assert chain_ok()


def test_no_retraining_without_the_switch(trained_project, users, policy):
    predict(trained_project, shifted_texts(120), users["annotator"])
    runs_before = TrainingRun.objects.filter(project=trained_project).count()
    assert monitoring_check(project=trained_project).training_run is None
    assert TrainingRun.objects.filter(project=trained_project).count() == runs_before
