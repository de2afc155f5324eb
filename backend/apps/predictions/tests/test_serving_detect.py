"""Box predictions on the fast path (serving/detect.py): the same answer and rows as the view, one model call for
concurrent requests, and every request the fast path should not answer goes to the view."""
import pytest

from apps.accounts.tokens import token_create
from apps.audit.models import AuditEvent
from apps.audit.verify import verify_chain
from apps.core.tests.fixtures import make_user, train_inline
from apps.items.models import Item
from apps.predictions.models import Prediction
from apps.predictions.services import uncertainty_scores
from apps.predictions.tests import fast_path
from apps.predictions.tests.fast_path import head
from apps.projects.services import project_create, project_member_add
from apps.training.tests.test_detection_training import make_detection_project

pytestmark = pytest.mark.live
SLUG = "fast-shapes"


@pytest.fixture(scope="module")
def site(serving_db):
    users = {"annotator": make_user("det-ann", "annotator"), "engineer": make_user("det-eng", "ml_engineer"),
             "reviewer": make_user("det-rev", "reviewer"), "auditor": make_user("det-aud", "auditor")}
    project = make_detection_project(users, slug=SLUG, n=6, holdout=2)
    train_inline(project, users["engineer"])
    project.refresh_from_db()
    pool = list(Item.objects.filter(project=project, split="pool").order_by("id"))
    return users, project, pool


def post_all(bodies: list, token: str, slug: str = SLUG) -> list:
    return fast_path.post_all(bodies, token, slug=slug)


def ids(items) -> dict:
    return {"inputs": [{"item_id": item.pk} for item in items]}


def test_boxes_and_rows_are_the_views(site, batcher, client_for):
    users, project, pool = site
    since, token = head(), token_create(user=users["annotator"])
    fast = post_all([ids(pool[:2])], token)[0]
    view = client_for(users["annotator"]).post(f"/api/v1/projects/{SLUG}/predict/", ids(pool[:2]), format="json")
    assert fast.status_code == view.status_code == 200, fast.content
    assert batcher.jobs == 1
    strip = [{k: p[k] for k in ("item_id", "confidence", "boxes")} for p in fast.json()["predictions"]]
    assert strip == [{k: p[k] for k in ("item_id", "confidence", "boxes")} for p in view.json()["predictions"]]
    assert fast.json()["model_version"] == view.json()["model_version"]
    stored = Prediction.objects.filter(pk__in=[p["id"] for p in fast.json()["predictions"]]).order_by("id")
    assert [(p.item_id, p.boxes, p.confidence, p.label, p.probabilities, p.batch_size, p.actor_id) for p in stored] == [
        (item.pk, answer["boxes"], answer["confidence"], "", {}, 2, users["annotator"].pk)
        for item, answer in zip(pool[:2], fast.json()["predictions"], strict=True)]
    assert all(p.model_version.status == "champion" and p.latency_ms > 0 for p in stored)
    view_rows = Prediction.objects.filter(pk__in=[p["id"] for p in view.json()["predictions"]])
    assert all(p.started_at is not None and p.started_at <= p.created_at for p in [*stored, *view_rows])
    # The queue strategies' scores, filled by the store function (PostgreSQL) as by predictions_record (the view).
    assert [(p.margin, p.entropy) for p in stored] == [uncertainty_scores(probabilities=None, boxes=p.boxes)
                                                       for p in stored]
    assert sorted((p.margin, p.entropy) for p in view_rows) == sorted((p.margin, p.entropy) for p in stored)
    event = AuditEvent.objects.get(seq__gt=since, action="predictions.created", details__group_commit=True)
    assert event.details["ids"] == sorted(p.pk for p in stored) and event.details["items_created"] == 0
    assert verify_chain().ok


def test_concurrent_requests_share_a_model_call_and_pointers_move(site, batcher):
    users, _, pool = site
    token = token_create(user=users["annotator"])
    bodies = [ids([pool[n % len(pool)], pool[(n + 1) % len(pool)]]) for n in range(8)]
    responses = post_all(bodies, token)
    assert [r.status_code for r in responses] == [200] * 8
    for body, response in zip(bodies, responses, strict=True):
        assert [p["item_id"] for p in response.json()["predictions"]] == [i["item_id"] for i in body["inputs"]]
    answers = [p for r in responses for p in r.json()["predictions"]]
    assert len({a["id"] for a in answers}) == 16 and batcher.jobs == 8 and batcher.batches < 8
    latency = Prediction.objects.filter(pk__in=[a["id"] for a in answers]).values_list("latency_ms", flat=True)
    assert len(set(latency)) < 8  # requests batched together share their one model call's time
    newest = {}
    for answer in answers:
        newest[answer["item_id"]] = max(newest.get(answer["item_id"], 0), answer["id"])
    assert dict(Item.objects.filter(pk__in=newest).values_list("pk", "latest_prediction_id")) == newest
    assert verify_chain().ok


def test_what_the_fast_path_does_not_answer_goes_to_the_view(site, batcher, settings):
    users, project, pool = site
    token = token_create(user=users["annotator"])
    other = project_create(slug="fast-shapes-other", name="Other", task="object_detection", labels=["circle", "square"],
                           creator=users["engineer"])
    project_member_add(project=other, user=users["annotator"], actor=users["engineer"])
    Item.objects.filter(pk=pool[5].pk).update(restricted_at="2026-01-01T00:00:00Z")
    try:
        unknown, restricted, no_champion = post_all([{"inputs": [{"item_id": 10**12}]},
                                                     ids([pool[0], pool[5]])], token) + post_all(
            [ids(pool[:1])], token, slug=other.slug)
        settings.PREDICT_SYNC_MAX_IMAGES = 2
        queued = post_all([ids(pool[:3])], token)[0]
    finally:
        Item.objects.filter(pk=pool[5].pk).update(restricted_at=None)
    assert unknown.status_code == 400 and "inputs[0]" in unknown.text
    assert restricted.status_code == 400 and "inputs[1]" in restricted.text
    assert no_champion.status_code == 409
    assert queued.status_code == 202 and queued.json()["batch"]["total"] == 3
    assert batcher.jobs == 3 and not any(Prediction.objects.filter(request_id=r.headers["x-request-id"]).exists()
                                         for r in (unknown, restricted, no_champion))
    assert verify_chain().ok


def test_an_item_restricted_before_the_store_is_refused_whole(site, batcher):
    """The store function re-checks the items it points at: one restricted after the caller read it (HL003, or its
    SQLite transaction) leaves the group unstored and its request to the view, which refuses it."""
    from django.db import connection

    from apps.predictions.serving import detect

    users, _, pool = site
    token = token_create(user=users["annotator"])
    authorize = detect._authorize

    def restrict_after(job, access, at):
        allowed = authorize(job, access, at)
        Item.objects.filter(pk=pool[4].pk).update(restricted_at="2026-01-01T00:00:00Z")
        return allowed

    before = Prediction.objects.count()
    detect._authorize = restrict_after
    try:
        response = post_all([ids([pool[3], pool[4]])], token)[0]
    finally:
        detect._authorize = authorize
        Item.objects.filter(pk=pool[4].pk).update(restricted_at=None)
    if connection.vendor == "postgresql":
        assert response.status_code == 400 and "inputs[1]" in response.text
        assert Prediction.objects.count() == before
    assert verify_chain().ok
