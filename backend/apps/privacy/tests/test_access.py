"""Art. 15/20: the subject's archive (every item, prediction, feedback and review, with each project's purpose,
lawful basis, recipients and retention, and the subject's own texts and images), downloadable once by its
requester, both steps audit-logged without personal data; an annotator's archive of what they did."""
import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.core.tests.images import shapes_image
from apps.feedback.models import Feedback, FeedbackStatus
from apps.feedback.services import feedback_review, feedback_submit
from apps.items.image_import import images_import
from apps.items.models import Item
from apps.items.services import items_import
from apps.predictions.services import predictions_create
from apps.projects.models import Project
from apps.projects.services import project_create

pytestmark = pytest.mark.django_db
REF = "subject-access-1"
TEXT = "Hyacinth Dorrowmere asks about the refund of invoice 7781"


@pytest.fixture
def subject_data(trained_project, users):
    Project.objects.filter(pk=trained_project.pk).update(purpose="Route support tickets", lawful_basis="contract",
                                                         retention_days=365)
    items_import(project=trained_project, rows=[{"text": TEXT, "subject_ref": REF}], actor=users["engineer"])
    item = Item.objects.get(subject_ref=REF)
    _, (prediction,) = predictions_create(project=trained_project, inputs=[{"item_id": item.pk}],
                                          actor=users["annotator"])
    feedback = feedback_submit(prediction=prediction, annotator=users["annotator"], verdict="correct",
                               label="technical", comment="the customer wrote twice", allow_auto_retrain=False)
    Feedback.objects.filter(pk=feedback.pk).update(status=FeedbackStatus.PENDING_REVIEW)  # as if flagged
    feedback_review(feedback=feedback, reviewer=users["reviewer"], label="billing", notes="refund: billing")
    shapes = project_create(slug="shapes-access", name="Shapes", task="object_detection",
                            labels=["circle", "square", "triangle"], creator=users["engineer"])
    image, boxes = shapes_image(5)
    images_import(project=shapes, files=[("me.png", image)], boxes_by_name={"me.png": boxes}, subject_ref=REF,
                  actor=users["engineer"])
    return {"item": item, "prediction": prediction, "feedback": feedback, "image": image, "shapes": shapes}


def test_subject_archive_holds_everything_and_downloads_once(subject_data, officer, client_for, users,
                                                             django_capture_on_commit_callbacks):
    api = client_for(officer)
    created = api.post("/api/v1/privacy/access/", {"subject_ref": REF}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "ready" and body["result"] == {"items": 2, "predictions": 1, "feedback": 1, "projects": 2}
    assert client_for(users["admin"]).get(body["download_url"]).status_code == 404  # only the requester
    with django_capture_on_commit_callbacks(execute=True):
        download = api.get(body["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    data = b"".join(download.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(data))
    document = json.loads(archive.read("subject.json"))
    assert document["subject_ref"] == REF and document["format"] == "hitl-subject-access/1"
    tickets = next(p for p in document["projects"] if p["slug"] == "tickets")
    assert (tickets["purpose"], tickets["lawful_basis"], tickets["retention"], tickets["recipients"]) == (
        "Route support tickets", "contract", "365 days", "not recorded")
    (item,) = tickets["items"]
    assert archive.read(item["text_file"]).decode() == TEXT
    assert item["predictions"][0]["id"] == subject_data["prediction"].pk
    (feedback,) = item["feedback"]
    assert (feedback["comment"], feedback["review"]["label"], feedback["review"]["notes"]) == (
        "the customer wrote twice", "billing", "refund: billing")
    shapes = next(p for p in document["projects"] if p["slug"] == "shapes-access")
    assert shapes["purpose"] == "not recorded" and shapes["retention"] == "not recorded"
    assert archive.read(shapes["items"][0]["image_file"]) == subject_data["image"]

    assert api.get(body["download_url"]).status_code == 410  # once
    assert not default_storage.exists(f"privacy/access/{body['id']}-")  # and the object is gone:
    assert not any(name.startswith(f"{body['id']}-") for name in default_storage.listdir("privacy/access")[1])
    events = AuditEvent.objects.filter(action__startswith="privacy.access").order_by("seq")
    assert [e.action for e in events] == ["privacy.access_created", "privacy.access_downloaded"]
    for event in events:
        text = json.dumps(event.details)
        assert REF not in text and TEXT not in text and "Hyacinth" not in text
        assert event.details["sha256"] == body["archive_sha256"]
    assert audit_chain_verify().ok


def test_annotator_archive_holds_what_they_did(subject_data, officer, client_for, users):
    api = client_for(officer)
    created = api.post("/api/v1/privacy/access/", {"user": users["annotator"].pk}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["result"] == {"feedback": 1, "reviews": 0, "predictions": 1, "first_labels": 0,
                                        "projects": 1}
    archive = zipfile.ZipFile(io.BytesIO(b"".join(api.get(created.json()["download_url"]).streaming_content)))
    document = json.loads(archive.read("annotator.json"))
    assert document["annotator"]["username"] == users["annotator"].username
    (tickets,) = document["projects"]
    assert tickets["feedback"][0]["comment"] == "the customer wrote twice"
    assert tickets["predictions_requested"][0]["id"] == subject_data["prediction"].pk
    assert not any(name.startswith("texts/") for name in archive.namelist())  # items are other people's data
    reviewer = api.post("/api/v1/privacy/access/", {"user": users["reviewer"].pk}, format="json").json()
    assert reviewer["result"]["reviews"] == 1


def test_annotator_archive_holds_their_first_labels_without_the_texts(users, client_for, officer):
    from apps.core.tests.fixtures import create_project
    from apps.feedback.first_labels import item_label_first
    from apps.items.models import Item
    from apps.items.services import items_import

    project = create_project(slug="fresh-start", owner=users["engineer"], members=[users["annotator"]])
    items_import(project=project, rows=[{"text": "a text nobody scored yet"}], actor=users["engineer"])
    item = Item.objects.get(project=project, label__isnull=True, split="pool")
    item_label_first(project=project, item_id=item.pk, label="billing", actor=users["annotator"])
    api = client_for(officer)
    created = api.post("/api/v1/privacy/access/", {"user": users["annotator"].pk}, format="json").json()
    assert created["result"]["first_labels"] == 1
    archive = zipfile.ZipFile(io.BytesIO(b"".join(api.get(created["download_url"]).streaming_content)))
    (fresh,) = [p for p in json.loads(archive.read("annotator.json"))["projects"] if p["slug"] == "fresh-start"]
    assert [(row["item"], row["label"]) for row in fresh["first_labels"]] == [(item.pk, "billing")]
    assert "a text nobody scored yet" not in archive.read("annotator.json").decode()


def test_only_privacy_officers_and_admins_and_bad_input(subject_data, client_for, users, officer):
    for role in ("annotator", "reviewer", "engineer", "auditor"):
        assert client_for(users[role]).post("/api/v1/privacy/access/", {"subject_ref": REF},
                                            format="json").status_code == 403
    assert client_for(users["admin"]).post("/api/v1/privacy/access/", {"subject_ref": REF},
                                           format="json").status_code == 201
    api = client_for(officer)
    assert api.post("/api/v1/privacy/access/", {"subject_ref": "nobody-here"}, format="json").status_code == 404
    assert api.post("/api/v1/privacy/access/", {}, format="json").status_code == 400
    both = api.post("/api/v1/privacy/access/", {"subject_ref": REF, "user": users["annotator"].pk}, format="json")
    assert both.status_code == 400 and "exactly one" in both.json()["detail"]
    assert api.post("/api/v1/privacy/access/", {"user": 999999}, format="json").status_code == 404
    listed = api.get("/api/v1/privacy/requests/?kind=access")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert api.get("/api/v1/privacy/requests/?kind=nonsense").status_code == 400
