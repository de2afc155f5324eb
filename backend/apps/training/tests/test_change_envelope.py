"""The envelope of pre-determined changes (AI Act Annex IV 2(f)): declared per project, checked by the promotion gate
on real trained candidates; outside it only an admin's approval with a reason promotes, and that is logged."""
import pytest

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.core.tests.fixtures import create_project, train_inline
from apps.training.models import ModelVersion, Trigger
from apps.training.services import training_run_execute, training_run_start

pytestmark = pytest.mark.django_db
URL = "/api/v1/projects/loop/change-envelope/"


@pytest.fixture
def loop(users):
    """A project with a champion, whose passing candidates are promoted without a human (to see the envelope stop
    that), and any candidate passes (min_improvement -1: this is about the envelope, not the metric)."""
    members = [users[r] for r in ("annotator", "auditor")]
    project = create_project(slug="loop", owner=users["engineer"], members=members, require_approval=False,
                             min_improvement=-1.0)
    train_inline(project, users["engineer"])
    return project


def _train(project, actor, **overrides) -> ModelVersion:
    run = training_run_start(project=project, trigger=Trigger.MANUAL, actor=actor, enqueue=False, overrides=overrides)
    return training_run_execute(run_id=run.pk).model_version


def _declare(client_for, users, **body):
    return client_for(users["engineer"]).put(URL, body, format="json")


def test_declare_read_and_refuse(loop, users, client_for):
    assert client_for(users["auditor"]).get(URL).json() == {"envelope": None}  # nothing declared yet
    response = _declare(client_for, users, param_ranges={"C": {"min": 1, "max": 8}, "k_folds": {"max": 5}})
    assert response.status_code == 200, response.content
    body = response.json()["envelope"]
    assert body["labels"] == loop.labels and body["model_family"] == "tfidf_logistic_regression"
    assert body["task"] == "text_classification" and body["updated_by"] == "eng"
    assert body["param_ranges"] == {"C": {"min": 1, "max": 8}, "k_folds": {"max": 5}}
    assert client_for(users["auditor"]).get(URL).json()["envelope"]["param_ranges"] == body["param_ranges"]
    event = AuditEvent.objects.get(action="project.envelope_set")
    assert event.details["before"] is None and event.details["after"]["param_ranges"]["C"] == {"min": 1, "max": 8}

    bad = _declare(client_for, users, param_ranges={"epochs": {"max": 3}})
    assert bad.status_code == 400 and "epochs is not a text_classification training parameter" in bad.json()["detail"]
    assert _declare(client_for, users, param_ranges={"C": {"min": 9, "max": 8}}).status_code == 400
    assert _declare(client_for, users, param_ranges={"C": {"min": "low"}}).status_code == 400
    assert _declare(client_for, users, labels=[]).status_code == 400
    assert _declare(client_for, users, model_family=-4.6e286).status_code == 400  # a number is not a name
    assert _declare(client_for, users, model_family="yolo 11n; drop").status_code == 400
    assert _declare(client_for, users, labels=[1, 2]).status_code == 400
    assert client_for(users["annotator"]).put(URL, {}, format="json").status_code == 403
    assert client_for(users["annotator"]).get(URL).status_code == 403
    assert AuditEvent.objects.filter(action="project.envelope_set").count() == 1  # refusals change nothing


def test_in_envelope_candidate_promotes_as_before(loop, users, client_for):
    _declare(client_for, users, param_ranges={"C": {"min": 1, "max": 8}, "max_iter": {"min": 100}})
    candidate = _train(loop, users["engineer"], C=2.0)
    assert candidate.gate["envelope"] == {"outside": []}
    assert candidate.gate["decision"] == "promoted" and candidate.status == "champion"


def test_out_of_envelope_candidate_waits_and_only_an_admin_with_a_reason_promotes(loop, users, client_for):
    _declare(client_for, users, param_ranges={"C": {"min": 1, "max": 8}})
    candidate = _train(loop, users["engineer"], C=16.0)
    assert candidate.status == "candidate" and candidate.gate["passed"] is True
    assert candidate.gate["decision"] == "outside_envelope"
    assert candidate.gate["envelope"]["outside"] == ["parameter C=16 is outside [1, 8]"]
    gate_event = AuditEvent.objects.filter(action="model.gate_decided", object_id=str(candidate.pk)).get()
    assert gate_event.details["envelope"]["outside"] == ["parameter C=16 is outside [1, 8]"]
    promote = f"/api/v1/model-versions/{candidate.pk}/promote/"
    run = client_for(users["engineer"]).get(f"/api/v1/training-runs/{candidate.training_run_id}/").json()
    assert run["model_version"]["outside_envelope"] == ["parameter C=16 is outside [1, 8]"]  # the training page says so

    engineer = client_for(users["engineer"]).post(promote, {"reason": "looks fine"}, format="json")
    assert engineer.status_code == 403 and "outside the project's envelope" in engineer.json()["detail"]
    assert "C=16" in engineer.json()["detail"] and engineer.json()["outside_envelope"]
    no_reason = client_for(users["admin"]).post(promote, {}, format="json")
    assert no_reason.status_code == 403 and "with a 'reason'" in no_reason.json()["detail"]
    candidate.refresh_from_db()
    assert candidate.status == "candidate"

    approved = client_for(users["admin"]).post(promote, {"reason": "C=16 validated offline on the March sample"},
                                               format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "champion" and approved.json()["approved_by"] == "root"
    event = AuditEvent.objects.filter(action="model.promoted", object_id=str(candidate.pk)).get()
    assert event.details["reason"] == "C=16 validated offline on the March sample"
    assert event.details["approved_outside_envelope"] == ["parameter C=16 is outside [1, 8]"]
    assert event.actor_role == "admin"
    card = client_for(users["auditor"]).get(f"/api/v1/model-versions/{candidate.pk}/model-card/").content.decode()
    assert "Envelope of pre-determined changes: outside:" in card and "parameter C=16 is outside \\[1, 8\\]" in card
    assert audit_chain_verify().ok


def test_labels_and_family_outside_the_envelope_are_named(loop, users, client_for):
    _declare(client_for, users, labels=["billing", "technical"], model_family="yolo11n")
    candidate = _train(loop, users["engineer"])
    assert candidate.gate["decision"] == "outside_envelope" and candidate.status == "candidate"
    assert candidate.gate["envelope"]["outside"] == [
        "labels changed (added ['shipping'], removed none)",
        "model family 'tfidf_logistic_regression' is not the declared 'yolo11n'"]


def test_first_version_outside_the_envelope_is_not_promoted_automatically(users, client_for):
    project = create_project(slug="loop", owner=users["engineer"], require_approval=False)
    _declare(client_for, users, param_ranges={"k_folds": {"max": 1}})
    first = train_inline(project, users["engineer"])
    assert first.status == "candidate" and first.gate["decision"] == "outside_envelope"
    assert first.gate["envelope"]["outside"] == ["parameter k_folds=2 is outside [-inf, 1]"]


def test_text_family_names_the_embedding_encoder():
    from apps.training.envelope import TEXT_FAMILY, model_family

    assert model_family(task="text_classification", params={}) == TEXT_FAMILY
    assert model_family(task="text_classification", params={"text_classification": {"model": "tfidf_lr"}}) == TEXT_FAMILY
    embedding = {"text_classification": {"model": "embedding_lr", "encoder": "all-MiniLM-L6-v2"}}
    assert model_family(task="text_classification", params=embedding) == "embedding_lr.all-MiniLM-L6-v2"
