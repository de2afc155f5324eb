"""The learning curve (promotion metric against human answers) and model cards as downloads."""
import json

import pytest

from apps.core.tests.fixtures import train_inline
from apps.feedback.services import feedback_submit
from apps.predictions.services import predictions_create
from apps.training.models import ModelVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(trained_project, users):
    _, predictions = predictions_create(project=trained_project, inputs=[
        {"text": "my invoice shows a double charge"}, {"text": "the app crashes at login"},
        {"text": "courier lost the parcel"}], actor=users["annotator"])
    for prediction, label in zip(predictions, ["billing", "technical", "shipping"], strict=True):
        feedback_submit(prediction=prediction, annotator=users["annotator"], verdict="correct", label=label,
                        allow_auto_retrain=False)
    train_inline(trained_project, users["engineer"])
    return trained_project


def test_learning_curve_pairs_the_metric_with_human_answers(two_versions, users, client_for):
    response = client_for(users["auditor"]).get("/api/v1/projects/tickets/learning-curve/")
    assert response.status_code == 200
    body = response.json()
    assert body["metric"] == two_versions.promotion_metric
    versions = {v.number: v for v in ModelVersion.objects.filter(project=two_versions)}
    assert [p["number"] for p in body["points"]] == [1, 2]
    assert [p["human_answers"] for p in body["points"]] == [0, 3]
    for point in body["points"]:
        version = versions[point["number"]]
        assert point["version_id"] == version.pk and point["status"] == version.status
        assert point["value"] == version.metrics[body["metric"]] and point["created_at"]
    assert client_for(users["outsider"]).get("/api/v1/projects/tickets/learning-curve/").status_code == 403


def test_learning_curve_of_a_project_without_versions_is_empty(project, users, client_for):
    body = client_for(users["annotator"]).get("/api/v1/projects/tickets/learning-curve/").json()
    assert body == {"metric": project.promotion_metric, "points": []}


def test_model_card_downloads_as_markdown_and_json(trained_project, users, client_for):
    version = ModelVersion.objects.get(project=trained_project)
    api = client_for(users["auditor"])
    md = api.get(f"/api/v1/model-versions/{version.pk}/model-card/?format=md")
    assert md.status_code == 200 and md["Content-Type"].startswith("text/markdown")
    assert md["Content-Disposition"] == 'attachment; filename="tickets-v1-model-card.md"'
    text = md.content.decode()
    for heading in ("# Model card: tickets v1", "## Model", "## Intended use", "## Data", "## Training",
                    "## Evaluation", "### Per class", "## Limitations", "## Human oversight", "Status: **champion**"):
        assert heading in text, heading
    assert "| label | precision | recall | f1 | support |" in text
    for label in trained_project.labels:
        assert f"| {label} | " in text
    assert "2-fold cross-validation" in text
    assert api.get(f"/api/v1/model-versions/{version.pk}/model-card/").content == md.content  # md is the default

    js = api.get(f"/api/v1/model-versions/{version.pk}/model-card/?format=json")
    assert js.status_code == 200 and js["Content-Type"] == "application/json"
    assert js["Content-Disposition"] == 'attachment; filename="tickets-v1-model-card.json"'
    card = json.loads(js.content)
    assert card["model"]["version"] == 1 and card["evaluation"]["per_class"] == version.metrics["per_class"]
    assert card["lifecycle"]["status"] == "champion" and card["lifecycle"]["gate"]["decision"] == "promoted"


def test_model_card_refusals(trained_project, users, client_for):
    version = ModelVersion.objects.get(project=trained_project)
    bad = client_for(users["auditor"]).get(f"/api/v1/model-versions/{version.pk}/model-card/?format=pdf")
    assert bad.status_code == 400 and "md, html or json" in bad.json()["detail"]
    assert client_for(users["outsider"]).get(f"/api/v1/model-versions/{version.pk}/model-card/").status_code == 403
    assert client_for(users["admin"]).get("/api/v1/model-versions/999999/model-card/").status_code == 404
