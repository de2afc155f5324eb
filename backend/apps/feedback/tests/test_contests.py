"""Objection and human intervention (GDPR Art. 21, 22(3)): a contested prediction goes to the top of the review
queue, answered or not, until a reviewer other than the contester decides it; the decision is an answer that trains;
both are audited and the chain verifies."""
import pytest

from apps.audit.models import AuditEvent
from apps.audit.verify import verify_chain
from apps.feedback.models import Contest, Feedback
from apps.feedback.selectors import latest_human_answers_with_provenance

pytestmark = pytest.mark.django_db


def predict(api, texts):
    response = api.post("/api/v1/projects/tickets/predict/", {"inputs": [{"text": t} for t in texts]}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["predictions"]


def test_a_contest_jumps_the_queue_until_a_reviewer_decides(trained_project, users, client_for):
    annotator, reviewer = client_for(users["annotator"]), client_for(users["reviewer"])
    predictions = predict(annotator, ["invoice refund please", "parcel never came", "app crashes on start"])
    confident = max(predictions, key=lambda p: p["confidence"])
    assert annotator.post(f"/api/v1/predictions/{confident['id']}/feedback/", {"verdict": "accept"},
                          format="json").status_code == 201
    queue = annotator.get("/api/v1/projects/tickets/queue/").json()["results"]
    assert confident["id"] not in [e["prediction_id"] for e in queue]  # answered: out of the queue

    opened = annotator.post(f"/api/v1/predictions/{confident['id']}/contest/",
                            {"reason": "the customer says this was not about billing"}, format="json")
    assert opened.status_code == 201 and opened.json()["status"] == "open"
    queue = reviewer.get("/api/v1/projects/tickets/queue/").json()["results"]  # a reviewer, who can decide it
    assert queue[0]["prediction_id"] == confident["id"] and queue[0]["contested"]
    assert not any(e["contested"] for e in queue[1:])
    queue = annotator.get("/api/v1/projects/tickets/queue/").json()["results"]  # they answered it already
    assert confident["id"] not in [e["prediction_id"] for e in queue]
    again = annotator.post(f"/api/v1/predictions/{confident['id']}/contest/", {"reason": "twice"}, format="json")
    assert again.status_code == 409

    contest_id = opened.json()["id"]
    other = next(label for label in trained_project.labels if label != confident["label"])
    assert annotator.post(f"/api/v1/contests/{contest_id}/decide/", {"label": other},
                          format="json").status_code == 403  # an annotator is no reviewer
    decided = reviewer.post(f"/api/v1/contests/{contest_id}/decide/", {"label": other, "note": "read the ticket"},
                            format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "decided"
    decision = Feedback.objects.get(pk=decided.json()["decision_id"])
    assert (decision.verdict, decision.resolved_label, decision.annotator) == ("correct", other, users["reviewer"])
    # The decision trains at once, as a reviewed answer (a reviewer gave it), in place of the annotator's accept.
    answers = latest_human_answers_with_provenance(project=trained_project)
    assert answers[decision.item_id] == (other, "reviewed")
    queue = reviewer.get("/api/v1/projects/tickets/queue/").json()["results"]
    assert confident["id"] not in [e["prediction_id"] for e in queue]
    assert reviewer.post(f"/api/v1/contests/{contest_id}/decide/", {"label": other},
                         format="json").status_code == 409
    actions = list(AuditEvent.objects.filter(action__in=["prediction.contested", "contest.decided"])
                   .values_list("action", flat=True).order_by("seq"))
    assert actions == ["prediction.contested", "contest.decided"]
    listed = reviewer.get("/api/v1/projects/tickets/contests/?status=all").json()
    assert [c["id"] for c in listed] == [contest_id]
    assert verify_chain().ok


def test_the_contester_cannot_decide_and_bad_input_changes_nothing(trained_project, users, client_for):
    reviewer = client_for(users["reviewer"])
    prediction = predict(reviewer, ["refund for the double charge"])[0]
    url = f"/api/v1/predictions/{prediction['id']}/contest/"
    assert reviewer.post(url, {}, format="json").status_code == 400
    assert reviewer.post(url, {"reason": "   "}, format="json").status_code == 400
    assert client_for(users["outsider"]).post(url, {"reason": "x"}, format="json").status_code in (403, 404)
    assert not Contest.objects.exists()
    contest = reviewer.post(url, {"reason": "wrong"}, format="json").json()
    own = reviewer.post(f"/api/v1/contests/{contest['id']}/decide/", {"label": prediction["label"]}, format="json")
    assert own.status_code == 403
    admin = client_for(users["admin"])
    assert admin.post(f"/api/v1/contests/{contest['id']}/decide/", {}, format="json").status_code == 400
    kept = admin.post(f"/api/v1/contests/{contest['id']}/decide/", {"label": prediction["label"]}, format="json")
    assert kept.status_code == 200
    decision = Feedback.objects.get(pk=kept.json()["decision_id"])
    assert decision.verdict == "accept" and kept.json()["decided_label"] == prediction["label"]
    # Keeping the model's label is a reviewer's judgement, not an unreviewed accept the training cap would hold back.
    answers = latest_human_answers_with_provenance(project=trained_project)
    assert answers[decision.item_id] == (prediction["label"], "reviewed")
