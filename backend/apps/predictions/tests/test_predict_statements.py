"""A predict request costs a constant number of SQL statements, whatever the number of texts in it.

Items are resolved for the whole request at once (one SELECT by content hash, one INSERT … ON CONFLICT DO NOTHING
for the new ones), predictions go in with one multi-row INSERT and the items' latest-prediction pointers move in one
UPDATE. The only growth allowed is Django splitting a multi-row INSERT where the backend limits the parameters of
one statement (SQLite: 999); on PostgreSQL the counts are equal.
"""
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.items.models import Item
from apps.predictions.models import Prediction

pytestmark = pytest.mark.django_db
SIZES = (1, 100, 1000)


def _insert_batches(model, n: int) -> int:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return math.ceil(n / min(1000, connection.ops.bulk_batch_size(fields, [None] * n)))


def _split_inserts(n: int, *, new: bool) -> int:
    """Statements beyond one per multi-row INSERT, where the backend splits them (0 on PostgreSQL)."""
    return (_insert_batches(Item, n) - 1 if new else 0) + _insert_batches(Prediction, n) - 1


def _predict(api, inputs) -> tuple[int, list[dict]]:
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/api/v1/projects/tickets/predict/", {"inputs": inputs}, format="json")
    assert response.status_code == 200, response.content
    return len(queries), response.json()["predictions"]


def test_statements_per_request_do_not_grow_with_the_texts(trained_project, users, client_for):
    api = client_for(users["annotator"])
    _predict(api, [{"text": "warm up the serving model"}])
    new, known, by_id = {}, {}, {}
    for n in SIZES:
        texts = [f"statement count {n} text {i}" for i in range(n)]
        new[n], first = _predict(api, [{"text": t} for t in texts])
        known[n], again = _predict(api, [{"text": t} for t in texts])
        by_id[n], third = _predict(api, [{"item_id": p["item_id"]} for p in first])
        assert [p["item_id"] for p in again] == [p["item_id"] for p in third] == [p["item_id"] for p in first]
        assert len(set(p["item_id"] for p in first)) == n
    counts = {"new": new, "known": known, "item_id": by_id}
    print("statements per request", counts)  # noqa: T201 - the numbers for the report (pytest -s)
    for n in SIZES:
        assert new[n] == new[1] + _split_inserts(n, new=True), counts
        assert known[n] == known[1] + _split_inserts(n, new=False), counts
        assert by_id[n] == by_id[1] + _split_inserts(n, new=False), counts
    assert known[1] < new[1]  # known texts need no INSERT of items at all


def test_a_request_stores_each_item_once_and_answers_in_order(trained_project, users, client_for):
    """Duplicates inside one request (also after stripping) are one item; the answer keeps the request's order,
    and the item points at the request's last prediction of it."""
    known = Item.objects.filter(project=trained_project, split="pool").first()
    inputs = [{"text": "my parcel never came"}, {"item_id": known.pk}, {"text": "  my parcel never came "},
              {"text": known.text}, {"text": "a second new text"}]
    before = Item.objects.count()
    _, predictions = _predict(client_for(users["annotator"]), inputs)
    ids = [p["item_id"] for p in predictions]
    assert ids[0] == ids[2] and ids[1] == ids[3] == known.pk and len(set(ids)) == 3
    assert Item.objects.count() == before + 2
    assert [p["id"] for p in predictions] == sorted(p["id"] for p in predictions)
    for item_id in set(ids):
        last = max(p["id"] for p in predictions if p["item_id"] == item_id)
        assert Item.objects.get(pk=item_id).latest_prediction_id == last
    event = AuditEvent.objects.filter(action="predictions.created").last()
    assert event.details["count"] == 5 and event.details["items_created"] == 2
    assert event.details["ids"] == [p["id"] for p in predictions] and event.object_id == str(predictions[0]["id"])


def test_the_insert_returns_only_the_items_it_created(trained_project, users):
    """What a request counts as created when another request inserted the same text first (the row exists by the
    time of the INSERT): the existing row is skipped, not returned, not changed — on SQLite as on PostgreSQL."""
    from apps.items.services import _insert_skipping_existing, content_hash

    existing = Item.objects.filter(project=trained_project).first()
    rows = [Item(project=trained_project, content_hash=h, text=t, source="predict", created_by=users["annotator"])
            for h, t in [(existing.content_hash, existing.text), (content_hash("brand new"), "brand new")]]
    inserted = _insert_skipping_existing(rows)
    assert list(inserted) == [content_hash("brand new")]
    assert Item.objects.get(pk=inserted[content_hash("brand new")]).text == "brand new"
    unchanged = Item.objects.get(pk=existing.pk)
    assert (unchanged.source, unchanged.created_by_id) == (existing.source, existing.created_by_id)
