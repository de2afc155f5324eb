"""First labels (apps.feedback.first_labels): a pool text no model has scored takes a label in the app, audited and
trained with the provenance `labelled`; every refusal changes nothing; only members who annotate may label."""
import hashlib

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.feedback.gold import gold_mark
from apps.items.models import Item
from apps.items.services import items_import
from apps.predictions.models import Prediction
from apps.predictions.services import predictions_record
from apps.projects.services import project_create, project_member_add
from apps.training.datasets import dataset_version_snapshot
from apps.training.models import ModelVersion, TrainingRun

pytestmark = pytest.mark.django_db
UNLABELLED = [f"printer {word} jammed again" for word in ("paper", "toner", "drum", "tray", "fuser", "roller")]


@pytest.fixture
def fresh(project, users):
    """`tickets` (imported labels, no model) with six unlabelled pool texts: the cold-start pool."""
    items_import(project=project, rows=[{"text": t} for t in UNLABELLED], actor=users["engineer"])
    return project


def unlabelled(project) -> list[Item]:
    return list(Item.objects.filter(project=project, split="pool", label__isnull=True).order_by("id"))


def cold_start_ids(api, slug="tickets") -> list[int]:
    page = api.get(f"/api/v1/projects/{slug}/queue/cold-start/?limit=100").json()
    return [entry["item_id"] for entry in page["results"]]


def label(api, item_id, value="billing", slug="tickets"):
    return api.post(f"/api/v1/projects/{slug}/items/{item_id}/label/", {"label": value}, format="json")


def test_a_first_label_is_stored_audited_and_trains_as_labelled(fresh, users, client_for):
    api = client_for(users["annotator"])
    item = unlabelled(fresh)[2]
    assert item.pk in cold_start_ids(api)
    response = label(api, item.pk, "technical")
    assert response.status_code == 201, response.content
    assert response.json()["item_id"] == item.pk and response.json()["label"] == "technical"
    item.refresh_from_db()
    assert (item.label, item.labelled_by, item.labelled_at is not None) == ("technical", users["annotator"], True)
    assert item.pk not in cold_start_ids(api) and len(cold_start_ids(api)) == len(UNLABELLED) - 1
    event = AuditEvent.objects.get(action="item.labelled")
    assert event.details == {"item": item.pk, "label": "technical", "provenance": "labelled"}
    assert (event.object_type, event.object_id, event.project_slug) == ("items.item", str(item.pk), "tickets")
    assert item.text not in str(event.details)
    snapshot = dataset_version_snapshot(project=fresh)
    rows = {row[0]: row for row in snapshot.version.manifest}
    assert rows[item.pk][1:3] == ["technical", 1.0] and rows[item.pk][4] == "labelled"
    counts = snapshot.version.counts
    assert counts["provenance"] == {"imported": counts["total"] - 1, "labelled": 1}
    assert counts["from_feedback"] == 1
    assert [r["provenance"] for r in snapshot.training if r["item_id"] == item.pk] == ["labelled"]
    assert audit_chain_verify().ok


def test_first_labels_count_toward_the_retrain_policy(fresh, users, client_for,
                                                    django_capture_on_commit_callbacks):
    """A new project labelled in the app trains by itself once `retrain_min_feedback` texts have labels: a first
    label is new training data, as a correction is, and is checked after the commit through the outbox."""
    from apps.core.models import OutboxMessage
    from apps.feedback.selectors import items_corrected_since
    from apps.training.services import training_retrain_if_due

    fresh.retrain_min_feedback = 2
    fresh.save(update_fields=["retrain_min_feedback"])
    api = client_for(users["annotator"])
    first, second = unlabelled(fresh)[:2]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert label(api, first.pk).status_code == 201
    assert len(callbacks) == 1  # the outbox sends the check after the commit
    assert [(m.task, m.args) for m in OutboxMessage.objects.all()] == [("training.retrain_check", [fresh.pk])]
    assert items_corrected_since(project=fresh, since=None) == 1
    assert training_retrain_if_due(project_id=fresh.pk) is None  # 1 of 2
    assert label(api, second.pk, "shipping").status_code == 201
    run = training_retrain_if_due(project_id=fresh.pk)
    assert run is not None and run.trigger == "feedback_threshold"
    # Labels given before the run began do not count again toward the next one.
    assert items_corrected_since(project=fresh, since=run.created_at) == 0


def test_a_first_label_without_a_retrain_policy_queues_nothing(fresh, users, client_for):
    from apps.core.models import OutboxMessage

    fresh.retrain_min_feedback = 0
    fresh.save(update_fields=["retrain_min_feedback"])
    assert label(client_for(users["annotator"]), unlabelled(fresh)[0].pk).status_code == 201
    assert not OutboxMessage.objects.exists()


def test_first_labels_are_not_held_back_as_unreviewed_accepts(fresh, users, client_for):
    fresh.max_unreviewed_accept_share = 0.0  # no unreviewed accept may train at all
    fresh.save(update_fields=["max_unreviewed_accept_share"])
    api = client_for(users["reviewer"])
    ids = [i.pk for i in unlabelled(fresh)[:3]]
    assert all(label(api, pk, "shipping").status_code == 201 for pk in ids)
    counts = dataset_version_snapshot(project=fresh).version.counts
    assert counts["provenance"]["labelled"] == 3 and counts["held_back"]["rows"] == 0


def _scored(project, item) -> None:
    run = TrainingRun.objects.create(project=project, trigger="manual", status="succeeded")
    version = ModelVersion.objects.create(project=project, number=1, training_run=run, status="champion", metrics={},
                                          mlflow_run_id="r", registered_model_name=project.slug, registered_version=1)
    predictions_record([Prediction(project=project, item=item, model_version=version, label="billing",
                                   confidence=0.5, probabilities={"billing": 0.5, "technical": 0.3, "shipping": 0.2},
                                   latency_ms=1.0, request_id="t")])


def _refused_state(project, users, case):
    """(the item to label, the label to send, the expected status, a word the message must hold)"""
    first = unlabelled(project)[0]
    if case == "unknown label":
        return first, "weather", 400, "Unknown label"
    if case == "holdout":
        return Item.objects.filter(project=project, split="holdout").first(), "billing", 400, "holdout"
    if case == "gold":
        gold_mark(project=project, item_id=first.pk, actor=users["reviewer"], label="billing")
        return first, "billing", 400, "gold"
    if case == "erased":
        Item.objects.filter(pk=first.pk).update(erased_at=timezone.now())
        return first, "billing", 404, "No such item"
    if case == "restricted":
        Item.objects.filter(pk=first.pk).update(restricted_at=timezone.now())
        return first, "billing", 409, "restricted"
    if case == "scored by a model":
        _scored(project, first)
        return first, "billing", 409, "review queue"
    if case == "already labelled (imported)":
        return Item.objects.filter(project=project, split="pool", label="shipping").first(), "billing", 409, "already"
    other = project_create(slug="other", name="Other", task="text_classification", labels=["billing", "x"],
                           creator=users["engineer"])
    items_import(project=other, rows=[{"text": "other project text"}], actor=users["engineer"])
    return Item.objects.get(project=other), "billing", 404, "No such item"  # an item of another project


@pytest.mark.parametrize("case", ["unknown label", "holdout", "gold", "erased", "restricted", "scored by a model",
                                  "already labelled (imported)", "another project's item"])
def test_each_refusal_is_clear_and_changes_nothing(fresh, users, client_for, case):
    item, value, status, word = _refused_state(fresh, users, case)
    before = Item.objects.values_list("pk", "label", "labelled_by", "labelled_at").get(pk=item.pk)
    events = AuditEvent.objects.count()
    response = label(client_for(users["annotator"]), item.pk, value)
    assert response.status_code == status, response.content
    assert word in response.json()["detail"]
    assert Item.objects.values_list("pk", "label", "labelled_by", "labelled_at").get(pk=item.pk) == before
    assert AuditEvent.objects.count() == events


def test_a_second_label_for_the_same_text_is_refused(fresh, users, client_for):
    item = unlabelled(fresh)[0]
    assert label(client_for(users["annotator"]), item.pk, "billing").status_code == 201
    second = label(client_for(users["reviewer"]), item.pk, "technical")
    assert second.status_code == 409 and "already has a label" in second.json()["detail"]
    item.refresh_from_db()
    assert (item.label, item.labelled_by) == ("billing", users["annotator"])
    assert AuditEvent.objects.filter(action="item.labelled").count() == 1


def test_a_detection_project_is_refused(users, client_for):
    project = project_create(slug="shapes", name="Shapes", task="object_detection", labels=["circle", "square"],
                             creator=users["engineer"])
    project_member_add(project=project, user=users["annotator"], actor=users["engineer"])
    item = Item.objects.create(project=project, content_hash=hashlib.sha256(b"img").hexdigest(), width=4, height=4,
                               storage_key="x.png")
    response = label(client_for(users["annotator"]), item.pk, "circle", slug="shapes")
    assert response.status_code == 400 and "text projects" in response.json()["detail"]
    assert not AuditEvent.objects.filter(action="item.labelled").exists()


@pytest.mark.parametrize("who, status", [("auditor", 403), ("engineer", 403), ("outsider", 403), ("nobody", 403)])
def test_only_members_who_annotate_may_label(fresh, users, client_for, who, status):
    item = unlabelled(fresh)[0]
    response = label(client_for(users[who]), item.pk)
    assert response.status_code == status, response.content
    item.refresh_from_db()
    assert item.label is None and not AuditEvent.objects.filter(action="item.labelled").exists()


def test_a_malformed_body_is_a_400(fresh, users, client_for):
    item = unlabelled(fresh)[0]
    api = client_for(users["annotator"])
    assert api.post(f"/api/v1/projects/tickets/items/{item.pk}/label/", {}, format="json").status_code == 400
    assert label(api, item.pk, "x" * 500).status_code == 400
    item.refresh_from_db()
    assert item.label is None
