"""Answers on the fast path (apps.predictions.serving.feedback): stored with their audit events before the 201,
the same body and headers as the view's, every answer the fast path does not serve exactly given to the view."""
import pytest

from apps.accounts.tokens import token_create
from apps.audit.models import AuditEvent
from apps.audit.verify import verify_chain
from apps.core.models import OutboxMessage
from apps.core.tests.fixtures import create_project, make_user, train_inline
from apps.feedback.models import Feedback
from apps.predictions.tests.fast_path import head, post_all

pytestmark = pytest.mark.live
SLUG = "fast-answers"


@pytest.fixture(scope="module")
def site(serving_db):
    users = {role: make_user(f"fans-{role[:3]}", role) for role in ("annotator", "reviewer", "ml_engineer", "auditor")}
    project = create_project(slug=SLUG, owner=users["ml_engineer"], seed=21, retrain_min_feedback=1000,
                             members=[users[r] for r in ("annotator", "reviewer", "auditor")])
    train_inline(project, users["ml_engineer"])
    return users, project


def predictions(token: str, n: int, tag: str) -> list[dict]:
    response = post_all([{"inputs": [{"text": f"refund {tag} {i}"} for i in range(n)]}], token, slug=SLUG)[0]
    assert response.status_code == 200, response.text
    return response.json()["predictions"]


def answer(token: str, pairs: list[tuple[int, dict]], **headers):
    """POST each (prediction id, body) at once."""
    import asyncio
    import json

    import httpx

    from config.asgi import application

    async def main():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application),
                                     base_url="http://127.0.0.1") as client:
            return await asyncio.gather(*(client.post(
                f"/api/v1/predictions/{pk}/feedback/", content=json.dumps(body),
                headers={"Content-Type": "application/json", "Authorization": f"Token {token}", **headers})
                for pk, body in pairs))

    return asyncio.run(main())


def fast_answers(since: int):
    return AuditEvent.objects.filter(seq__gt=since, action="feedback.submitted", project_slug=SLUG)


def test_answers_are_stored_and_audited_before_the_201(site, batcher):
    users, project = site
    token = token_create(user=users["annotator"])
    shown = predictions(token, 12, "a")
    since, outbox_before = head(), OutboxMessage.objects.count()
    wrong = next(label for label in project.labels if label != shown[0]["label"])
    pairs = [(p["id"], {"verdict": "accept"}) for p in shown[1:]] + [
        (shown[0]["id"], {"verdict": "correct", "label": wrong, "comment": "it is about something else"})]
    responses = answer(token, pairs)
    assert [r.status_code for r in responses] == [201] * 12
    assert batcher.jobs >= 12  # served by the fast path (the predictions too)
    bodies = [r.json() for r in responses]
    stored = {f.pk: f for f in Feedback.objects.filter(pk__in=[b["id"] for b in bodies])}
    assert len(stored) == 12
    corrected = stored[bodies[-1]["id"]]
    assert (corrected.verdict, corrected.label, corrected.resolved_label, corrected.comment) == (
        "correct", wrong, wrong, "it is about something else")
    assert bodies[-1]["resolved_label"] == wrong and bodies[0]["resolved_label"] == shown[1]["label"]
    events = fast_answers(since)
    assert sorted(int(e.object_id) for e in events) == sorted(stored)
    assert {e.details["verdict"] for e in events} == {"accept", "correct"}
    assert OutboxMessage.objects.count() >= outbox_before  # a correction asks for a retrain check (deduplicated)
    assert OutboxMessage.objects.filter(dedupe_key=f"training.retrain_check:{project.pk}").exists()
    assert verify_chain().ok


def test_the_fast_answer_is_the_views_answer(site, batcher, client_for):
    users, _ = site
    token = token_create(user=users["annotator"])
    first, second = predictions(token, 2, "b")
    since = head()
    fast = answer(token, [(first["id"], {"verdict": "accept"})], **{"X-Request-ID": "fans-1"})[0]
    assert fast_answers(since).count() == 1
    view = client_for(users["annotator"]).post(f"/api/v1/predictions/{second['id']}/feedback/", {"verdict": "accept"},
                                               format="json", HTTP_X_REQUEST_ID="fans-1")
    assert fast.status_code == view.status_code == 201
    assert fast.json().keys() == view.json().keys()
    assert {k: v for k, v in fast.json().items() if k not in ("id", "prediction_id", "item_id", "created_at",
                                                              "resolved_label")} == {
        k: v for k, v in view.json().items() if k not in ("id", "prediction_id", "item_id", "created_at",
                                                          "resolved_label")}
    skip = {"date", "content-length", "server"}
    assert {k.lower(): v for k, v in fast.headers.items() if k.lower() not in skip} == {
        k.lower(): v for k, v in view.headers.items() if k.lower() not in skip}
    assert fast_answers(since).get(object_id=str(fast.json()["id"])).request_id == "fans-1"


@pytest.mark.parametrize("body,status,message", [
    ({"verdict": "maybe"}, 400, "verdict"),
    ({"verdict": "correct"}, 400, "needs a 'label'"),
    ({"verdict": "correct", "label": "no-such-label"}, 400, "Unknown label"),
    ({"verdict": "accept", "label": " padded "}, 400, "takes no other label"),
    ({"verdict": "accept", "boxes": []}, 400, "not 'boxes'"),
    ({"verdict": "accept", "comment": "bad \udfff"}, 400, "lone surrogate"),
])
def test_answers_the_fast_path_does_not_serve_get_the_views_answer(site, batcher, body, status, message):
    users, _ = site
    token = token_create(user=users["annotator"])
    shown = predictions(token, 1, f"c-{message}")[0]
    since = head()
    response = answer(token, [(shown["id"], body)])[0]
    assert response.status_code == status, response.text
    assert message in response.text
    assert fast_answers(since).count() == 0


def test_refusals_come_from_the_view(site, batcher):
    users, _ = site
    shown = predictions(token_create(user=users["annotator"]), 1, "d")[0]
    since = head()
    auditor = answer(token_create(user=users["auditor"]), [(shown["id"], {"verdict": "accept"})])[0]
    assert auditor.status_code == 403
    outsider = answer(token_create(user=make_user("fans-out", "annotator")), [(shown["id"], {"verdict": "accept"})])[0]
    assert outsider.status_code == 403 and "not a member" in outsider.text
    assert answer("not-a-token", [(shown["id"], {"verdict": "accept"})])[0].status_code == 401
    assert answer(token_create(user=users["annotator"]), [(10**15, {"verdict": "accept"})])[0].status_code == 404
    assert fast_answers(since).count() == 0


def test_an_answer_to_a_gold_item_goes_to_the_view_and_is_scored(site, batcher):
    from apps.feedback.gold import gold_mark

    users, project = site
    token = token_create(user=users["annotator"])
    shown = predictions(token, 2, "gold")
    gold_mark(project=project, item_id=shown[0]["item_id"], actor=users["reviewer"], label=shown[0]["label"])
    responses = answer(token, [(p["id"], {"verdict": "accept"}) for p in shown])
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json().keys() == responses[1].json().keys()  # the annotator cannot tell
    stored = Feedback.objects.in_bulk([r.json()["id"] for r in responses])
    assert [stored[r.json()["id"]].gold_agrees for r in responses] == [True, None]
    assert verify_chain().ok
