"""A run whose worker is killed never stays `running`: its heartbeat stops, the reaper fails it with the reason,
the champion keeps serving, and the killed run's model can no longer become a version. A task that keeps
killing its worker is not redelivered for ever. (The stack test kills a real worker: test_stack_faults.)"""
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.exceptions import Conflict
from apps.training.candidates import candidate_register
from apps.training.heartbeat import RunNotRunnable, training_heartbeat, training_runs_reap
from apps.training.models import ModelVersion, RunStatus, TrainingRun, Trigger
from apps.training.selectors import champion_get
from apps.training.services import training_run_start


def running_run(project, *, heartbeat_age: float) -> TrainingRun:
    run = training_run_start(project=project, trigger=Trigger.MANUAL, enqueue=False)
    now = timezone.now()
    TrainingRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=now - timedelta(hours=1),
                                                 heartbeat_at=now - timedelta(seconds=heartbeat_age),
                                                 progress={"stage": "kfold_model_training", "percent": 30})
    run.refresh_from_db()
    return run


@pytest.mark.django_db
def test_the_reaper_fails_a_run_whose_worker_stopped_beating_and_keeps_the_champion(trained_project, settings):
    settings.TRAINING_STALE_SECONDS = 60
    champion = champion_get(project=trained_project)
    stale = running_run(trained_project, heartbeat_age=61)

    assert training_runs_reap() == [stale.pk]
    stale.refresh_from_db()
    assert stale.status == RunStatus.FAILED and stale.finished_at
    assert "no heartbeat for 6" in stale.error and "kfold_model_training" in stale.error
    assert AuditEvent.objects.filter(action="training.failed", object_id=str(stale.pk)).count() == 1
    assert training_runs_reap() == []  # once
    assert champion_get(project=trained_project) == champion

    # The killed run's pipeline, had it got as far as registering, cannot make a version of it now.
    outcome = {"holdout": {"candidate": {"accuracy": 1.0, "n": 3}}, "kfold": {}, "manifest": {},
               "registered": {"run_id": "r", "registered_model_name": "tickets", "registered_version": 9}}
    with pytest.raises(Conflict):
        candidate_register(run=stale, outcome=outcome, params={})
    assert not ModelVersion.objects.filter(training_run=stale).exists()
    assert champion_get(project=trained_project) == champion


@pytest.mark.django_db
def test_a_run_that_beats_is_left_alone(trained_project, settings):
    settings.TRAINING_STALE_SECONDS = 60
    fresh = running_run(trained_project, heartbeat_age=5)
    assert training_runs_reap() == []
    fresh.refresh_from_db()
    assert fresh.status == RunStatus.RUNNING


@pytest.mark.django_db
def test_a_task_that_keeps_killing_its_worker_fails_the_run_instead_of_looping(trained_project, settings):
    settings.TRAINING_MAX_DELIVERIES = 2
    run = running_run(trained_project, heartbeat_age=0)
    for _ in range(2):
        with training_heartbeat(run.pk, "fold-1"):
            pass  # the worker "died" here each time: the message came back
    with pytest.raises(RunNotRunnable), training_heartbeat(run.pk, "fold-1"):
        pytest.fail("a third delivery must not run")
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "started 3 times" in run.error
    assert run.deliveries == {"fold-1": 3}


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """The beat thread has its own connection: it sees committed rows only (a live test, with names of its own)."""
    from django.db import connection

    with django_db_blocker.unblock():
        yield
        connection.close()


@pytest.mark.live
def test_the_heartbeat_beats_while_the_task_runs(committed, settings):
    from apps.core.tests.fixtures import create_project, make_user

    settings.TRAINING_HEARTBEAT_SECONDS = 0.2
    project = create_project(slug="live-heartbeat", owner=make_user("live-heartbeat-eng", "ml_engineer"))
    run = running_run(project, heartbeat_age=3600)
    with training_heartbeat(run.pk, "begin"):
        first = TrainingRun.objects.get(pk=run.pk).heartbeat_at
        deadline = time.monotonic() + 10
        while TrainingRun.objects.get(pk=run.pk).heartbeat_at == first and time.monotonic() < deadline:
            time.sleep(0.1)
        assert TrainingRun.objects.get(pk=run.pk).heartbeat_at > first
    assert timezone.now() - TrainingRun.objects.get(pk=run.pk).heartbeat_at < timedelta(seconds=10)
