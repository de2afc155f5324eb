"""A contested detection prediction (GDPR Art. 22(3)) decided with corrected boxes: validated like box feedback,
stored, audited without coordinates or content, and the training answer at once (a reviewer decided it), with the
kind `reviewed`; bad boxes are refused and change nothing; the chain verifies."""
import pytest

from apps.audit.models import AuditEvent
from apps.audit.verify import verify_chain
from apps.feedback.models import Contest, ContestStatus, Feedback
from apps.feedback.selectors import latest_human_answers_with_provenance
from apps.items.services import items_latest_prediction_mark
from apps.training.datasets import dataset_version_snapshot
from apps.training.provenance import training_label_provenance

from .test_detection_feedback import MODEL_BOXES, predicted, without_conf  # noqa: F401 (predicted: a fixture)

pytestmark = pytest.mark.django_db
DECIDED = [{"label": "triangle", "x": 12, "y": 9, "w": 18, "h": 22},  # the model's circle was a triangle
           {"label": "square", "x": 70, "y": 40, "w": 15.5, "h": 15}]  # its square was elsewhere


@pytest.fixture
def contest(predicted, users, client_for):  # noqa: F811 (the fixture above)
    opened = client_for(users["annotator"]).post(f"/api/v1/predictions/{predicted.pk}/contest/",
                                                 {"reason": "the shape is a triangle"}, format="json")
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["predicted_boxes"] == MODEL_BOXES and (body["item_width"], body["item_height"]) == (96, 64)
    assert body["decided_boxes"] is None
    return body


def decide(client, contest, body):
    return client.post(f"/api/v1/contests/{contest['id']}/decide/", body, format="json")


def test_a_detection_contest_decided_with_boxes_trains_on_them(predicted, contest, users, client_for, test_tmp):  # noqa: F811
    items_latest_prediction_mark(predictions=[predicted])  # as /predict does: the item enters the queue
    reviewer = client_for(users["reviewer"])
    queue = reviewer.get("/api/v1/projects/shapes/queue/").json()["results"]
    assert queue[0]["prediction_id"] == predicted.pk and queue[0]["contested"]

    response = decide(reviewer, contest, {"boxes": DECIDED, "note": "looked at the image"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "decided" and body["decided_boxes"] == DECIDED and body["decided_label"] == ""
    decision = Feedback.objects.get(pk=body["decision_id"])
    assert (decision.verdict, decision.annotator, decision.comment) == ("correct", users["reviewer"], "looked at the image")
    assert decision.resolved_boxes == DECIDED and decision.boxes == DECIDED
    # The boxes disagree with the model's, and the flags say so, but a reviewer decided: no second review is owed.
    assert {f["flag"] for f in decision.flags} >= {"label_changed"} and decision.status == "accepted"
    assert reviewer.get("/api/v1/projects/shapes/reviews/?status=pending").json()["count"] == 0
    listed = reviewer.get("/api/v1/projects/shapes/contests/?status=decided").json()
    assert [(c["id"], c["decided_boxes"]) for c in listed] == [(contest["id"], DECIDED)]

    event = AuditEvent.objects.get(action="contest.decided")
    assert event.details == {"prediction": predicted.pk, "feedback": decision.pk, "verdict": "correct",
                             "predicted_boxes": 2, "decided_boxes": 2, "decided_labels": {"square": 1, "triangle": 1},
                             "flags": sorted({f["flag"] for f in decision.flags})}

    # The decision is the training answer, as a review is, and counts as reviewed (never capped as an accept).
    assert latest_human_answers_with_provenance(project=predicted.project) == {predicted.item_id: (DECIDED, "reviewed")}
    (test_tmp / "contest-snap").mkdir()
    snapshot = dataset_version_snapshot(project=predicted.project, image_dir=test_tmp / "contest-snap")
    assert [(row["item_id"], row["boxes"], row["provenance"]) for row in snapshot.training] == [
        (predicted.item_id, DECIDED, "reviewed")]
    assert training_label_provenance(dataset_version=snapshot.version)["reviewed"] == 1
    legacy = snapshot.version
    legacy.manifest = [row[:4] for row in legacy.manifest]  # a manifest from before provenance was stored per row
    assert training_label_provenance(dataset_version=legacy)["reviewed"] == 1
    assert verify_chain().ok


def test_keeping_the_model_boxes_is_a_reviewed_accept(predicted, contest, users, client_for):  # noqa: F811
    response = decide(client_for(users["reviewer"]), contest, {"note": ""})
    assert response.status_code == 200, response.content
    decision = Feedback.objects.get(pk=response.json()["decision_id"])
    assert (decision.verdict, decision.status, decision.flags) == ("accept", "accepted", [])
    assert response.json()["decided_boxes"] == without_conf(MODEL_BOXES)
    assert latest_human_answers_with_provenance(project=predicted.project) == {
        predicted.item_id: (without_conf(MODEL_BOXES), "reviewed")}


@pytest.mark.parametrize("body", [
    {"boxes": [{"label": "hexagon", "x": 1, "y": 1, "w": 5, "h": 5}]},           # not a label of the project
    {"boxes": [{"label": "circle", "x": 90, "y": 1, "w": 20, "h": 5}]},          # past the image's right edge
    {"boxes": [{"label": "circle", "x": 1, "y": 1, "w": -2, "h": 5}]},           # negative size
    {"boxes": [{"label": "circle", "x": 1, "y": 1, "w": 5}]},                    # no height
    {"boxes": [{"label": "circle", "x": "left", "y": 1, "w": 5, "h": 5}]},       # not a number
    {"boxes": "all of them"},                                                   # not a list
    {"label": "circle"},                                                        # a text answer
    {"label": "circle", "boxes": DECIDED},
])
def test_bad_boxes_are_400_and_change_nothing(predicted, contest, users, client_for, body):  # noqa: F811
    events = AuditEvent.objects.count()
    response = decide(client_for(users["reviewer"]), contest, body)
    assert response.status_code == 400, response.content
    assert any(response.json().values())  # a message says what is wrong
    assert not Feedback.objects.exists() and AuditEvent.objects.count() == events
    assert Contest.objects.get(pk=contest["id"]).status == ContestStatus.OPEN
    assert latest_human_answers_with_provenance(project=predicted.project) == {}
