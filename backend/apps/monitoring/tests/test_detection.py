"""Detection projects: box labels unnested by the database (PostgreSQL jsonb / SQLite json_each), image area as the
input feature, flagged answers as disagreements. Rows stand for a served model (no YOLO training here)."""
import random

import pytest

from apps.feedback.models import Feedback
from apps.items.models import Item
from apps.monitoring.models import FlagKind
from apps.monitoring.selectors import monitoring_series
from apps.monitoring.services import monitoring_check, monitoring_policy_update
from apps.predictions.models import Prediction
from apps.projects.services import project_create
from apps.training.models import DatasetVersion, ModelVersion, TrainingRun

from .helpers import chain_ok

pytestmark = pytest.mark.django_db
LABELS = ["circle", "square"]


@pytest.fixture
def shapes(users):
    project = project_create(slug="shapes", name="Shapes", task="object_detection", labels=LABELS,
                             creator=users["engineer"])
    rng = random.Random(11)
    sizes = [(rng.randint(60, 100), rng.randint(60, 100)) for _ in range(60)]
    items = Item.objects.bulk_create([Item(project=project, content_hash=f"{i:064x}", storage_key=f"k{i}.png",
                                           width=w, height=h) for i, (w, h) in enumerate(sizes)])
    manifest = [[item.pk, [{"label": LABELS[i % 2], "x": 1, "y": 1, "w": 5, "h": 5}], 1.0, item.content_hash]
                for i, item in enumerate(items)]
    dataset = DatasetVersion.objects.create(project=project, content_hash="d" * 64, manifest=manifest,
                                            counts={"per_label": {"circle": 30, "square": 30}, "total": 60},
                                            holdout_hash="h" * 64, holdout_size=0)
    run = TrainingRun.objects.create(project=project, trigger="manual", status="succeeded", dataset_version=dataset)
    version = ModelVersion.objects.create(project=project, number=1, training_run=run, status="champion", metrics={},
                                          mlflow_run_id="r", registered_model_name="shapes", registered_version=1)
    monitoring_policy_update(project=project, actor=users["engineer"], min_predictions=50, min_answers=10)
    return project, version, items


def boxes(labels: list[str]) -> list[dict]:
    return [{"label": label, "confidence": 0.8, "x": 1, "y": 1, "w": 5, "h": 5} for label in labels]


def predict(version, items, labels_per_prediction, seed: int) -> list[Prediction]:
    rng = random.Random(seed)
    return Prediction.objects.bulk_create([
        Prediction(project_id=version.project_id, item=rng.choice(items), model_version=version, boxes=boxes(labels),
                   confidence=0.8, latency_ms=1.0, request_id="t") for labels in labels_per_prediction])


def test_box_labels_and_image_area_unshifted(shapes):
    project, version, items = shapes
    predict(version, items, [["circle", "square"]] * 60 + [[]] * 10, seed=1)
    window = monitoring_series(project=project, days=1)["versions"][0]["window"]
    assert window["predictions"] == 70 and window["labels"] == {"circle": 60, "square": 60}
    assert window["input_shift"]["feature"] == "image_area" and window["input_shift"]["p_value"] > 0.05
    assert monitoring_check(project=project).raised == []


def test_shifted_labels_and_larger_images_are_flagged(shapes):
    project, version, _ = shapes
    large = Item.objects.bulk_create([Item(project=project, content_hash=f"{i + 1000:064x}", width=640, height=480,
                                           storage_key=f"l{i}.png") for i in range(20)])
    predict(version, large, [["circle", "circle", "circle"]] * 60, seed=2)
    kinds = {f.kind for f in monitoring_check(project=project).raised}
    assert kinds == {FlagKind.LABEL_SHIFT, FlagKind.INPUT_SHIFT}
    assert chain_ok()


def test_flagged_answers_are_disagreements(shapes, users):
    project, version, items = shapes
    predictions = predict(version, items, [["circle"]] * 20, seed=3)
    for i, prediction in enumerate(predictions):
        Feedback.objects.create(project=project, prediction=prediction, item=prediction.item,
                                annotator=users["annotator"], verdict="correct" if i < 6 else "accept",
                                flags=[{"flag": "low_overlap"}] if i < 5 else [])
    window = monitoring_series(project=project, days=1)["versions"][0]["window"]
    assert (window["answers"], window["corrections"], window["disagreements"]) == (20, 6, 5)
    raised = {f.kind: f.value for f in monitoring_check(project=project).raised}
    assert raised == {FlagKind.DISAGREEMENT_RATE: 0.25}  # 5/20 > 0.2; corrections 6/20 = 0.3 is not > 0.3
