import pytest

from apps.audit.models import AuditEvent
from apps.feedback.models import Feedback
from apps.training.models import TrainingRun

pytestmark = pytest.mark.django_db


def predict(api, texts, slug="tickets"):
    response = api.post(f"/api/v1/projects/{slug}/predict/", {"inputs": [{"text": t} for t in texts]}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["predictions"]


def test_queue_is_unanswered_least_confident_first(trained_project, users, client_for):
    api = client_for(users["annotator"])
    predictions = predict(api, ["invoice refund", "something unclear happened", "parcel courier tracking late",
                                "crash error bug freezes"])
    queue = api.get("/api/v1/projects/tickets/queue/").json()
    confidences = [e["confidence"] for e in queue["results"]]
    assert queue["count"] == 4 and confidences == sorted(confidences)
    assert {"prediction_id", "item_id", "text", "label", "probabilities", "model_version"} <= set(queue["results"][0])
    answered = queue["results"][0]["prediction_id"]
    assert api.post(f"/api/v1/predictions/{answered}/feedback/", {"verdict": "accept"}, format="json").status_code == 201
    after = api.get("/api/v1/projects/tickets/queue/").json()
    assert after["count"] == 3 and answered not in [e["prediction_id"] for e in after["results"]]
    assert {p["id"] for p in predictions} >= {e["prediction_id"] for e in after["results"]}


def test_queue_shows_an_item_once_with_its_latest_prediction(trained_project, users, client_for):
    api = client_for(users["annotator"])
    first = predict(api, ["invoice refund please"])[0]
    second = predict(api, ["invoice refund please"])[0]
    results = api.get("/api/v1/projects/tickets/queue/").json()["results"]
    assert [e["prediction_id"] for e in results] == [second["id"]]
    assert first["item_id"] == second["item_id"]


def test_accept_and_correct_are_stored_as_given(trained_project, users, client_for):
    api = client_for(users["annotator"])
    p1, p2 = predict(api, ["refund for the invoice", "tracking number for my parcel"])
    accept = api.post(f"/api/v1/predictions/{p1['id']}/feedback/", {"verdict": "accept"}, format="json")
    assert accept.status_code == 201
    assert accept.json()["resolved_label"] == p1["label"] and accept.json()["label"] is None
    correct = api.post(f"/api/v1/predictions/{p2['id']}/feedback/",
                       {"verdict": "correct", "label": "technical", "comment": "tracking page crashes"}, format="json")
    assert correct.status_code == 201
    stored = Feedback.objects.get(pk=correct.json()["id"])
    assert (stored.verdict, stored.label, stored.resolved_label, stored.comment) == (
        "correct", "technical", "technical", "tracking page crashes")
    event = AuditEvent.objects.filter(action="feedback.submitted").last()
    assert event.details["label"] == "technical" and event.details["model_version"] == 1
    assert "tracking page crashes" not in str(event.details)


@pytest.mark.parametrize("body", [
    {"verdict": "correct", "label": "weather"}, {"verdict": "correct"}, {"verdict": "maybe"}, {},
    {"verdict": "accept", "label": "__other__"},
])
def test_bad_feedback_is_400_and_stores_nothing(trained_project, users, client_for, body):
    api = client_for(users["annotator"])
    prediction = predict(api, ["parcel never arrived"])[0]
    if body.get("label") == "__other__":
        body = {**body, "label": next(lb for lb in trained_project.labels if lb != prediction["label"])}
    events = AuditEvent.objects.count()
    response = api.post(f"/api/v1/predictions/{prediction['id']}/feedback/", body, format="json")
    assert response.status_code == 400, response.content
    assert not Feedback.objects.exists() and AuditEvent.objects.count() == events


@pytest.mark.parametrize("who,status", [("reviewer", 201), ("auditor", 403), ("outsider", 403), ("engineer", 403)])
def test_feedback_permissions(trained_project, users, client_for, who, status):
    prediction = predict(client_for(users["annotator"]), ["crash on login"])[0]
    response = client_for(users[who]).post(f"/api/v1/predictions/{prediction['id']}/feedback/",
                                           {"verdict": "accept"}, format="json")
    assert response.status_code == status


def test_unknown_prediction_404(trained_project, users, client_for):
    response = client_for(users["annotator"]).post("/api/v1/predictions/999999/feedback/", {"verdict": "accept"},
                                                   format="json")
    assert response.status_code == 404


def test_corrections_trigger_a_retrain_after_commit(trained_project, users, client_for,
                                                     django_capture_on_commit_callbacks):
    from apps.training.services import training_retrain_if_due

    trained_project.retrain_min_feedback = 2
    trained_project.save()
    api = client_for(users["annotator"])
    p1, p2 = predict(api, ["invoice problem", "courier lost it"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        api.post(f"/api/v1/predictions/{p1['id']}/feedback/", {"verdict": "correct", "label": "technical"},
                 format="json")
    assert len(callbacks) == 1  # the retrain check is queued for after the commit, never run inside it
    assert training_retrain_if_due(project_id=trained_project.pk) is None  # 1 of 2 corrections
    api.post(f"/api/v1/predictions/{p2['id']}/feedback/", {"verdict": "correct", "label": "technical"}, format="json")
    run = training_retrain_if_due(project_id=trained_project.pk)
    assert run is not None and run.trigger == "feedback_threshold" and run.status == "queued"
    assert training_retrain_if_due(project_id=trained_project.pk) is None  # one active run at a time
    assert TrainingRun.objects.filter(project=trained_project, trigger="feedback_threshold").count() == 1


def test_many_corrections_of_one_item_count_once_toward_a_retrain(trained_project, users, client_for):
    """Defect 10: one annotator correcting one prediction 50 times must not start a run (distinct items count)."""
    from apps.training.services import training_retrain_if_due

    trained_project.retrain_min_feedback = 3
    trained_project.save()
    api = client_for(users["annotator"])
    first, second, third = predict(api, ["invoice problem", "courier lost it", "app crashes on start"])
    for i in range(50):
        response = api.post(f"/api/v1/predictions/{first['id']}/feedback/",
                            {"verdict": "correct", "label": ["technical", "shipping", "billing"][i % 3]}, format="json")
        assert response.status_code == 201
    again = predict(api, ["invoice problem"])[0]  # a new prediction of the same item is still the same item
    api.post(f"/api/v1/predictions/{again['id']}/feedback/", {"verdict": "correct", "label": "shipping"}, format="json")
    api.post(f"/api/v1/predictions/{second['id']}/feedback/", {"verdict": "accept"}, format="json")  # no correction
    assert training_retrain_if_due(project_id=trained_project.pk) is None  # 52 answers, 1 corrected item
    api.post(f"/api/v1/predictions/{second['id']}/feedback/", {"verdict": "correct", "label": "billing"}, format="json")
    assert training_retrain_if_due(project_id=trained_project.pk) is None  # 2 items
    api.post(f"/api/v1/predictions/{third['id']}/feedback/", {"verdict": "correct", "label": "billing"}, format="json")
    run = training_retrain_if_due(project_id=trained_project.pk)  # 3 items
    assert run is not None and run.trigger == "feedback_threshold"
