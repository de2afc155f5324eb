"""Gold items (AI Act Art. 14(4)(b), 15(4)) through the API: a reviewer marks items gold; they appear unseen in each
annotator's queue at the project's gold_rate, at the positions the seeded draw gives; answers to them are scored,
shown in the annotator indicators, and never become training labels; marking and unmarking are audited."""
import pytest

from apps.audit.models import AuditEvent
from apps.audit.verify import verify_chain
from apps.core.tests.fixtures import make_user, tiny_texts
from apps.feedback.models import Feedback, GoldItem
from apps.feedback.queue import gold_slot_positions
from apps.projects.services import project_member_add
from apps.training.datasets import dataset_version_snapshot

pytestmark = pytest.mark.django_db
QUEUE = "/api/v1/projects/tickets/queue/"
GOLD = "/api/v1/projects/tickets/gold/"


def predict(api, texts):
    response = api.post("/api/v1/projects/tickets/predict/", {"inputs": [{"text": t} for t in texts]}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["predictions"]


def whole_queue(api) -> list[dict]:
    entries, offset = [], 0
    while True:
        page = api.get(f"{QUEUE}?limit=7&offset={offset}").json()  # pages that cut across gold slots
        entries += page["results"]
        offset += 7
        if offset >= page["count"]:
            assert len(entries) == page["count"]
            return entries


@pytest.fixture
def gold_setup(trained_project, users, client_for):
    """40 predicted pool items; 6 of them marked gold by the reviewer (trusted label: the opposite of a correct
    prediction would be artificial, so: the model's label for 3, another label for 3); gold_rate 0.2."""
    engineer, reviewer = client_for(users["engineer"]), client_for(users["reviewer"])
    texts = [row["text"] for row in tiny_texts(14, seed=7)][:40]
    predictions = predict(client_for(users["annotator"]), texts)
    assert engineer.patch("/api/v1/projects/tickets/", {"gold_rate": 0.2}, format="json").status_code == 200
    trusted = {}
    for i, p in enumerate(predictions[:6]):
        label = p["label"] if i < 3 else next(lb for lb in trained_project.labels if lb != p["label"])
        response = reviewer.post(GOLD, {"item_id": p["item_id"], "label": label}, format="json")
        assert response.status_code == 201, response.content
        trusted[p["item_id"]] = label
    trained_project.refresh_from_db()
    return {"predictions": predictions, "trusted": trusted}


def test_gold_items_score_an_annotator(gold_setup, trained_project, users, client_for):
    annotator, auditor = client_for(users["annotator"]), client_for(users["auditor"])
    trusted = gold_setup["trusted"]
    entries = whole_queue(annotator)
    # 34 ordinary entries, with a gold item at each gold slot before the last of them: 0.2 of the queue is gold.
    slots = gold_slot_positions(project=trained_project, user=users["annotator"], upto=len(entries))
    assert [i for i, e in enumerate(entries) if e["item_id"] in trusted] == slots[:6]
    assert len(entries) == 34 + min(6, len(slots)) and len(slots) == round(0.2 * len(entries))
    assert {e["item_id"] for e in entries} >= set(trusted)
    ordinary = next(e for e in entries if e["item_id"] not in trusted)
    for entry in (e for e in entries if e["item_id"] in trusted):  # indistinguishable in shape and flags
        assert set(entry) == set(ordinary) and not entry["contested"]
        assert entry["scored_by_champion"] == ordinary["scored_by_champion"]
    # The same draw for the same person; another person's slots are drawn apart.
    assert [e["item_id"] for e in whole_queue(annotator)] == [e["item_id"] for e in entries]
    other = make_user("ann2", "annotator")
    project_member_add(project=trained_project, user=other, actor=users["engineer"])
    assert gold_slot_positions(project=trained_project, user=other, upto=40) != slots

    # The annotator accepts every gold prediction: right for 3, wrong for the 3 whose trusted label differs.
    for entry in (e for e in entries if e["item_id"] in trusted):
        answer = annotator.post(f"/api/v1/predictions/{entry['prediction_id']}/feedback/", {"verdict": "accept"},
                                format="json")
        assert answer.status_code == 201
        assert "gold_agrees" not in answer.json() and "gold" not in str(answer.json())
    scored = Feedback.objects.filter(annotator=users["annotator"], gold_agrees__isnull=False)
    assert scored.count() == 6 and scored.filter(gold_agrees=True).count() == 3
    after = [e["item_id"] for e in whole_queue(annotator)]
    assert not set(after) & set(trusted) and len(after) == 34  # answered gold leaves their queue only
    assert set(trusted) <= {e["item_id"] for e in whole_queue(client_for(other))}

    rows = {r["annotator"]: r for r in auditor.get("/api/v1/projects/tickets/monitoring/annotators/").json()
            ["annotators"]}
    assert (rows["ann"]["gold_answers"], rows["ann"]["gold_agreed"], rows["ann"]["gold_agreement"]) == (6, 3, 0.5)
    own = annotator.get("/api/v1/projects/tickets/monitoring/annotators/").json()["annotators"]
    assert [(r["gold_answers"], r["gold_agreement"]) for r in own] == [(None, None)]  # not revealed to them
    listed = client_for(users["reviewer"]).get(GOLD).json()
    assert listed["count"] == 6 and sum(g["answers"] for g in listed["results"]) == 6
    assert sum(g["agreed"] for g in listed["results"]) == 3
    assert verify_chain().ok


def test_gold_answers_are_never_training_labels(gold_setup, trained_project, users, client_for):
    annotator = client_for(users["annotator"])
    trusted = gold_setup["trusted"]
    gold_predictions = [p for p in gold_setup["predictions"] if p["item_id"] in trusted]
    ordinary = next(p for p in gold_setup["predictions"] if p["item_id"] not in trusted)
    for p in [*gold_predictions, ordinary]:
        other = next(lb for lb in trained_project.labels if lb != p["label"])
        assert annotator.post(f"/api/v1/predictions/{p['id']}/feedback/", {"verdict": "correct", "label": other},
                              format="json").status_code == 201
    snapshot = dataset_version_snapshot(project=trained_project)
    rows = {row[0]: row for row in snapshot.version.manifest}
    assert not set(rows) & set(trusted)  # neither the gold answers nor the gold items train
    assert rows[ordinary["item_id"]][4] == "human_corrected"
    assert snapshot.version.counts["gold_excluded"] == 6
    # Unmarked, an item trains again, but its scored answers still do not (it has no other label: it is left out).
    item_id = gold_predictions[0]["item_id"]
    reviewer = client_for(users["reviewer"])
    assert reviewer.delete(f"{GOLD}{item_id}/").status_code == 204
    assert reviewer.delete(f"{GOLD}{item_id}/").status_code == 404
    assert item_id not in {row[0] for row in dataset_version_snapshot(project=trained_project).version.manifest}
    assert list(AuditEvent.objects.filter(action__startswith="gold.").values_list("action", flat=True)
                .order_by("seq")) == ["gold.marked"] * 6 + ["gold.unmarked"]
    assert verify_chain().ok


def test_marking_gold_is_for_reviewers_and_bad_input_changes_nothing(trained_project, users, client_for):
    p = predict(client_for(users["annotator"]), ["invoice refund overdue"])[0]
    body = {"item_id": p["item_id"], "label": trained_project.labels[0]}
    for who in ("annotator", "auditor", "outsider", "engineer"):
        assert client_for(users[who]).post(GOLD, body, format="json").status_code in (403, 404)
    events = AuditEvent.objects.count()
    reviewer = client_for(users["reviewer"])
    for bad in ({"item_id": p["item_id"], "label": "weather"}, {"item_id": p["item_id"]},
                {"item_id": p["item_id"], "boxes": []}, {"item_id": 10**12, "label": trained_project.labels[0]},
                {"label": trained_project.labels[0]}, {"item_id": "x", "label": trained_project.labels[0]}):
        assert reviewer.post(GOLD, bad, format="json").status_code in (400, 404), bad
    holdout = trained_project.items.filter(split="holdout").first()
    assert reviewer.post(GOLD, {"item_id": holdout.pk, "label": holdout.label}, format="json").status_code == 400
    assert not GoldItem.objects.exists() and AuditEvent.objects.count() == events
    assert client_for(users["auditor"]).get(GOLD).status_code == 200
    assert client_for(users["annotator"]).get(GOLD).status_code == 403
    for value in (-0.1, 0.6):
        assert client_for(users["engineer"]).patch("/api/v1/projects/tickets/", {"gold_rate": value},
                                                   format="json").status_code == 400


def test_a_contested_gold_item_reaches_the_reviewers_once(gold_setup, users, client_for):
    gold_prediction = next(p for p in gold_setup["predictions"] if p["item_id"] in gold_setup["trusted"])
    annotator, reviewer = client_for(users["annotator"]), client_for(users["reviewer"])
    assert annotator.post(f"/api/v1/predictions/{gold_prediction['id']}/contest/", {"reason": "wrong team"},
                          format="json").status_code == 201
    entries = whole_queue(reviewer)  # the reviewer marked the gold items: none is mixed into their own queue...
    assert entries[0]["item_id"] == gold_prediction["item_id"] and entries[0]["contested"]  # ...but a contest is owed
    assert {e["item_id"] for e in entries} & set(gold_setup["trusted"]) == {gold_prediction["item_id"]}
    assert [e["item_id"] for e in entries].count(gold_prediction["item_id"]) == 1
