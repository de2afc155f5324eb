"""GDPR Art. 32: every response that carries item content (text or image bytes) records one personal_data.read
event (ids, never content), in one audit append per request; predictions and refused requests record none."""
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.audit.services import actor_reference, compact_ids
from apps.core.tests.images import png
from apps.items.image_import import images_import
from apps.items.models import Item
from apps.projects.services import project_create, project_member_add

pytestmark = pytest.mark.django_db


def _new_events(before: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))


def _head() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _expand(compacted: list) -> list[int]:
    return [i for part in compacted for i in (range(part[0], part[1] + 1) if isinstance(part, list) else [part])]


def _audit_inserts(queries) -> int:
    return sum(1 for q in queries if q["sql"].lstrip().upper().startswith("INSERT")
               and "audit_auditevent" in q["sql"])


@pytest.mark.parametrize("ids, compacted", [([], []), ([5], [5]), ([3, 1, 2], [[1, 3]]),
                                            ([1, 2, 4, 5, 6, 9, 9], [1, 2, [4, 6], 9]), ([10, 11], [10, 11])])
def test_ids_are_compacted_into_runs(ids, compacted):
    assert compact_ids(ids) == compacted


def test_an_item_page_is_one_event_listing_its_ids_without_content(project, users, client_for):
    before = _head()
    api = client_for(users["annotator"])

    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/projects/tickets/items/", {"limit": 20, "offset": 3})

    assert response.status_code == 200
    page = response.json()["results"]
    (event,) = _new_events(before)
    assert _audit_inserts(queries) == 1  # one append for the whole page
    assert event.action == "personal_data.read" and event.project_slug == "tickets"
    assert event.actor_ref == actor_reference(users["annotator"]) and event.object_type == "items.item"
    assert event.details["via"] == "items.list" and event.details["count"] == len(page) == 20
    assert _expand(event.details["item_ids"]) == [row["id"] for row in page]
    stored = json.dumps(event.details)
    assert all(row["text"] not in stored for row in page)  # references, never the personal data


def test_an_item_read_and_an_image_read_are_each_one_event(users, client_for):
    project = project_create(slug="shapes", name="Shapes", task="object_detection", labels=["a", "b"],
                             creator=users["engineer"])
    project_member_add(project=project, user=users["annotator"], actor=users["engineer"])
    data = png(96, 64, seed=3)
    item_id = images_import(project=project, files=[("face.png", data)], actor=users["engineer"])["items"][0]
    api = client_for(users["annotator"])

    for url, via in ((f"/api/v1/items/{item_id}/", "items.detail"), (f"/api/v1/items/{item_id}/image/", "items.image")):
        before = _head()
        response = api.get(url)
        assert response.status_code == 200
        (event,) = _new_events(before)
        assert (event.action, event.object_id, event.details) == (
            "personal_data.read", str(item_id), {"via": via, "count": 1, "item_ids": [item_id]})
    assert b"".join(response.streaming_content) == data


def test_the_review_queue_records_its_items_and_predict_records_none(trained_project, users, client_for):
    api = client_for(users["annotator"])
    item_ids = list(Item.objects.filter(project=trained_project, split="pool").values_list("pk", flat=True)[:3])
    before = _head()
    response = api.post("/api/v1/projects/tickets/predict/", {"inputs": [{"item_id": i} for i in item_ids]},
                        format="json")
    assert response.status_code == 200
    assert not [e for e in _new_events(before) if e.action == "personal_data.read"]

    before = _head()
    queue = api.get("/api/v1/projects/tickets/queue/").json()["results"]

    (event,) = _new_events(before)
    assert event.action == "personal_data.read" and event.details["via"] == "feedback.queue"
    assert sorted(_expand(event.details["item_ids"])) == sorted(row["item_id"] for row in queue) and queue


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "labelstudio"])
def test_a_project_export_is_one_append_with_its_items(project, users, client_for, fmt):
    before = _head()

    with CaptureQueriesContext(connection) as queries:
        response = client_for(users["annotator"]).get("/api/v1/projects/tickets/export/", {"format": fmt})

    assert response.status_code == 200
    exported, read = _new_events(before)
    assert _audit_inserts(queries) == 1
    assert exported.action == "project.exported" and read.action == "personal_data.read"
    assert exported.created_at == read.created_at
    expected = list(Item.objects.filter(project=project).order_by("pk").values_list("pk", flat=True))
    assert _expand(read.details["item_ids"]) == expected and read.details["via"] == f"transfer.export.{fmt}"
    assert len(read.details["item_ids"]) <= 2  # one import, consecutive ids: a run or two, not 48 numbers


def test_empty_and_refused_reads_record_nothing(project, users, client_for):
    before = _head()
    item = Item.objects.filter(project=project).first()

    assert client_for(users["annotator"]).get("/api/v1/projects/tickets/items/", {"offset": 10_000}).status_code == 200
    assert client_for(users["outsider"]).get(f"/api/v1/items/{item.pk}/").status_code == 403
    assert client_for(users["outsider"]).get("/api/v1/projects/tickets/items/").status_code == 403
    assert client_for(users["annotator"]).get("/api/v1/items/999999/").status_code == 404

    assert _new_events(before) == []


def test_the_chain_verifies_after_reads(project, users, client_for):
    api = client_for(users["reviewer"])
    for _ in range(3):
        api.get("/api/v1/projects/tickets/items/")
    assert audit_chain_verify().ok
