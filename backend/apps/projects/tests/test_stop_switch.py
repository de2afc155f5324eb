"""The stop button (AI Act Art. 14(4)(e)): a stopped project's model predicts, scores and retrains nothing, with a
503 naming who stopped it and when, until an ML engineer or admin starts it again; both are audited."""
import pytest

from apps.audit.models import AuditEvent
from apps.audit.verify import verify_chain
from apps.core.tests.fixtures import create_project, train_inline
from apps.predictions.models import Prediction
from apps.predictions.scoring import queue_scoring_request
from apps.training.models import TrainingRun
from apps.training.services import training_retrain_if_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(users):
    project = create_project(slug="stoppable", owner=users["engineer"], retrain_min_feedback=1,
                             members=[users["annotator"], users["reviewer"]])
    train_inline(project, users["engineer"])
    return project


def predict(client, text="refund my invoice"):
    return client.post("/api/v1/projects/stoppable/predict/", {"text": text}, format="json")


def test_stopped_means_no_prediction_scoring_or_training_until_started(project, users, client_for):
    engineer, annotator = client_for(users["engineer"]), client_for(users["annotator"])
    assert predict(annotator).status_code == 200
    stopped = engineer.post("/api/v1/projects/stoppable/stop/", {"reason": "drift on invoices"}, format="json")
    assert stopped.status_code == 200 and stopped.json()["stopped"] and stopped.json()["stopped_role"] == "ml_engineer"
    before = Prediction.objects.count()

    refused = predict(annotator)
    assert refused.status_code == 503
    body = refused.json()
    assert "stopped by ml_engineer at" in body["detail"] and "drift on invoices" in body["detail"]
    assert body["stopped_by_role"] == "ml_engineer" and body["stopped_at"]
    assert Prediction.objects.count() == before
    runs = TrainingRun.objects.count()
    assert engineer.post("/api/v1/projects/stoppable/training-runs/", {}, format="json").status_code == 409
    assert training_retrain_if_due(project_id=project.pk) is None
    assert TrainingRun.objects.count() == runs
    project.refresh_from_db()
    assert queue_scoring_request(project=project, trigger="manual", enqueue=False) is None
    assert engineer.get("/api/v1/projects/stoppable/").json()["stopped_at"]

    started = engineer.post("/api/v1/projects/stoppable/start/", {"reason": "reviewed, fine"}, format="json")
    assert started.status_code == 200 and not started.json()["stopped"]
    assert predict(annotator).status_code == 200
    events = AuditEvent.objects.filter(project_slug="stoppable", action__in=["project.stopped", "project.started"])
    assert [(e.action, e.details["reason"]) for e in events.order_by("seq")] == [
        ("project.stopped", "drift on invoices"), ("project.started", "reviewed, fine")]
    assert verify_chain().ok


def test_only_engineers_and_admins_stop_and_start_with_a_reason(project, users, client_for):
    url = "/api/v1/projects/stoppable/stop/"
    for role in ("annotator", "reviewer"):
        assert client_for(users[role]).post(url, {"reason": "x"}, format="json").status_code == 403
    engineer = client_for(users["engineer"])
    assert engineer.post(url, {}, format="json").status_code == 400
    assert engineer.post(url, {"reason": "   "}, format="json").status_code == 400
    assert engineer.post("/api/v1/projects/stoppable/start/", {"reason": "x"}, format="json").status_code == 409
    assert client_for(users["admin"]).post(url, {"reason": "audit"}, format="json").status_code == 200
    again = engineer.post(url, {"reason": "twice"}, format="json")
    assert again.status_code == 409 and "stopped by admin" in again.json()["detail"]
    assert AuditEvent.objects.filter(project_slug="stoppable", action="project.stopped").count() == 1
