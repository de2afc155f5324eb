"""Art. 18 restriction (kept, but out of queues, scoring, predictions and training; lifted again) and Art. 16
rectification (new content, new hash, predictions still linked), each audit-logged without the content."""
import hashlib
import json

import pytest

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.feedback.selectors import review_queue
from apps.items.models import Item
from apps.items.services import content_hash, items_import
from apps.predictions.models import Prediction
from apps.predictions.selectors import scoring_candidates
from apps.predictions.services import predictions_create
from apps.training.datasets import dataset_version_snapshot

pytestmark = pytest.mark.django_db
REF = "subject-restrict-9"
TEXTS = ["Barnaby Quell wants his subscription fee back", "Barnaby Quell reports the app crash again",
         "Barnaby Quell parcel delivery went missing"]


@pytest.fixture
def subject(trained_project, users):
    items_import(project=trained_project, actor=users["engineer"], rows=[
        {"text": TEXTS[0], "subject_ref": REF}, {"text": TEXTS[1], "label": "technical", "subject_ref": REF},
        {"text": TEXTS[2], "label": "shipping", "split": "holdout", "subject_ref": REF}])
    items = list(Item.objects.filter(subject_ref=REF).order_by("id"))
    predictions_create(project=trained_project, inputs=[{"item_id": items[0].pk}], actor=users["annotator"])
    return items


def _in_training(project, items) -> set[int]:
    snapshot = dataset_version_snapshot(project=project)
    return {row["item_id"] for row in snapshot.training + snapshot.holdout} & {i.pk for i in items}


def _in_queue(project, items) -> set[int]:
    return set(review_queue(project=project).values_list("item_id", flat=True)) & {i.pk for i in items}


def test_restriction_takes_items_out_of_queue_training_and_predictions_until_lifted(subject, trained_project,
                                                                                      officer, client_for, users):
    project, champion = trained_project, trained_project.model_versions.get(status="champion")
    everything = {i.pk for i in subject}
    assert _in_training(project, subject) == {subject[1].pk, subject[2].pk}
    assert _in_queue(project, subject) == {subject[0].pk}
    api = client_for(officer)
    restricted = api.post("/api/v1/privacy/restrictions/", {"subject_ref": REF}, format="json")
    assert restricted.status_code == 201, restricted.content
    assert restricted.json()["result"]["items"] == 3
    assert Item.objects.filter(pk__in=everything, restricted_at__isnull=False).count() == 3  # kept, restricted
    assert _in_training(project, subject) == set() and _in_queue(project, subject) == set()
    assert not set(scoring_candidates(project=project, model_version=champion).values_list("pk", flat=True)) & everything
    refused = client_for(users["annotator"]).post(f"/api/v1/projects/{project.slug}/predict/",
                                                  {"inputs": [{"item_id": subject[0].pk}]}, format="json")
    assert refused.status_code == 400, refused.content

    items_import(project=project, rows=[{"text": "Barnaby Quell wrote again about the invoice", "subject_ref": REF}],
                 actor=users["engineer"])
    later = Item.objects.get(subject_ref=REF, content_hash=content_hash("Barnaby Quell wrote again about the invoice"))
    assert later.restricted_at is not None  # imported while restricted: restricted too
    lifted = api.post("/api/v1/privacy/restrictions/lift/", {"subject_ref": REF}, format="json")
    assert lifted.status_code == 201 and lifted.json()["result"]["items"] == 4
    assert _in_training(project, subject) == {subject[1].pk, subject[2].pk}
    assert _in_queue(project, subject) == {subject[0].pk}
    actions = list(AuditEvent.objects.filter(action__startswith="privacy.").values_list("action", "details"))
    assert [a for a, _ in actions] == ["privacy.restriction", "privacy.restriction_lifted"]
    assert all(REF not in json.dumps(d) and "Barnaby" not in json.dumps(d) for _, d in actions)
    assert api.post("/api/v1/privacy/restrictions/", {"subject_ref": "unknown"}, format="json").status_code == 404
    assert audit_chain_verify().ok


def test_rectification_changes_content_and_hash_and_keeps_predictions(subject, officer, client_for):
    item = subject[0]
    prediction = Prediction.objects.get(item=item)
    api = client_for(officer)
    corrected = "Barnaby Quell wants his subscription fee back, twice charged"
    response = api.post(f"/api/v1/privacy/items/{item.pk}/rectify/", {"text": f"  {corrected} "}, format="json")
    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert item.text == corrected and item.content_hash == hashlib.sha256(corrected.encode()).hexdigest()
    assert response.json()["content_hash"] == item.content_hash
    assert Prediction.objects.get(pk=prediction.pk).item_id == item.pk  # the old prediction stays linked
    event = AuditEvent.objects.get(action="privacy.rectified")
    assert event.object_id == str(item.pk) and "Barnaby" not in json.dumps(event.details)
    assert event.details["chars_after"] == len(corrected)
    clash = api.post(f"/api/v1/privacy/items/{item.pk}/rectify/", {"text": TEXTS[1]}, format="json")
    assert clash.status_code == 409
    assert api.post(f"/api/v1/privacy/items/{item.pk}/rectify/", {"text": "   "}, format="json").status_code == 400
    assert api.post("/api/v1/privacy/items/999999/rectify/", {"text": "x y"}, format="json").status_code == 404
    assert audit_chain_verify().ok


def test_rectification_refuses_images(officer, client_for, users):
    from apps.core.tests.images import shapes_image
    from apps.items.image_import import images_import
    from apps.projects.services import project_create

    shapes = project_create(slug="shapes-r", name="S", task="object_detection", labels=["circle", "square", "triangle"],
                            creator=users["engineer"])
    image, boxes = shapes_image(3)
    images_import(project=shapes, files=[("a.png", image)], boxes_by_name={"a.png": boxes}, actor=users["engineer"])
    item = Item.objects.get(project=shapes)
    response = client_for(officer).post(f"/api/v1/privacy/items/{item.pk}/rectify/", {"text": "a b"}, format="json")
    assert response.status_code == 400 and "image" in response.json()["detail"]
