"""A text project's model family (Project.text_model): set through the settings API (validated, audited), used by
its retraining (the run's params, the DVC snapshot), named in the model card, and held to a declared envelope: a
family the envelope does not declare trains, but its candidates wait for an admin's logged approval."""
import json

import pytest

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.core.tests.fixtures import create_project, train_inline
from apps.predictions.model_cache import serving_cache_clear
from apps.training.pipeline import run_paths

pytestmark = pytest.mark.django_db
URL = "/api/v1/projects/loop/"


@pytest.fixture
def loop(users):
    members = [users[r] for r in ("annotator", "auditor")]
    return create_project(slug="loop", owner=users["engineer"], members=members, require_approval=False,
                          min_improvement=-1.0)


def _set(client_for, user, value):
    return client_for(user).patch(URL, {"text_model": value}, format="json")


def test_the_setting_is_validated_and_audited(loop, users, client_for):
    assert client_for(users["auditor"]).get(URL).json()["text_model"] == "tfidf_lr"
    response = _set(client_for, users["engineer"], "embedding_lr")
    assert response.status_code == 200, response.content
    assert response.json()["text_model"] == "embedding_lr"
    event = AuditEvent.objects.filter(action="project.updated").latest("seq")
    assert event.details == {"text_model": {"before": "tfidf_lr", "after": "embedding_lr", "envelope": None}}

    events = AuditEvent.objects.count()
    bad = _set(client_for, users["engineer"], "bert_finetune")
    assert bad.status_code == 400 and "text_model" in bad.json(), bad.json()
    assert _set(client_for, users["engineer"], None).status_code == 400
    assert _set(client_for, users["annotator"], "tfidf_lr").status_code == 403
    assert AuditEvent.objects.count() == events
    loop.refresh_from_db()
    assert loop.text_model == "embedding_lr"


def test_a_detection_project_has_no_text_model(users, client_for):
    created = client_for(users["engineer"]).post("/api/v1/projects/", {
        "slug": "boxes", "name": "Boxes", "task": "object_detection", "labels": ["cat", "dog"],
        "text_model": "embedding_lr"}, format="json")
    assert created.status_code == 400 and "text classification projects only" in created.json()["detail"]


def test_an_embedding_project_trains_gates_promotes_and_serves_its_family(loop, users, client_for):
    first = train_inline(loop, users["engineer"])
    assert first.status == "champion" and first.training_run.params["text_classification"]["model"] == "tfidf_lr"
    assert _set(client_for, users["engineer"], "embedding_lr").status_code == 200
    loop.refresh_from_db()

    second = train_inline(loop, users["engineer"])
    run = second.training_run
    assert run.params["text_classification"]["model"] == "embedding_lr"
    manifest = json.loads((run_paths(run.pk).raw / "manifest.json").read_text())
    assert manifest["text_model"] == "embedding_lr"  # what `dvc repro`'s training stages read
    summary = json.loads((run_paths(run.pk).model / "train_summary.json").read_text())
    assert summary["text_model"]["model"] == "embedding_lr"
    assert summary["text_model"]["encoder"]["id"] == "all-MiniLM-L6-v2"
    # gated against the TF-IDF champion on the same holdout, then promoted (min_improvement -1, no approval)
    assert second.gate["champion_version"] == first.number and second.status == "champion"
    card = second.model_card["model"]
    assert card["algorithm"].startswith("Sentence embeddings of the frozen encoder all-MiniLM-L6-v2")
    assert card["encoder"] == "all-MiniLM-L6-v2"
    assert card["encoder_fingerprint"] == summary["text_model"]["encoder"]["fingerprint"]
    document = client_for(users["auditor"]).get(f"/api/v1/model-versions/{second.pk}/model-card/").content.decode()
    assert "all-MiniLM-L6-v2" in document and "encoder_fingerprint" in document
    assert "Bag-of-words" not in document and "Bag-of-words" in json.dumps(first.model_card)

    serving_cache_clear()
    answer = client_for(users["annotator"]).post("/api/v1/projects/loop/predict/",
                                                 {"inputs": [{"text": "refund the invoice"}]}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["model_version"] == second.number
    probabilities = body["predictions"][0]["probabilities"]
    assert set(probabilities) == set(loop.labels) and abs(sum(probabilities.values()) - 1) < 1e-6
    assert audit_chain_verify().ok


def test_a_family_outside_the_envelope_waits_for_an_admin(loop, users, client_for):
    train_inline(loop, users["engineer"])
    declared = client_for(users["engineer"]).put("/api/v1/projects/loop/change-envelope/", {}, format="json")
    assert declared.json()["envelope"]["model_family"] == "tfidf_logistic_regression"  # what it trains now
    assert _set(client_for, users["engineer"], "embedding_lr").status_code == 200
    event = AuditEvent.objects.filter(action="project.updated").latest("seq")
    assert event.details["text_model"]["envelope"] == "outside"
    loop.refresh_from_db()

    candidate = train_inline(loop, users["engineer"])
    assert candidate.status == "candidate" and candidate.gate["decision"] == "outside_envelope"
    assert candidate.gate["envelope"]["outside"] == [
        "model family 'embedding_lr.all-MiniLM-L6-v2' is not the declared 'tfidf_logistic_regression'"]
    promote = f"/api/v1/model-versions/{candidate.pk}/promote/"
    refused = client_for(users["engineer"]).post(promote, {"reason": "better"}, format="json")
    assert refused.status_code == 403
    approved = client_for(users["admin"]).post(promote, {"reason": "embedding family validated"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "champion"
    promoted = AuditEvent.objects.filter(action="model.promoted", object_id=str(candidate.pk)).get()
    assert "embedding_lr.all-MiniLM-L6-v2" in promoted.details["approved_outside_envelope"][0]

    # declaring the embedding family makes the next one of that family inside again
    client_for(users["engineer"]).put("/api/v1/projects/loop/change-envelope/",
                                      {"model_family": "embedding_lr.all-MiniLM-L6-v2"}, format="json")
    assert train_inline(loop, users["engineer"]).gate["envelope"] == {"outside": []}
