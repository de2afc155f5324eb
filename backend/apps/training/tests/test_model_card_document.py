"""The model card of a real trained version as an Annex IV document (Markdown, HTML, JSON), and of a version
registered before the card recorded everything."""
import json

import pytest

from apps.feedback.services import feedback_submit
from apps.items.models import Item
from apps.predictions.services import predictions_create
from apps.training.model_card import model_card_build
from apps.training.model_card_render import model_card_markdown
from apps.training.models import ModelVersion, Trigger
from apps.training.services import training_run_execute, training_run_start

pytestmark = pytest.mark.django_db
PURPOSE = "<script>alert('x')</script> & route tickets"


@pytest.fixture
def second_version(trained_project, users):
    """v2 trained with C=2 after three corrections and one accepted prediction, promoted by a person with a reason."""
    _, predictions = predictions_create(project=trained_project, inputs=[
        {"text": "my invoice shows a double charge"}, {"text": "the app crashes at login"},
        {"text": "courier lost the parcel"}], actor=users["annotator"])
    for prediction, label in zip(predictions, ["billing", "technical", "shipping"], strict=True):
        feedback_submit(prediction=prediction, annotator=users["annotator"], verdict="correct", label=label,
                        allow_auto_retrain=False)
    pool_item = Item.objects.filter(project=trained_project, split="pool", source="import").first()
    _, (accepted,) = predictions_create(project=trained_project, inputs=[{"item_id": pool_item.pk}],
                                        actor=users["annotator"])
    feedback_submit(prediction=accepted, annotator=users["annotator"], verdict="accept", allow_auto_retrain=False)
    trained_project.purpose = PURPOSE
    trained_project.save(update_fields=["purpose"])
    run = training_run_start(project=trained_project, trigger=Trigger.MANUAL, actor=users["engineer"], enqueue=False,
                             overrides={"C": 2.0})
    return training_run_execute(run_id=run.pk).model_version


def _card(client_for, user, version, fmt):
    return client_for(user).get(f"/api/v1/model-versions/{version.pk}/model-card/?format={fmt}")


def test_the_card_of_a_real_version_documents_data_metrics_changes_and_approval(second_version, users, client_for):
    version = second_version
    promote = client_for(users["engineer"]).post(f"/api/v1/model-versions/{version.pk}/promote/",
                                                 {"reason": "reviewed the card"}, format="json")
    assert promote.status_code == 200, promote.content
    version.refresh_from_db()
    dataset = version.training_run.dataset_version
    total = dataset.counts["total"]

    card = json.loads(_card(client_for, users["auditor"], version, "json").content)
    assert card["data"]["provenance"] == {"imported": total - 4, "human_corrected": 3, "accepted_as_is": 1,
                                          "reviewed": 0, "labelled": 0}
    assert card["data"]["sources"] == {"import": total - 3, "predict": 3}
    assert card["evaluation"]["confusion_matrix"] == version.metrics["confusion_matrix"]
    matrix = version.metrics["confusion_matrix"]["matrix"]
    assert sum(map(sum, matrix)) == version.metrics["n"] == dataset.holdout_size
    assert card["integrity"]["artifact_sha256"] == version.artifact_sha256 == card["model"]["artifact_sha256"]
    assert card["changes"]["previous_version"] == 1
    assert {"parameter": "text_classification.C", "previous": 4.0, "this": 2.0} in card["changes"]["params"]
    assert card["changes"]["data"]["items_added"] == 3  # the three predicted texts became training items
    assert [d["action"] for d in card["decisions"]][-1] == "model.promoted"

    response = _card(client_for, users["auditor"], version, "md")
    md = response.content.decode()
    for heading in ("# Model card: tickets v2", "## Model", "## Intended use", "## Data", "### Sources",
                    "### Labelling procedure", "### Provenance of training labels", "## Training", "### Parameters",
                    "2-fold cross-validation", "## Evaluation", "### Per class", "### Confusion matrix",
                    "## Changes since the previous version", "## Promotion gate", "## Approval", "## Lineage",
                    "## Limitations", "## Human oversight"):
        assert heading in md, heading
    assert f"| corrected by a person | 3 | {300 / total:.1f}% |" in md
    assert "| prediction accepted as is | 1 |" in md and f"| imported label | {total - 4} |" in md
    for label, row in zip(trained_project_labels(version), matrix, strict=True):
        assert f"| {label} | " + " | ".join(str(v) for v in row) + " |" in md
    assert "Compared with v1 (archived)." in md and "| text_classification.C | 4.0000 | 2.0000 |" in md
    assert "| **approved by** | eng |" in md and "| **reason** | reviewed the card |" in md
    assert f"| **MLflow run** | {version.mlflow_run_id} |" in md
    assert f"| **MLflow registered model / version** | tickets/{version.registered_version} |" in md
    assert f"| **artifact_sha256** | {version.artifact_sha256} |" in md
    assert "\\<script\\>" in md and "<script>" not in md  # user text cannot inject markup into a rendered card

    page = _card(client_for, users["auditor"], version, "html")
    assert page.status_code == 200 and page["Content-Type"] == "text/html; charset=utf-8"
    assert page["Content-Disposition"] == 'attachment; filename="tickets-v2-model-card.html"'
    assert page["Content-Security-Policy"].startswith("default-src 'none'")
    text = page.content.decode()
    assert text.startswith("<!DOCTYPE html>") and "<title>Model card: tickets v2</title>" in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; route tickets" in text
    assert "<script" not in text and "src=" not in text and "<link" not in text  # self-contained, inert
    assert "@media print" in text and "<h2>Changes since the previous version</h2>" in text
    first_row = matrix[0]
    assert f"<tr><td>{trained_project_labels(version)[0]}</td>" + "".join(f"<td>{v}</td>" for v in first_row) in text


def trained_project_labels(version) -> list[str]:
    return version.metrics["confusion_matrix"]["labels"]


def test_a_version_registered_before_the_document_still_renders(trained_project, users, client_for):
    version = ModelVersion.objects.get(project=trained_project)
    old_card = {key: value for key, value in version.model_card.items() if key not in ("schema", "lineage")}
    old_card["data"] = {k: v for k, v in old_card["data"].items()
                        if k not in ("sources", "provenance", "labelling_procedure")}
    old_card["evaluation"] = {k: v for k, v in old_card["evaluation"].items() if k != "confusion_matrix"}
    old_card["model"] = {k: v for k, v in old_card["model"].items() if k != "artifact_sha256"}
    old_card["human_oversight"] = "Promotion needs a passing gate."  # the first cards held one sentence
    ModelVersion.objects.filter(pk=version.pk).update(model_card=old_card, artifact_sha256="")
    for fmt in ("md", "html", "json"):
        assert _card(client_for, users["auditor"], version, fmt).status_code == 200
    md = _card(client_for, users["auditor"], version, "md").content.decode()
    for missing in ("| **artifact_sha256** | not recorded |", "Sources of the training items: not recorded.",
                    "Provenance mix of the training labels: not recorded.", "Confusion matrix: not recorded.",
                    "| **git commit** | not recorded |", "dvc.lock hashes: not recorded",
                    "The project's first version: nothing to compare with.", "Promotion needs a passing gate."):
        assert missing in md, missing

    ModelVersion.objects.filter(pk=version.pk).update(model_card={})  # nothing at all
    empty = _card(client_for, users["auditor"], version, "md")
    assert empty.status_code == 200 and "# Model card: ? v?" in empty.content.decode()


def test_a_detection_card_shows_its_box_confusion_matrix_or_says_it_is_missing(trained_project):
    version = ModelVersion.objects.get(project=trained_project)
    version.project.task = "object_detection"
    version.metrics = {"map50": 0.5, "map50_95": 0.3, "n": 4, "per_class": {"cat": {"ap50": 0.5, "ap50_95": 0.3}}}
    card = model_card_build(model_version=version, manifest={}, params={})  # a version from before it was kept
    assert card["evaluation"]["confusion_matrix_note"].startswith("not recorded for versions trained before")
    assert card["data"]["provenance"] is None and card["intended_use"]["task"] == "object_detection"
    version.metrics["confusion_matrix"] = {"labels": ["cat", "dog", "background"], "unit": "boxes", "min_iou": 0.5,
                                           "matrix": [[3, 1, 1], [0, 2, 0], [2, 0, 0]]}
    card = model_card_build(model_version=version, manifest={}, params={})
    assert "confusion_matrix_note" not in card["evaluation"]
    version.model_card = card
    md = model_card_markdown(model_version=version)
    assert "matched to true boxes at IoU ≥ 0.5" in md and "| background | 2 | 0 | 0 |" in md
