"""A real, tiny YOLO loop through the backend: train (from YAML), serve boxes, batch-predict, fine-tune the
champion, and move data in and out as YOLO / COCO / Label Studio."""
import io
import json
import zipfile

import pytest

from apps.core.tests.fixtures import train_inline
from apps.core.tests.images import shapes_image
from apps.items.image_import import images_import
from apps.items.models import Item
from apps.predictions.detection import detection_predict, prediction_batch_execute
from apps.projects.services import project_create, project_member_add

pytestmark = pytest.mark.django_db
LABELS = ["circle", "square", "triangle"]


def make_detection_project(users, slug="shapes", n=12, holdout=4):
    project = project_create(slug=slug, name=slug, task="object_detection", labels=LABELS, creator=users["engineer"])
    for role in ("annotator", "reviewer", "auditor"):
        project_member_add(project=project, user=users[role], actor=users["engineer"])
    for split, seeds in (("pool", range(n)), ("holdout", range(100, 100 + holdout))):
        images = [shapes_image(seed) for seed in seeds]
        images_import(project=project, files=[(f"{split}-{i}.png", data) for i, (data, _) in enumerate(images)],
                      boxes_by_name={f"{split}-{i}.png": boxes for i, (_, boxes) in enumerate(images)}, split=split,
                      actor=users["engineer"])
    return project


@pytest.fixture
def detector(users):
    project = make_detection_project(users)
    first = train_inline(project, users["engineer"])
    project.refresh_from_db()
    return project, first


def test_first_detector_is_trained_registered_and_served(detector, users, client_for, settings):
    project, first = detector
    assert first.status == "champion" and first.gate["decision"] == "promoted"
    assert {"map50", "map50_95", "per_class", "kfold"} <= set(first.metrics)
    assert set(first.metrics["per_class"]) <= set(LABELS)
    assert first.metrics["kfold"]["k"] == 2
    assert "YOLO" in first.model_card["model"]["algorithm"]
    api = client_for(users["annotator"])
    pool = list(Item.objects.filter(project=project, split="pool").order_by("id")[:3])
    response = api.post("/api/v1/projects/shapes/predict/", {"inputs": [{"item_id": i.pk} for i in pool[:2]]},
                        format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["model_version"] == first.number and len(body["predictions"]) == 2
    for prediction, item in zip(body["predictions"], pool, strict=False):
        assert prediction["item_id"] == item.pk
        for box in prediction["boxes"]:
            assert box["label"] in LABELS and 0 <= box["confidence"] <= 1
            assert box["x"] >= 0 and box["x"] + box["w"] <= item.width + 1 and box["y"] + box["h"] <= item.height + 1
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:  # a warm request reads the champion once, its run never
        again = api.post("/api/v1/projects/shapes/predict/", {"inputs": [{"item_id": pool[2].pk}]}, format="json")
    assert again.status_code == 200, again.content
    reads = [q["sql"].split(" WHERE ")[0] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert sum('FROM "training_modelversion"' in r for r in reads) == 1
    assert not any('FROM "training_trainingrun"' in r for r in reads)
    settings.PREDICT_SYNC_MAX_IMAGES = 2
    queued = api.post("/api/v1/projects/shapes/predict/", {"inputs": [{"item_id": i.pk} for i in pool]},
                      format="json")
    assert queued.status_code == 202 and queued.json()["batch"]["total"] == 3
    from apps.predictions.models import Prediction, PredictionBatch

    batch_id = queued.json()["batch"]["id"]
    detection_predict(project=project, items=pool[:1], actor=users["annotator"],
                      batch=PredictionBatch.objects.get(pk=batch_id))  # as if a first attempt died after one chunk
    prediction_batch_execute(batch_id=batch_id)  # what the Celery task runs (and reruns on a retry)
    assert Prediction.objects.filter(batch_id=batch_id).count() == 3  # the retry did not predict image 1 again
    batch = api.get(f"/api/v1/prediction-batches/{queued.json()['batch']['id']}/").json()
    assert batch["batch"]["status"] == "succeeded" and batch["batch"]["done"] == 3
    assert [p["item_id"] for p in batch["predictions"]] == [i.pk for i in pool]
    assert batch["model_versions"] == [first.number]
    # serving a phone photo (EXIF orientation 6): stored upright, predicted on the image as shown
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.items.tests.test_orientation import phone_jpeg

    uploaded = api.post("/api/v1/projects/shapes/predict/", {"files": [SimpleUploadedFile("IMG_7.jpg", phone_jpeg())]},
                        format="multipart")
    assert uploaded.status_code == 200, uploaded.content
    (prediction,) = uploaded.json()["predictions"]
    item = Item.objects.get(pk=prediction["item_id"])
    assert (item.width, item.height, item.source) == (64, 96, "predict")
    assert all(b["x"] + b["w"] <= 64 + 1 and b["y"] + b["h"] <= 96 + 1 for b in prediction["boxes"])


def test_next_detector_fine_tunes_the_champion_and_meets_the_gate(detector, users):
    project, first = detector
    second = train_inline(project, users["engineer"])
    assert second.number == 2
    assert second.gate["champion_version"] == first.number
    assert "map50_95" in second.gate["champion_metrics_same_holdout"]
    assert second.gate["metric"] == "map50_95"
    assert second.status in ("candidate", "rejected")


def test_export_yolo_then_import_gives_the_same_boxes(users, client_for):
    project = make_detection_project(users, n=5, holdout=1)
    api = client_for(users["engineer"])
    exported = api.get("/api/v1/projects/shapes/export/?format=yolo")
    assert exported.status_code == 200 and exported["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        assert "data.yaml" in archive.namelist()
    copy = project_create(slug="shapes-copy", name="copy", task="object_detection", labels=LABELS,
                          creator=users["engineer"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    imported = api.post("/api/v1/projects/shapes-copy/import/",
                        {"format": "yolo", "file": SimpleUploadedFile("shapes.zip", exported.content)},
                        format="multipart")
    assert imported.status_code == 201, imported.content
    assert imported.json()["created"] == 6

    splits = {i.content_hash: i.split for i in Item.objects.filter(project=copy)}
    assert splits == {i.content_hash: i.split for i in Item.objects.filter(project=project)}  # holdout stays holdout

    def boxes_by_hash(p):
        return {i.content_hash: sorted((b["label"], round(b["x"]), round(b["y"]), round(b["w"]), round(b["h"]))
                                       for b in i.boxes) for i in Item.objects.filter(project=p)}

    assert boxes_by_hash(copy) == boxes_by_hash(project)


def test_coco_and_labelstudio_exports(users, client_for):
    make_detection_project(users, n=3, holdout=1)
    api = client_for(users["auditor"])
    coco = api.get("/api/v1/projects/shapes/export/?format=coco")
    assert coco.status_code == 200
    data = json.loads(coco.content)
    assert [c["name"] for c in sorted(data["categories"], key=lambda c: c["id"])] == LABELS
    assert len(data["images"]) == 4 and data["annotations"]
    studio = json.loads(api.get("/api/v1/projects/shapes/export/?format=labelstudio").content)
    assert len(studio) == 4 and studio[0]["data"]["image"].startswith("/api/v1/items/")
    assert api.get("/api/v1/projects/shapes/export/?format=csv").status_code == 400
    assert client_for(users["outsider"]).get("/api/v1/projects/shapes/export/?format=coco").status_code == 403
