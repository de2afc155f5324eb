"""Log retention (AI Act Art. 19, 26(6)) at a given ("frozen") time: prediction logs past a project's
log_retention_days go in bounded batches, answered and contested ones stay; anything within the floor is refused
and the refusal recorded; the project setting cannot go below the floor; the chain verifies after each."""
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.core.exceptions import ApplicationError
from apps.feedback.contests import contest_open
from apps.feedback.services import feedback_submit
from apps.items.models import Item
from apps.predictions.models import Prediction
from apps.privacy.log_retention import predictions_purge, predictions_purge_report
from apps.privacy.tasks import logs_purge_task
from apps.projects.admin import ProcessingRecordForm
from apps.projects.models import Project
from apps.projects.services import project_update

pytestmark = pytest.mark.django_db
TEXTS = ["Hilde Marrow's invoice is wrong", "my parcel never came", "please close my account", "a new question",
         "a second new question"]


@pytest.fixture
def logged(trained_project, users, client_for):
    """Five predictions: three 400 days old (one answered, one contested), one 200 days old, one new."""
    response = client_for(users["annotator"]).post("/api/v1/projects/tickets/predict/", {
        "inputs": [{"text": t} for t in TEXTS]}, format="json")
    assert response.status_code == 200
    now = timezone.now()
    rows = list(Prediction.objects.filter(project=trained_project, item__text__in=TEXTS).order_by("pk"))
    ages = [400, 400, 400, 200, 0]
    for row, days in zip(rows, ages, strict=True):
        Prediction.objects.filter(pk=row.pk).update(created_at=now - timedelta(days=days))
    feedback_submit(prediction=rows[1], annotator=users["annotator"], verdict="accept", allow_auto_retrain=False)
    contest_open(prediction=rows[2], actor=users["reviewer"], reason="the customer objects")
    return trained_project, now, rows


def test_the_project_setting_cannot_go_below_the_floor(project, users, client_for):
    client = client_for(users["engineer"])
    url = f"/api/v1/projects/{project.slug}/"
    refused = client.patch(url, {"log_retention_days": 30}, format="json")
    assert refused.status_code == 400 and "at least 183" in str(refused.json())
    assert Project.objects.get(pk=project.pk).log_retention_days is None
    assert client.patch(url, {"log_retention_days": 365}, format="json").json()["log_retention_days"] == 365
    assert AuditEvent.objects.filter(action="project.updated",
                                     details__log_retention_days__after=365).exists()
    assert client.patch(url, {"log_retention_days": None}, format="json").json()["log_retention_days"] is None
    form = ProcessingRecordForm(data={"log_retention_days": 10}, instance=project)
    assert not form.is_valid() and "at least 183" in str(form.errors["log_retention_days"])


def test_logs_past_retention_go_in_batches_and_answered_ones_stay(logged, users):
    project, now, rows = logged
    project = project_update(project=project, actor=users["engineer"], log_retention_days=365)
    assert rows[0].item.latest_prediction_id == rows[0].pk
    report = predictions_purge_report(now=now, project=project)
    assert (report[0]["predictions"], report[0]["kept_answered"]) == (1, 2), report
    assert Prediction.objects.filter(pk=rows[0].pk).exists()  # the dry run changed nothing
    before = Prediction.objects.filter(project=project).count()
    batches = predictions_purge(now=now, batch=2)
    deleted = sum(b.deleted for b in batches)
    assert deleted == report[0]["predictions"] and len(batches) >= 2 and all(b.deleted + b.kept_answered <= 2
                                                                               for b in batches)
    assert Prediction.objects.filter(project=project).count() == before - deleted
    assert not Prediction.objects.filter(pk=rows[0].pk).exists()
    assert Item.objects.get(pk=rows[0].item_id).latest_prediction_id is None
    assert set(Prediction.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True)) == {
        r.pk for r in rows[1:]}  # answered, contested, within retention, new
    events = AuditEvent.objects.filter(action="logs.predictions_purged", project_slug=project.slug)
    assert sum(e.details["deleted"] for e in events) == deleted
    assert all(e.details["log_retention_days"] == 365 for e in events)
    assert not any("Hilde" in str(e.details) for e in AuditEvent.objects.all())
    assert sum(b.deleted for b in predictions_purge(now=now)) == 0  # nothing left to purge
    assert audit_chain_verify().ok


def test_a_purge_within_the_floor_is_refused_and_the_refusal_recorded(logged):
    project, now, rows = logged
    count = Prediction.objects.count()
    with pytest.raises(ApplicationError) as refused:
        predictions_purge(now=now, project=project, before=now - timedelta(days=100))
    assert refused.value.status == 403 and "floor" in refused.value.message
    with pytest.raises(CommandError, match="retention floor"):
        call_command("logs_purge", "--project", project.slug, "--before", (now - timedelta(days=30)).date().isoformat())
    assert Prediction.objects.count() == count
    refusals = AuditEvent.objects.filter(action="logs.purge_refused")
    assert refusals.count() == 2 and refusals.first().details["floor_days"] == settings.LOG_RETENTION_FLOOR_DAYS
    assert audit_chain_verify().ok


def test_an_explicit_cut_off_past_the_floor_purges_and_is_recorded(logged):
    project, now, rows = logged
    out = StringIO()
    call_command("logs_purge", "--project", project.slug, "--before", (now - timedelta(days=300)).isoformat(),
                 stdout=out)
    assert "kept 2 that people answered or contested" in out.getvalue()
    assert not Prediction.objects.filter(pk=rows[0].pk).exists() and Prediction.objects.filter(pk=rows[3].pk).exists()
    assert AuditEvent.objects.filter(action="logs.predictions_purged").exists()
    assert audit_chain_verify().ok


def test_a_stored_retention_below_a_raised_floor_is_purged_at_the_floor(logged, settings):
    project, now, rows = logged
    Project.objects.filter(pk=project.pk).update(log_retention_days=190)
    settings.LOG_RETENTION_FLOOR_DAYS = 250  # raised since: the 200-day-old log stays
    predictions_purge(now=now)
    assert not Prediction.objects.filter(pk=rows[0].pk).exists() and Prediction.objects.filter(pk=rows[3].pk).exists()


def test_the_daily_beat_task_purges_and_keeps_projects_without_a_setting(logged, users):
    project, now, rows = logged
    assert settings.CELERY_BEAT_SCHEDULE["privacy-logs-purge"]["task"] == "privacy.logs_purge"
    assert logs_purge_task() == 0  # no log_retention_days: kept for good
    project_update(project=project, actor=users["engineer"], log_retention_days=183)
    assert logs_purge_task() == 2  # 400 and 200 days old; the answered and contested stay, and the new one
    assert set(Prediction.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True)) == {
        rows[1].pk, rows[2].pk, rows[4].pk}


def test_the_command_lists_in_a_dry_run_and_refuses_a_bad_date(logged, users):
    project, now, rows = logged
    project_update(project=project, actor=users["engineer"], log_retention_days=365)
    out = StringIO()
    call_command("logs_purge", "--dry-run", stdout=out)
    assert '"predictions": 1, "kept_answered": 2' in out.getvalue()
    assert Prediction.objects.filter(pk=rows[0].pk).exists()
    with pytest.raises(CommandError, match="not an ISO 8601 date or date-time"):
        call_command("logs_purge", "--before", "yesterday")
    with pytest.raises(CommandError, match="--audit needs --before"):
        call_command("logs_purge", "--audit")


@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="the database-level floor is a PostgreSQL trigger (predictions.0008)")
def test_the_database_refuses_to_delete_a_log_within_the_floor(logged):
    from django.db import DatabaseError, connection, transaction

    _project, _now, rows = logged
    young = rows[4]  # made now; rows[3] is 200 days old, past the 183-day floor
    Item.objects.filter(latest_prediction=young).update(latest_prediction=None)
    with (pytest.raises(DatabaseError, match="retention floor of 183 days"), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute("DELETE FROM predictions_prediction WHERE id = %s", [young.pk])
    Item.objects.filter(latest_prediction__in=[rows[3]]).update(latest_prediction=None)
    with connection.cursor() as cursor:  # past the floor: a database administrator may delete it
        cursor.execute("DELETE FROM predictions_prediction WHERE id = %s", [rows[3].pk])
    assert not Prediction.objects.filter(pk=rows[3].pk).exists() and Prediction.objects.filter(pk=rows[4].pk).exists()
