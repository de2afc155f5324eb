import pytest

from apps.audit.models import AuditEvent
from apps.training.models import ModelVersion, TrainingRun

pytestmark = pytest.mark.django_db


def test_start_run_is_202_and_queued_after_commit(project, users, client_for, django_capture_on_commit_callbacks):
    api = client_for(users["engineer"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post("/api/v1/projects/tickets/training-runs/")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["trigger"] == "manual" and body["model_version"] is None
    assert len(callbacks) == 1  # the Celery task is sent only once the run is committed
    assert AuditEvent.objects.filter(action="training.requested", object_id=str(body["id"])).exists()
    second = api.post("/api/v1/projects/tickets/training-runs/")
    assert second.status_code == 409 and second.json()["training_run"] == body["id"]


def test_run_detail_shows_progress_metrics_and_version(trained_project, users, client_for):
    api = client_for(users["auditor"])
    run = TrainingRun.objects.get(project=trained_project)
    body = api.get(f"/api/v1/training-runs/{run.pk}/").json()
    assert body["status"] == "succeeded" and body["progress"]["stage"] == "done"
    assert body["kfold"]["k"] == 2 and len(body["kfold"]["folds"]) == 2
    assert body["model_version"] == {"id": run.model_version.pk, "number": 1, "status": "champion", "outside_envelope": []}
    assert body["mlflow_run_id"]
    assert api.get("/api/v1/projects/tickets/training-runs/").json()["count"] == 1


def test_model_versions_list_metrics_and_registry(trained_project, users, client_for):
    from django.conf import settings

    from ai_models.tracking import get_alias_version

    body = client_for(users["auditor"]).get("/api/v1/projects/tickets/model-versions/").json()
    version = body["results"][0]
    assert version["number"] == 1 and version["status"] == "champion"
    metrics = version["metrics"]
    assert {"accuracy", "f1_macro", "per_class", "confusion_matrix", "kfold"} <= set(metrics)
    assert metrics["confusion_matrix"]["labels"] == trained_project.labels
    assert version["gate"]["decision"] == "promoted"
    assert version["model_card"]["data"]["content_hash"]
    assert get_alias_version(tracking_uri=settings.MLFLOW_TRACKING_URI, name="tickets",
                             alias="champion") == version["registered_version"]
    assert version["mlflow_run_url"] is None  # no MLFLOW_UI_URL: no link to a UI nobody configured


def test_versions_link_their_run_in_the_mlflow_ui(trained_project, users, client_for, settings):
    settings.MLFLOW_UI_URL = "http://mlflow.example:5000"
    version = client_for(users["auditor"]).get("/api/v1/projects/tickets/model-versions/").json()["results"][0]
    assert version["mlflow_run_url"] == f"http://mlflow.example:5000/#/runs/{version['mlflow_run_id']}"


@pytest.mark.parametrize("who", ["annotator", "auditor", "outsider"])
def test_only_engineers_train_and_promote(trained_project, users, client_for, who):
    api = client_for(users[who])
    version = ModelVersion.objects.get(project=trained_project)
    assert api.post("/api/v1/projects/tickets/training-runs/").status_code == 403
    assert api.post(f"/api/v1/model-versions/{version.pk}/promote/", {"reason": "x"}, format="json").status_code == 403
    assert api.post("/api/v1/projects/tickets/rollback/", format="json").status_code == 403
    assert TrainingRun.objects.count() == 1


def test_unknown_ids_404(users, client_for):
    api = client_for(users["admin"])
    assert api.get("/api/v1/training-runs/999999/").status_code == 404
    assert api.post("/api/v1/model-versions/999999/promote/", {}, format="json").status_code == 404
    assert api.post("/api/v1/projects/none/rollback/", {}, format="json").status_code == 404


def test_pagination_limit_is_capped(trained_project, users, client_for):
    api = client_for(users["auditor"])
    body = api.get("/api/v1/projects/tickets/items/?limit=1000").json()
    assert len(body["results"]) == body["count"]  # fewer than the cap here; the cap itself is 1000
    from apps.core.pagination import Pagination

    assert Pagination.max_limit == 1000
    assert api.get("/api/v1/projects/tickets/items/?limit=100000").status_code == 400  # past the cap: refused


def test_oversized_json_body_is_413(project, users, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200
    response = client_for(users["engineer"]).post("/api/v1/projects/tickets/items/",
                                                  {"items": [{"text": "x" * 500}]}, format="json")
    assert response.status_code == 413 and "limit" in response.json()["detail"]
