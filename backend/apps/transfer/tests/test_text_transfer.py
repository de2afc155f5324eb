"""Text projects in and out: CSV, JSONL and Label Studio, with the best-known label of each item."""
import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.items.models import Item

pytestmark = pytest.mark.django_db


def export(api, fmt, slug="tickets"):
    response = api.get(f"/api/v1/projects/{slug}/export/?format={fmt}")
    assert response.status_code == 200, response.content
    return response


def test_csv_export_has_every_item_with_its_best_known_label(trained_project, users, client_for):
    annotator = client_for(users["annotator"])
    prediction = annotator.post("/api/v1/projects/tickets/predict/", {"text": "new ticket about a parcel"},
                                format="json").json()["predictions"][0]
    annotator.post(f"/api/v1/predictions/{prediction['id']}/feedback/", {"verdict": "correct", "label": "billing"},
                   format="json")
    response = export(client_for(users["auditor"]), "csv")
    assert response["Content-Disposition"] == 'attachment; filename="tickets.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == Item.objects.filter(project=trained_project).count()
    corrected = next(r for r in rows if r["text"] == "new ticket about a parcel")
    assert corrected["label"] == "billing" and corrected["predicted"] == prediction["label"]


def test_jsonl_round_trip_into_a_new_project(trained_project, users, client_for):
    from apps.core.tests.fixtures import LABELS
    from apps.projects.services import project_create

    api = client_for(users["engineer"])
    content = export(api, "jsonl").content
    project_create(slug="copy", name="Copy", task="text_classification", labels=LABELS, creator=users["engineer"])
    response = api.post("/api/v1/projects/copy/import/", {"format": "jsonl", "file": SimpleUploadedFile(
        "tickets.jsonl", content)}, format="multipart")
    assert response.status_code == 201, response.content

    def labelled(slug):
        return {(i.text, i.label, i.split) for i in Item.objects.filter(project__slug=slug)}

    assert labelled("copy") == labelled("tickets")


def test_labelstudio_text_export_and_import(trained_project, users, client_for):
    from apps.projects.services import project_create

    api = client_for(users["engineer"])
    tasks = json.loads(export(api, "labelstudio").content)
    assert tasks and tasks[0]["data"]["text"]
    project_create(slug="from-ls", name="LS", task="text_classification", labels=trained_project.labels,
                   creator=users["engineer"])
    response = api.post("/api/v1/projects/from-ls/import/", {"format": "labelstudio", "file": SimpleUploadedFile(
        "tasks.json", json.dumps(tasks).encode())}, format="multipart")
    assert response.status_code == 201, response.content
    assert Item.objects.filter(project__slug="from-ls").count() == len(tasks)


@pytest.mark.parametrize("fmt,content,fragment", [
    ("yolo", b"PK", "format must be one of"),
    ("jsonl", b'{"text": "a", "label": "weather"}\n', "unknown label"),
    ("labelstudio", b"not json", ""),
])
def test_bad_imports_are_refused_and_store_nothing(project, users, client_for, fmt, content, fragment):
    before = Item.objects.count()
    response = client_for(users["engineer"]).post("/api/v1/projects/tickets/import/", {
        "format": fmt, "file": SimpleUploadedFile(f"x.{fmt}", content)}, format="multipart")
    assert response.status_code == 400, response.content
    assert fragment in response.json()["detail"]
    assert Item.objects.count() == before


def test_import_needs_an_importer_role(project, users, client_for):
    response = client_for(users["annotator"]).post("/api/v1/projects/tickets/import/", {
        "format": "csv", "file": SimpleUploadedFile("x.csv", b"text\nhello\n")}, format="multipart")
    assert response.status_code == 403
