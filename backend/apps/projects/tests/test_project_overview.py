"""The project list's overview fields: champion with its promotion metric, queue length, reviews waiting."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.tests.fixtures import create_project
from apps.feedback.models import Feedback, FeedbackStatus, Verdict
from apps.predictions.models import Prediction
from apps.training.models import ModelVersion

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/projects/"


def _listed(api, slug):
    response = api.get(LIST_URL)
    assert response.status_code == 200, response.content
    return next(p for p in response.json() if p["slug"] == slug)


def test_a_new_project_has_no_champion_and_nothing_waiting(project, users, client_for):
    listed = _listed(client_for(users["annotator"]), "tickets")
    assert (listed["champion"], listed["queue_count"], listed["pending_reviews"]) == (None, 0, 0)
    detail = client_for(users["annotator"]).get("/api/v1/projects/tickets/").json()
    assert detail == listed


def test_champion_queue_and_pending_reviews_follow_the_loop(trained_project, users, client_for):
    annotator, reviewer = client_for(users["annotator"]), client_for(users["reviewer"])
    champion = ModelVersion.objects.get(project=trained_project, status="champion")
    texts = [{"text": f"my parcel {i} never arrived, courier lost it"} for i in range(3)]
    assert annotator.post("/api/v1/projects/tickets/predict/", {"inputs": texts}, format="json").status_code == 200

    listed = _listed(annotator, "tickets")

    assert listed["champion"] == {"id": champion.pk, "number": champion.number, "metric": "f1_macro",
                                  "value": champion.metrics["f1_macro"]}
    queue = annotator.get("/api/v1/projects/tickets/queue/").json()
    assert listed["queue_count"] == queue["count"] >= 3

    first = queue["results"][0]
    assert annotator.post(f"/api/v1/predictions/{first['prediction_id']}/feedback/", {"verdict": "accept"},
                          format="json").status_code == 201
    prediction = Prediction.objects.get(pk=queue["results"][1]["prediction_id"])
    Feedback.objects.create(  # a flagged answer, as a detection disagreement makes one
        project=trained_project, prediction=prediction, item=prediction.item, annotator=users["annotator"],
        verdict=Verdict.CORRECT, label="billing", resolved_label="billing", flags=[{"flag": "label_changed"}],
        status=FeedbackStatus.PENDING_REVIEW)

    listed = _listed(annotator, "tickets")

    assert listed["queue_count"] == annotator.get("/api/v1/projects/tickets/queue/").json()["count"] == \
        queue["count"] - 2
    assert listed["pending_reviews"] == reviewer.get("/api/v1/projects/tickets/reviews/").json()["count"] == 1


def test_champion_value_is_null_when_the_metric_is_missing(trained_project, users, client_for):
    trained_project.promotion_metric = "accuracy"
    trained_project.save()
    champion = ModelVersion.objects.get(project=trained_project, status="champion")
    assert _listed(client_for(users["engineer"]), "tickets")["champion"]["value"] == champion.metrics["accuracy"]
    ModelVersion.objects.filter(pk=champion.pk).update(metrics={"n": 1})
    assert _listed(client_for(users["engineer"]), "tickets")["champion"] == {
        "id": champion.pk, "number": champion.number, "metric": "accuracy", "value": None}


def test_the_list_costs_one_queue_count_per_project_and_no_more(project, users, client_for):
    api = client_for(users["admin"])
    api.get(LIST_URL)  # warm up (roles, token)
    with CaptureQueriesContext(connection) as one:
        api.get(LIST_URL)
    for i in range(3):
        create_project(slug=f"extra-{i}", owner=users["engineer"], n_per_label=1, holdout_per_label=1, seed=i)

    with CaptureQueriesContext(connection) as four:
        response = api.get(LIST_URL)

    assert len(response.json()) == 4
    assert len(four.captured_queries) - len(one.captured_queries) == 3
