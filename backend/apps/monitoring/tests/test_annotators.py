"""Automation-bias indicators per annotator on known answers and times; who may read whose indicators."""
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.tests.fixtures import make_user
from apps.feedback.models import Feedback
from apps.feedback.services import feedback_submit
from apps.predictions.models import Prediction
from apps.projects.services import project_member_add
from apps.training.models import ModelStatus

from .helpers import synthetic_predictions

pytestmark = pytest.mark.django_db
URL = "/api/v1/projects/tickets/monitoring/annotators/"


@pytest.fixture
def answers(trained_project, users):
    """ann: 4 answers (3 accepts, 1 correction) after 10, 20, 40, 400 s; two of the accepts on unsure predictions.
    ann2: 2 corrections after 5 and 7 s."""
    version = trained_project.model_versions.get(status=ModelStatus.CHAMPION)
    second = make_user("ann2", "annotator")
    project_member_add(project=trained_project, user=second, actor=users["engineer"])
    sure = synthetic_predictions(version, n=4, weights={"billing": 1}, seed=1, confidence=0.9)
    unsure = synthetic_predictions(version, n=2, weights={"billing": 1}, seed=2, confidence=0.3)
    plan = [(users["annotator"], sure[0], "accept", 10), (users["annotator"], unsure[0], "accept", 20),
            (users["annotator"], unsure[1], "accept", 40), (users["annotator"], sure[1], "correct", 400),
            (second, sure[2], "correct", 5), (second, sure[3], "correct", 7)]
    base = timezone.now() - timedelta(hours=1)
    for annotator, prediction, verdict, seconds in plan:
        feedback = feedback_submit(prediction=prediction, annotator=annotator, verdict=verdict,
                                   label="shipping" if verdict == "correct" else None, allow_auto_retrain=False)
        Prediction.objects.filter(pk=prediction.pk).update(created_at=base)
        Feedback.objects.filter(pk=feedback.pk).update(created_at=base + timedelta(seconds=seconds))
    return second


def test_indicators_on_known_answers(answers, users, client_for):
    response = client_for(users["auditor"]).get(URL)
    assert response.status_code == 200, response.content
    rows = {row["annotator"]: row for row in response.json()["annotators"]}
    assert rows["ann"] == {"annotator": "ann", "answers": 4, "accepted": 3, "accept_rate": 0.75, "corrected": 1,
                           "correction_rate": 0.25, "uncertain_answers": 2, "uncertain_accept_rate": 1.0,
                           "median_seconds": 30.0,  # (20 + 40) / 2
                           "gold_answers": 0, "gold_agreed": 0, "gold_agreement": None}
    assert rows["ann2"] == {"annotator": "ann2", "answers": 2, "accepted": 0, "accept_rate": 0.0, "corrected": 2,
                            "correction_rate": 1.0, "uncertain_answers": 0, "uncertain_accept_rate": None,
                            "median_seconds": 6.0, "gold_answers": 0, "gold_agreed": 0, "gold_agreement": None}


@pytest.mark.parametrize("who", ["engineer", "admin", "auditor"])
def test_overseers_see_every_annotator(answers, users, client_for, who):
    response = client_for(users[who]).get(URL)
    assert response.status_code == 200, response.content
    assert [row["annotator"] for row in response.json()["annotators"]] == ["ann", "ann2"]


def test_an_annotator_sees_only_their_own_indicators(answers, users, client_for):
    rows = client_for(answers).get(URL).json()["annotators"]
    assert [row["annotator"] for row in rows] == ["ann2"]
    assert [row["annotator"] for row in client_for(users["reviewer"]).get(URL).json()["annotators"]] == []


def test_non_members_and_bad_windows_are_refused(answers, users, client_for):
    assert client_for(users["outsider"]).get(URL).status_code == 403
    assert client_for(users["auditor"]).get(URL + "?days=0").status_code == 400
    assert client_for(users["auditor"]).get(URL + "?days=abc").status_code == 400


def test_the_window_leaves_older_answers_out(answers, users, client_for):
    Feedback.objects.filter(annotator=answers).update(created_at=timezone.now() - timedelta(days=20))
    rows = client_for(users["auditor"]).get(URL + "?days=7").json()["annotators"]
    assert [row["annotator"] for row in rows] == ["ann"]
