"""The gate, promotion and rollback, with MLflow's alias following every switch."""
import pytest
from django.conf import settings

from ai_models.tracking import get_alias_version
from apps.core.tests.fixtures import create_project, tiny_texts, train_inline
from apps.items.services import items_import
from apps.training.models import ModelVersion

pytestmark = pytest.mark.django_db


def alias(project) -> int | None:
    return get_alias_version(tracking_uri=settings.MLFLOW_TRACKING_URI, name=project.slug, alias="champion")


def improve(project, users, n=20):
    """More clean training data: the next candidate beats the champion on the same holdout."""
    items_import(project=project, rows=tiny_texts(n, seed=77), actor=users["engineer"])


def weaken(project, users):
    """Wrong labels for many pool items (as a confused annotator's import): the next candidate is worse."""
    rows = [{**r, "label": {"billing": "shipping", "shipping": "technical", "technical": "billing"}[r["label"]]}
            for r in tiny_texts(40, seed=99)]
    items_import(project=project, rows=rows, actor=users["engineer"])


@pytest.fixture
def weak_champion_project(users):
    """A project whose first champion learned from mostly wrong labels, so that clean data beats it."""
    project = create_project(slug="gate", owner=users["engineer"], n_per_label=3, holdout_per_label=6)
    weaken(project, users)
    train_inline(project, users["engineer"])
    improve(project, users, n=60)
    return project


def test_passing_candidate_waits_for_approval_then_promotes(weak_champion_project, users, client_for):
    project = weak_champion_project
    champion = ModelVersion.objects.get(project=project)
    candidate = train_inline(project, users["engineer"])
    assert candidate.gate["passed"] is True and candidate.gate["delta"] > 0, candidate.gate
    assert candidate.status == "candidate" and candidate.gate["decision"] == "awaiting_approval"
    assert candidate.gate["champion_version"] == champion.number
    assert candidate.gate["champion_metrics_same_holdout"]["n"] == 18
    response = client_for(users["engineer"]).post(f"/api/v1/model-versions/{candidate.pk}/promote/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "champion" and response.json()["approved_by"] == "eng"
    champion.refresh_from_db()
    assert champion.status == "archived"
    assert alias(project) == candidate.registered_version


def test_worse_candidate_is_rejected_and_needs_a_reason(trained_project, users, client_for):
    first = ModelVersion.objects.get(project=trained_project)
    weaken(trained_project, users)
    candidate = train_inline(trained_project, users["engineer"])
    assert candidate.status == "rejected" and candidate.gate["passed"] is False
    assert candidate.gate["delta"] < 0
    api = client_for(users["engineer"])
    refused = api.post(f"/api/v1/model-versions/{candidate.pk}/promote/", {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["detail"]
    assert alias(trained_project) == first.registered_version
    forced = api.post(f"/api/v1/model-versions/{candidate.pk}/promote/", {"reason": "hotfix for labels"}, format="json")
    assert forced.status_code == 200 and forced.json()["promotion_reason"] == "hotfix for labels"
    assert alias(trained_project) == candidate.registered_version
    assert api.post(f"/api/v1/model-versions/{candidate.pk}/promote/", {"reason": "again"},
                    format="json").status_code == 409


def test_automatic_promotion_without_approval(weak_champion_project, users):
    project = weak_champion_project
    project.require_approval = False
    project.save()
    candidate = train_inline(project, users["engineer"])
    assert candidate.status == "champion" and candidate.gate["decision"] == "promoted"
    assert alias(project) == candidate.registered_version


def test_min_improvement_is_required(weak_champion_project, users):
    project = weak_champion_project
    project.min_improvement = 0.9  # more than any candidate can gain here
    project.save()
    candidate = train_inline(project, users["engineer"])
    assert candidate.status == "rejected" and 0 < candidate.gate["delta"] < 0.9


def test_rollback_restores_the_previous_champion(trained_project, users, client_for):
    first = ModelVersion.objects.get(project=trained_project)
    weaken(trained_project, users)
    second = train_inline(trained_project, users["engineer"])
    api = client_for(users["engineer"])
    api.post(f"/api/v1/model-versions/{second.pk}/promote/", {"reason": "try it"}, format="json")
    assert alias(trained_project) == second.registered_version
    response = api.post("/api/v1/projects/tickets/rollback/", {"reason": "worse in production"}, format="json")
    assert response.status_code == 200 and response.json()["number"] == first.number
    second.refresh_from_db()
    assert second.status == "archived" and second.rolled_back_at is not None
    assert alias(trained_project) == first.registered_version
    again = api.post("/api/v1/projects/tickets/rollback/", {}, format="json")
    assert again.status_code == 409  # v1 was the first champion: nothing before it


def test_failed_training_leaves_the_champion(trained_project, users, monkeypatch):
    from ai_models.stages import model_training

    champion = ModelVersion.objects.get(project=trained_project)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(model_training, "run", broken)
    with pytest.raises(RuntimeError):
        train_inline(trained_project, users["engineer"])
    run = trained_project.training_runs.order_by("-id").first()
    assert run.status == "failed" and "disk full" in run.error
    champion.refresh_from_db()
    assert champion.status == "champion" and alias(trained_project) == champion.registered_version


def test_a_correction_changes_the_next_model(trained_project, users, client_for):
    """A text the model gets wrong, corrected once, is predicted with the corrected label after retraining."""
    trained_project.require_approval = False
    trained_project.min_improvement = -1.0  # accept any candidate: this test is about learning, not the gate
    trained_project.feedback_weight = 5.0
    trained_project.save()
    api = client_for(users["annotator"])
    text = "zorblax quantum widget"
    before = api.post("/api/v1/projects/tickets/predict/", {"text": text}, format="json").json()["predictions"][0]
    wanted = next(label for label in trained_project.labels if label != before["label"])
    api.post(f"/api/v1/predictions/{before['id']}/feedback/", {"verdict": "correct", "label": wanted}, format="json")
    version = train_inline(trained_project, users["engineer"])
    assert version.status == "champion"
    after = api.post("/api/v1/projects/tickets/predict/", {"text": text}, format="json").json()
    assert after["model_version"] == version.number
    assert after["predictions"][0]["label"] == wanted


def test_approving_a_candidate_compared_with_an_older_champion_needs_a_reason(weak_champion_project, users,
                                                                                client_for):
    project = weak_champion_project
    first_candidate = train_inline(project, users["engineer"])
    second_candidate = train_inline(project, users["engineer"])
    assert first_candidate.gate["passed"] and second_candidate.gate["passed"]
    api = client_for(users["engineer"])
    assert api.post(f"/api/v1/model-versions/{second_candidate.pk}/promote/", {}, format="json").status_code == 200
    stale = api.post(f"/api/v1/model-versions/{first_candidate.pk}/promote/", {}, format="json")
    assert stale.status_code == 400 and "serves now" in stale.json()["detail"]


def test_a_score_that_was_not_a_number_sends_the_candidate_to_a_human(weak_champion_project, users):
    """The evaluate stage writes NaN scores as null (JSON has no NaN): the gate cannot compare, it never crashes or
    promotes, it asks a human."""
    from apps.training.promotion import promotion_gate_apply

    project = weak_champion_project
    project.require_approval = False
    project.save()
    candidate = train_inline(project, users["engineer"])  # passes and becomes champion: the next one is compared
    nan_candidate = train_inline(project, users["engineer"])
    decided = promotion_gate_apply(model_version=nan_candidate, champion_metrics={"f1_macro": None, "n": 1},
                                   champion_number=candidate.number)
    assert decided.gate["decision"] == "needs_review" and "no finite f1_macro" in decided.gate["reason"]
    assert ModelVersion.objects.get(project=project, status="champion") == candidate
