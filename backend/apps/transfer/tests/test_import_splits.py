"""Imports keep the holdout, as docs/api.md says (issue 8, defect 16): YOLO val/valid/validation/test folders become
holdout items, the rest pool; Label Studio text tasks keep data.split and data.subject_ref."""
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.tests.images import png
from apps.items.models import Item
from apps.items.services import content_hash
from apps.projects.services import project_create

pytestmark = pytest.mark.django_db


def _yolo_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.yaml", "names: [circle, square]\n")
        archive.writestr("images/train/a.png", png(seed=1))
        archive.writestr("labels/train/a.txt", "0 0.5 0.5 0.25 0.25\n")
        archive.writestr("images/val/b.png", png(seed=2))
        archive.writestr("labels/val/b.txt", "1 0.5 0.5 0.5 0.5\n")
        archive.writestr("images/test/c.png", png(seed=3))  # no label file: "nothing here"
    return buffer.getvalue()


def test_a_yolo_import_puts_val_images_in_the_holdout(users, client_for):
    project = project_create(slug="shapes", name="Shapes", task="object_detection", labels=["circle", "square"],
                             creator=users["engineer"])
    response = client_for(users["engineer"]).post(
        "/api/v1/projects/shapes/import/", {"format": "yolo", "file": SimpleUploadedFile("d.zip", _yolo_zip())},
        format="multipart")
    assert response.status_code == 201, response.content
    items = {i.file_name: i for i in Item.objects.filter(project=project)}
    assert {name: item.split for name, item in items.items()} == {"a.png": "pool", "b.png": "holdout",
                                                                  "c.png": "holdout"}
    assert items["c.png"].boxes == [] and [b["label"] for b in items["b.png"].boxes] == ["square"]


def test_a_label_studio_text_import_keeps_split_and_subject(project, users, client_for):
    tasks = [{"data": {"text": "refund my invoice twice", "split": "holdout", "subject_ref": "subject-7"},
              "annotations": [{"result": [{"type": "choices", "value": {"choices": ["billing"]}}]}]},
             {"data": {"text": "parcel never arrived"}}]
    response = client_for(users["engineer"]).post(
        "/api/v1/projects/tickets/import/",
        {"format": "labelstudio", "file": SimpleUploadedFile("t.json", json.dumps(tasks).encode())}, format="multipart")
    assert response.status_code == 201, response.content
    held = Item.objects.get(project=project, content_hash=content_hash("refund my invoice twice"))  # sealed
    assert (held.split, held.label, held.subject_ref) == ("holdout", "billing", "subject-7")
    assert Item.objects.get(project=project, text="parcel never arrived").split == "pool"
