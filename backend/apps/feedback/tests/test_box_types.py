"""Boxes take JSON numbers only (not true, "1e1" or " 5 "), everywhere people send them: image uploads,
detection feedback and reviews. What is stored and returned are the validated floats."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.audit.models import AuditEvent
from apps.core.tests.images import png
from apps.feedback.models import Feedback, Review
from apps.feedback.tests.test_detection_feedback import predicted, submit  # noqa: F401 (fixture)
from apps.items.models import Item

pytestmark = pytest.mark.django_db
LOOSE = [({"x": True}, "x must be a number, not True"), ({"y": "1e1"}, "y must be a number, not '1e1'"),
         ({"w": " 5 "}, "w must be a number, not ' 5 '"), ({"h": None}, "h must be a number, not None"),
         ({"x": [1]}, "x must be a number, not [1]"), ({"confidence": "0.5"}, "confidence must be a number"),
         ({"x": 10**400}, "coordinates must be finite numbers")]


def box(**changes) -> dict:
    return {"label": "circle", "x": 10, "y": 10, "w": 20, "h": 20, **changes}


@pytest.mark.parametrize("change,message", LOOSE)
def test_upload_refuses_loose_box_values(predicted, users, client_for, change, message):  # noqa: F811
    before = (Item.objects.count(), AuditEvent.objects.count())
    response = client_for(users["engineer"]).post("/api/v1/projects/shapes/items/", {
        "files": [SimpleUploadedFile("b.png", png(seed=9))], "boxes": json.dumps({"b.png": [box(**change)]})},
        format="multipart")
    assert response.status_code == 400, response.content
    assert "b.png box 0" in response.json()["detail"] and message in response.json()["detail"]
    assert (Item.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("change,message", LOOSE)
def test_feedback_and_review_refuse_loose_box_values(predicted, users, client_for, change, message):  # noqa: F811
    response = submit(client_for(users["annotator"]), predicted, {"verdict": "correct", "boxes": [box(**change)]})
    assert response.status_code == 400 and message in response.json()["detail"], response.content
    assert not Feedback.objects.exists()
    pending = submit(client_for(users["annotator"]), predicted, {"verdict": "correct", "boxes": []}).json()
    response = client_for(users["reviewer"]).post(f"/api/v1/feedback/{pending['id']}/review/",
                                                  {"boxes": [box(**change)]}, format="json")
    assert response.status_code == 400 and message in response.json()["detail"], response.content
    assert not Review.objects.exists()


def test_a_null_confidence_is_no_confidence(predicted, users, client_for):  # noqa: F811
    response = submit(client_for(users["annotator"]), predicted, {"verdict": "correct",
                                                                  "boxes": [box(confidence=None)]})
    assert response.status_code == 201, response.content


def test_valid_boxes_are_stored_and_returned_as_floats(predicted, users, client_for):  # noqa: F811
    upload = client_for(users["engineer"]).post("/api/v1/projects/shapes/items/", {
        "files": [SimpleUploadedFile("b.png", png(seed=9))], "boxes": json.dumps({"b.png": [box()]})},
        format="multipart")
    assert upload.status_code == 201, upload.content
    item = Item.objects.get(pk=upload.json()["items"][0])
    assert all(type(item.boxes[0][k]) is float for k in "xywh")
    feedback = submit(client_for(users["annotator"]), predicted, {"verdict": "correct", "boxes": [box(x=11)]})
    assert feedback.status_code == 201, feedback.content
    raw = json.loads(feedback.content)
    assert raw["boxes"] == [{"label": "circle", "x": 11.0, "y": 10.0, "w": 20.0, "h": 20.0}]
    assert all(type(raw[key][0][k]) is float for key in ("boxes", "resolved_boxes") for k in "xywh")
    stored = Feedback.objects.get()
    assert all(type(b[k]) is float for b in stored.boxes + stored.resolved_boxes for k in "xywh")
