"""The fast path's store (serving/direct.py on PostgreSQL, the batch transaction on SQLite) writes what the view
writes: the same item rows, pointers at the newest prediction, one item per text under concurrency, a chain that
verifies."""
import pytest
from django.forms.models import model_to_dict

from apps.accounts.tokens import token_create
from apps.audit.models import AuditEvent
from apps.audit.verify import verify_chain
from apps.core.tests.fixtures import create_project, make_user, train_inline
from apps.items.models import Item
from apps.predictions.models import Prediction
from apps.predictions.services import uncertainty_scores
from apps.predictions.tests import fast_path
from apps.predictions.tests.fast_path import head

pytestmark = pytest.mark.live
SLUG = "direct-tickets"
SAME_AS_VIEW = ("label", "boxes", "storage_key", "file_name", "content_type", "width", "height", "split",
                "subject_ref", "source", "created_by", "erased_at", "project")


@pytest.fixture(scope="module")
def site(serving_db):
    users = {role: make_user(f"direct-{role[:3]}", role) for role in ("annotator", "ml_engineer")}
    project = create_project(slug=SLUG, owner=users["ml_engineer"], seed=5, members=[users["annotator"]])
    train_inline(project, users["ml_engineer"])
    project.refresh_from_db()
    return users, project


def post_all(bodies: list, token: str) -> list:
    return fast_path.post_all(bodies, token, slug=SLUG)


def test_items_of_new_texts_are_the_rows_the_view_would_write(site, batcher, client_for):
    users, project = site
    fast = post_all([{"text": "where is my parcel, direct"}], token_create(user=users["annotator"]))[0]
    view = client_for(users["annotator"]).post(f"/api/v1/projects/{SLUG}/predict/",
                                               {"text": "where is my parcel, by the view"}, format="json")
    assert fast.status_code == view.status_code == 200
    assert batcher.jobs == 1
    rows = [Item.objects.get(pk=r.json()["predictions"][0]["item_id"]) for r in (fast, view)]
    assert [model_to_dict(item, fields=SAME_AS_VIEW) for item in rows] == [
        model_to_dict(rows[1], fields=SAME_AS_VIEW)] * 2
    predictions = [Prediction.objects.get(pk=r.json()["predictions"][0]["id"]) for r in (fast, view)]
    for item, prediction in zip(rows, predictions, strict=True):
        assert item.latest_prediction_id == prediction.pk
        assert prediction.started_at is not None and prediction.started_at <= prediction.created_at  # Art. 12(3)(a)
        assert prediction.actor_id == users["annotator"].pk and prediction.model_version.status == "champion"
        # The queue strategies' scores: the store function (PostgreSQL) fills them as predictions_record does.
        assert prediction.margin is not None and (prediction.margin, prediction.entropy) == uncertainty_scores(
            probabilities=prediction.probabilities, boxes=None)


def test_the_same_new_texts_at_once_make_one_item_each(site, batcher):
    """Clients racing with the same new texts (in different orders): every answer for a text names one item, each
    item points at its newest prediction, and every prediction is listed in exactly one event."""
    users, _ = site
    since, token = head(), token_create(user=users["annotator"])
    texts = [f"charged twice for order {i}, race" for i in range(6)]
    bodies = [{"inputs": [{"text": t} for t in (texts if n % 2 else texts[::-1])]} for n in range(16)]
    responses = post_all(bodies, token)
    assert [r.status_code for r in responses] == [200] * 16
    answers = [p for r in responses for p in r.json()["predictions"]]
    by_text = {}
    for body, response in zip(bodies, responses, strict=True):
        for given, answer in zip(body["inputs"], response.json()["predictions"], strict=True):
            by_text.setdefault(given["text"], set()).add(answer["item_id"])
    assert all(len(ids) == 1 for ids in by_text.values()) and len(by_text) == 6
    items = Item.objects.filter(pk__in=[next(iter(ids)) for ids in by_text.values()])
    newest = {i: max(a["id"] for a in answers if a["item_id"] == i) for i in items.values_list("pk", flat=True)}
    assert {item.pk: item.latest_prediction_id for item in items} == newest
    events = AuditEvent.objects.filter(seq__gt=since, action="predictions.created", project_slug=SLUG)
    listed = [pk for event in events for pk in event.details["ids"]]
    assert sorted(listed) == sorted(a["id"] for a in answers)
    assert sum(event.details["items_created"] for event in events) == 6
    assert verify_chain().ok


def test_known_texts_create_no_items_and_move_the_pointers(site, batcher):
    users, _ = site
    token = token_create(user=users["annotator"])
    body = {"inputs": [{"text": f"app crashes on start {i}"} for i in range(30)]}
    first = post_all([body], token)[0].json()["predictions"]
    since = head()
    again = post_all([body], token)[0].json()["predictions"]
    assert [a["item_id"] for a in again] == [a["item_id"] for a in first]
    event = AuditEvent.objects.get(seq__gt=since, action="predictions.created", project_slug=SLUG)
    assert event.details["items_created"] == 0 and event.details["count"] == 30
    assert event.object_id == str(again[0]["id"])
    pointers = dict(Item.objects.filter(pk__in=[a["item_id"] for a in again]).values_list("pk", "latest_prediction"))
    assert pointers == {a["item_id"]: a["id"] for a in again}
    assert verify_chain().ok

