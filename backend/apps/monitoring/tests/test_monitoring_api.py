"""The monitoring endpoint: daily buckets per version, the window, flags, thresholds, and who may read or change."""
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.monitoring.stats import CONFIDENCE_BINS
from apps.predictions.models import Prediction
from apps.training.models import ModelStatus

from .helpers import chain_ok, synthetic_predictions

pytestmark = pytest.mark.django_db
URL = "/api/v1/projects/tickets/monitoring/"


@pytest.fixture
def stream(trained_project):
    """30 predictions today at 0.9, 20 yesterday at 0.42, 5 forty days ago."""
    version = trained_project.model_versions.get(status=ModelStatus.CHAMPION)
    synthetic_predictions(version, n=30, weights={"billing": 1}, seed=1, confidence=0.9)
    for n, days, confidence, seed in ((20, 1, 0.42, 2), (5, 40, 0.5, 3)):
        rows = synthetic_predictions(version, n=n, weights={"shipping": 1}, seed=seed, confidence=confidence)
        Prediction.objects.filter(pk__in=[p.pk for p in rows]).update(created_at=timezone.now() - timedelta(days=days))
    return version


def test_daily_buckets_and_window_totals(stream, users, client_for):
    response = client_for(users["auditor"]).get(URL + "?days=7")
    assert response.status_code == 200, response.content
    body = response.json()
    (version,) = body["versions"]
    assert version["number"] == stream.number and body["feature"] == "text_length"
    assert [(d["predictions"], d["confidence"]["p50"]) for d in version["days"]] == [(20, 0.425), (30, 0.925)]
    window = version["window"]
    assert window["predictions"] == 50 and sum(window["confidence"]["histogram"]) == 50
    assert len(window["confidence"]["histogram"]) == CONFIDENCE_BINS
    assert window["labels"] == {"billing": 30, "shipping": 20}
    assert window["label_shift"]["test"] == "chi-square goodness of fit"
    assert window["input_shift"]["feature"] == "text_length" and sum(window["input_shift"]["current"]) == 50
    assert body["policy"]["window_days"] == 7 and body["flags"] == []
    longer = client_for(users["auditor"]).get(URL + "?days=60").json()["versions"][0]
    assert longer["window"]["predictions"] == 55 and len(longer["days"]) == 3


def test_version_filter_and_bad_parameters(stream, users, client_for):
    api = client_for(users["auditor"])
    assert api.get(URL + f"?version={stream.number + 1}").json()["versions"] == []
    assert len(api.get(URL + f"?version={stream.number}").json()["versions"]) == 1
    for query in ("?days=0", "?days=400", "?days=x", "?version=-1"):
        assert api.get(URL + query).status_code == 400, query


@pytest.mark.parametrize("who,status", [("auditor", 200), ("engineer", 200), ("admin", 200), ("annotator", 403),
                                        ("reviewer", 403), ("outsider", 403), ("nobody", 403)])
def test_who_reads_monitoring(stream, users, client_for, who, status):
    assert client_for(users[who]).get(URL).status_code == status


def test_thresholds_change_through_the_api_audited(stream, users, client_for):
    api = client_for(users["engineer"])
    response = api.patch(URL + "policy/", {"min_predictions": 10, "label_shift_min_distance": 0.2}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["min_predictions"] == 10
    event = AuditEvent.objects.get(action="monitoring.policy_updated")
    assert event.details == {"before": {"min_predictions": 100, "label_shift_min_distance": 0.1},
                             "after": {"min_predictions": 10, "label_shift_min_distance": 0.2}}
    for body in ({}, {"max_correction_rate": 2}, {"window_days": 0}, {"retrain_on_flag": "maybe"}):
        assert api.patch(URL + "policy/", body, format="json").status_code == 400, body
    assert client_for(users["auditor"]).patch(URL + "policy/", {"min_answers": 1}, format="json").status_code == 403
    assert AuditEvent.objects.filter(action="monitoring.policy_updated").count() == 1


@pytest.mark.parametrize("body,field", [
    ({"max_correction_rate": 1.5}, "max_correction_rate"), ({"max_disagreement_rate": -0.1}, "max_disagreement_rate"),
    ({"confident_threshold": 2}, "confident_threshold"), ({"shift_p_value": "low"}, "shift_p_value"),
    ({"label_shift_min_distance": 1.01}, "label_shift_min_distance"), ({"input_psi_threshold": 0}, "input_psi_threshold"),
    ({"window_days": 400}, "window_days"), ({"min_answers": -1}, "min_answers"),
    ({"min_predictions": 10, "max_correction_rate": 3}, "max_correction_rate"),
])
def test_a_refused_threshold_is_named_and_nothing_changes(project, users, client_for, body, field):
    """The web app shows the refusal at its field: the 400 names it; a valid field sent beside it is not saved."""
    api = client_for(users["admin"])
    response = api.patch(URL + "policy/", body, format="json")
    assert response.status_code == 400 and list(response.json()) == [field], response.content
    assert api.get(URL).json()["policy"]["min_predictions"] == 100
    assert not AuditEvent.objects.filter(action="monitoring.policy_updated").exists()


def test_only_changed_thresholds_are_written_and_audited(project, users, client_for):
    api = client_for(users["engineer"])
    assert api.patch(URL + "policy/", {"window_days": 7, "min_answers": 30}, format="json").status_code == 200
    assert not AuditEvent.objects.filter(action="monitoring.policy_updated").exists()  # the defaults, unchanged
    response = api.patch(URL + "policy/", {"window_days": 7, "max_correction_rate": 0.25, "retrain_on_flag": True},
                         format="json")
    assert response.status_code == 200 and response.json()["max_correction_rate"] == 0.25
    (event,) = AuditEvent.objects.filter(action="monitoring.policy_updated")
    assert event.details == {"before": {"max_correction_rate": 0.3, "retrain_on_flag": False},
                             "after": {"max_correction_rate": 0.25, "retrain_on_flag": True}}
    assert api.get(URL).json()["policy"]["retrain_on_flag"] is True
    assert chain_ok()


def test_check_now_raises_flags_shown_by_the_api(stream, users, client_for):
    client_for(users["engineer"]).patch(URL + "policy/", {"min_predictions": 10}, format="json")
    assert client_for(users["auditor"]).post(URL + "check/").status_code == 403
    response = client_for(users["engineer"]).post(URL + "check/")
    assert response.status_code == 200, response.content
    assert {f["kind"] for f in response.json()["raised"]} >= {"label_shift"}
    flags = client_for(users["auditor"]).get(URL).json()["flags"]
    assert {f["kind"] for f in flags} == {f["kind"] for f in response.json()["raised"]}
    assert all(f["model_version"] == stream.number and f["cleared_at"] is None for f in flags)
    assert chain_ok()
