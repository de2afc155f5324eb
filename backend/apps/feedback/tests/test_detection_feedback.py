"""Detection feedback: box corrections, disagreement flags, the second-review queue, and which answer trains."""
import pytest

from apps.audit.models import AuditEvent
from apps.core.tests.images import png
from apps.feedback.models import Feedback
from apps.items.image_import import images_import
from apps.predictions.models import Prediction
from apps.projects.services import project_create, project_member_add
from apps.training.models import ModelVersion, TrainingRun

pytestmark = pytest.mark.django_db
LABELS = ["circle", "square", "triangle"]
MODEL_BOXES = [{"label": "circle", "confidence": 0.9, "x": 10, "y": 10, "w": 20, "h": 20},
               {"label": "square", "confidence": 0.4, "x": 50, "y": 20, "w": 20, "h": 20}]


@pytest.fixture
def predicted(users):
    """A detection project with one image and a logged prediction of two boxes.

    The prediction row stands for what a served model said (these tests are about feedback, not training).
    """
    project = project_create(slug="shapes", name="Shapes", task="object_detection", labels=LABELS,
                             creator=users["engineer"])
    for role in ("annotator", "reviewer", "auditor"):
        project_member_add(project=project, user=users[role], actor=users["engineer"])
    item_id = images_import(project=project, files=[("a.png", png(96, 64, seed=1))], actor=users["engineer"])["items"][0]
    run = TrainingRun.objects.create(project=project, trigger="manual", status="succeeded")
    version = ModelVersion.objects.create(project=project, number=1, training_run=run, status="champion", metrics={},
                                          mlflow_run_id="r", registered_model_name="shapes", registered_version=1)
    return Prediction.objects.create(project=project, item_id=item_id, model_version=version, boxes=MODEL_BOXES,
                                     confidence=0.4, latency_ms=1.0, request_id="t", actor=users["annotator"])


def submit(api, prediction, body):
    return api.post(f"/api/v1/predictions/{prediction.pk}/feedback/", body, format="json")


def without_conf(boxes):
    return [{k: b[k] for k in ("label", "x", "y", "w", "h")} for b in boxes]


def test_accept_keeps_the_model_boxes_and_needs_no_review(predicted, users, client_for):
    response = submit(client_for(users["annotator"]), predicted, {"verdict": "accept"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "accepted" and body["flags"] == []
    assert body["resolved_boxes"] == without_conf(MODEL_BOXES)


@pytest.mark.parametrize("human,flags", [
    (without_conf(MODEL_BOXES), set()),                                                      # same boxes
    ([{**without_conf(MODEL_BOXES)[0], "x": 18}, without_conf(MODEL_BOXES)[1]], {"low_overlap"}),   # moved
    ([without_conf(MODEL_BOXES)[0]], {"false_positive"}),                                   # low-conf box deleted
    ([without_conf(MODEL_BOXES)[1]], {"false_positive", "confident_removal"}),              # 0.9 box deleted
    ([*without_conf(MODEL_BOXES), {"label": "triangle", "x": 70, "y": 40, "w": 15, "h": 15}], {"missed"}),  # drawn
    ([{**without_conf(MODEL_BOXES)[0], "label": "square"}, without_conf(MODEL_BOXES)[1]], {"label_changed"}),
    ([], {"false_positive", "confident_removal"}),                                           # nothing here
])
def test_corrections_are_flagged_by_disagreement(predicted, users, client_for, human, flags):
    response = submit(client_for(users["annotator"]), predicted, {"verdict": "correct", "boxes": human})
    assert response.status_code == 201, response.content
    body = response.json()
    assert {f["flag"] for f in body["flags"]} == flags
    assert body["status"] == ("pending_review" if flags else "accepted")
    assert body["boxes"] == human  # the first answer is kept exactly as given


@pytest.mark.parametrize("body", [
    {"verdict": "correct"}, {"verdict": "correct", "boxes": "none"},
    {"verdict": "correct", "boxes": [{"label": "hexagon", "x": 1, "y": 1, "w": 5, "h": 5}]},
    {"verdict": "correct", "boxes": [{"label": "circle", "x": 90, "y": 1, "w": 20, "h": 5}]},
    {"verdict": "correct", "boxes": [{"label": "circle", "x": 1, "y": 1, "w": -2, "h": 5}]},
    {"verdict": "correct", "label": "circle"}, {"verdict": "accept", "boxes": []},
])
def test_bad_box_feedback_is_400_and_stores_nothing(predicted, users, client_for, body):
    events = AuditEvent.objects.count()
    response = submit(client_for(users["annotator"]), predicted, body)
    assert response.status_code == 400, response.content
    assert not Feedback.objects.exists() and AuditEvent.objects.count() == events


def test_second_review_decides_what_trains(predicted, users, client_for, test_tmp):
    from apps.training.datasets import dataset_version_snapshot

    first = [without_conf(MODEL_BOXES)[0]]  # the annotator deletes the confident square... and keeps the circle
    feedback = submit(client_for(users["annotator"]), predicted, {"verdict": "correct", "boxes": first}).json()
    assert feedback["status"] == "pending_review"
    reviewer = client_for(users["reviewer"])
    queue = reviewer.get("/api/v1/projects/shapes/reviews/?status=pending").json()
    assert [e["id"] for e in queue["results"]] == [feedback["id"]]
    assert queue["results"][0]["predicted_boxes"] == MODEL_BOXES
    assert queue["results"][0]["annotator"] == users["annotator"].username  # who gave the first answer
    assert (queue["results"][0]["item_width"], queue["results"][0]["item_height"]) == (96, 64)
    assert {f["flag"] for f in queue["results"][0]["flags"]} == {"false_positive"}
    snapshot = dataset_version_snapshot(project=predicted.project, image_dir=test_tmp / "snap-1")
    assert snapshot.training == []  # pending feedback does not train yet
    final = [{"label": "circle", "x": 11, "y": 10, "w": 19, "h": 20}]
    assert client_for(users["annotator"]).post(f"/api/v1/feedback/{feedback['id']}/review/",
                                               {"boxes": final}, format="json").status_code == 403
    reviewed = reviewer.post(f"/api/v1/feedback/{feedback['id']}/review/", {"boxes": final, "notes": "tightened"},
                             format="json")
    assert reviewed.status_code == 201, reviewed.content
    body = reviewed.json()
    assert body["status"] == "reviewed" and body["review"]["boxes"] == final and body["boxes"] == first
    assert reviewer.get("/api/v1/projects/shapes/reviews/?status=pending").json()["count"] == 0
    assert reviewer.post(f"/api/v1/feedback/{feedback['id']}/review/", {"boxes": final},
                         format="json").status_code == 409
    (test_tmp / "snap-2").mkdir()
    snapshot = dataset_version_snapshot(project=predicted.project, image_dir=test_tmp / "snap-2")
    assert [row["boxes"] for row in snapshot.training] == [final]
    assert AuditEvent.objects.filter(action="feedback.reviewed").count() == 1


def test_review_refuses_bad_boxes(predicted, users, client_for):
    feedback = submit(client_for(users["annotator"]), predicted, {"verdict": "correct", "boxes": []}).json()
    response = client_for(users["reviewer"]).post(f"/api/v1/feedback/{feedback['id']}/review/",
                                                  {"boxes": [{"label": "hexagon", "x": 1, "y": 1, "w": 3, "h": 3}]},
                                                  format="json")
    assert response.status_code == 400
    assert Feedback.objects.get(pk=feedback["id"]).status == "pending_review"


def test_nobody_reviews_their_own_answer(predicted, users, client_for):
    from apps.projects.services import project_member_add

    project_member_add(project=predicted.project, user=users["admin"], actor=users["engineer"])
    api = client_for(users["admin"])  # an admin may annotate and review, but not the same answer
    feedback = submit(api, predicted, {"verdict": "correct", "boxes": []}).json()
    response = api.post(f"/api/v1/feedback/{feedback['id']}/review/", {"boxes": []}, format="json")
    assert response.status_code == 403 and "someone other" in response.json()["detail"]
    assert Feedback.objects.get(pk=feedback["id"]).status == "pending_review"
