"""The ways a check starts: the Celery tasks (run in-process here) and `manage.py monitor_check`."""
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.audit.models import AuditEvent
from apps.monitoring.services import monitoring_policy_update
from apps.monitoring.tasks import monitoring_check_all_task, monitoring_check_task

from .helpers import chain_ok, predict, shifted_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def shifted(trained_project, users):
    monitoring_policy_update(project=trained_project, actor=users["engineer"], min_predictions=50)
    predict(trained_project, shifted_texts(120), users["annotator"])
    return trained_project


def test_the_command_raises_and_reports_flags_once(shifted):
    out = StringIO()
    call_command("monitor_check", "--project", shifted.slug, stdout=out)
    (line,) = out.getvalue().splitlines()
    report = json.loads(line)
    assert report["project"] == shifted.slug
    assert {flag["kind"] for flag in report["raised"]} == {"label_shift", "input_shift"}
    out = StringIO()
    call_command("monitor_check", stdout=out)  # every project with a model version: the same one, nothing new
    assert [json.loads(line)["raised"] for line in out.getvalue().splitlines()] == [[]]
    assert AuditEvent.objects.filter(action="monitoring.flag_raised").count() == 2
    assert chain_ok()


def test_the_command_refuses_an_unknown_project(db):
    with pytest.raises(CommandError, match="No project"):
        call_command("monitor_check", "--project", "nope")


def test_the_task_checks_one_project(shifted):
    result = monitoring_check_task(shifted.pk)
    assert result["project"] == shifted.slug and len(result["raised"]) == 2
    assert monitoring_check_task(10**9) == {"project": 10**9, "skipped": "no such project"}


def test_check_all_sends_one_check_per_project_with_a_model(shifted, users):
    from apps.core.tests.fixtures import create_project

    create_project(slug="untrained", owner=users["engineer"])
    assert monitoring_check_all_task() == [shifted.pk]  # sent to the real broker (Redis) for a worker
