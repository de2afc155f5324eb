"""The predict fast path (apps.predictions.serving) through the real ASGI application (config.asgi).

It must answer exactly as the Django view does — same body shape, same headers — log every answered prediction
with its audit event before answering, hand every request it does not serve itself to the view (which then refuses
or serves it with the view's own messages), and see revocations, removed memberships and promotions on the very
next batch. The group-commit thread and the view's threads use their own connections, so these are live tests
(committed data, names of their own: the audit log refuses the TRUNCATE of a transactional test).
"""
import pytest

from apps.accounts.models import ApiToken
from apps.accounts.tokens import token_create, token_revoke
from apps.audit.models import AuditEvent
from apps.audit.services import actor_reference
from apps.audit.verify import verify_chain
from apps.core.models import ServingGeneration
from apps.core.tests.fixtures import create_project, make_user, train_inline
from apps.predictions.models import Prediction
from apps.predictions.serving import direct
from apps.predictions.serving import group_commit as gc
from apps.predictions.serving import predict as fast_predict
from apps.predictions.serving.jobs import DELEGATE
from apps.predictions.serving.predict import PredictJob
from apps.predictions.tests import fast_path
from apps.predictions.tests.fast_path import head
from apps.projects.models import Membership
from apps.projects.services import project_member_add
from apps.training.models import ModelStatus, ModelVersion

pytestmark = pytest.mark.live
SLUG = "fast-tickets"


def post_all(bodies: list, token: str | None, slug: str = SLUG, **headers) -> list:
    return fast_path.post_all(bodies, token, slug=slug, **headers)


@pytest.fixture(scope="module")
def site(serving_db):
    """Users of every kind and a trained text project, shared by the module (tests only add to them)."""
    users = {role: make_user(f"fast-{role[:3]}", role) for role in ("annotator", "reviewer", "ml_engineer", "auditor")}
    users["outsider"] = make_user("fast-out", "annotator")
    project = create_project(slug=SLUG, owner=users["ml_engineer"], seed=11,
                             members=[users[r] for r in ("annotator", "reviewer", "auditor")])
    train_inline(project, users["ml_engineer"])
    project.refresh_from_db()
    return users, project


def fast_events(since: int, slug: str = SLUG):
    """The fast path's events (one per caller and batch) after seq `since`."""
    return AuditEvent.objects.filter(seq__gt=since, project_slug=slug, action="predictions.created",
                                     details__group_commit=True)


def test_answers_are_stored_and_audited_before_they_are_given(site, batcher):
    users, project = site
    since, token = head(), token_create(user=users["annotator"])
    bodies = [{"text": f"refund for my invoice {i}"} for i in range(12)] + [
        {"inputs": [{"text": "the app crashes on login"}, {"text": "parcel is late"}]}]
    responses = post_all(bodies, token)
    assert [r.status_code for r in responses] == [200] * 13
    answered = [p for r in responses for p in r.json()["predictions"]]
    assert len(answered) == 14
    stored = {p.pk: p for p in Prediction.objects.filter(pk__in=[a["id"] for a in answered])}
    for answer in answered:
        row = stored[answer["id"]]
        assert (row.item_id, row.label, row.confidence) == (answer["item_id"], answer["label"], answer["confidence"])
        assert set(answer["probabilities"]) == set(project.labels)
    assert sorted(pk for event in fast_events(since) for pk in event.details["ids"]) == sorted(stored)
    assert batcher.jobs == 13 and 1 <= batcher.batches <= 13
    assert {r.json()["model_version"] for r in responses} == {project.model_versions.get().number}
    given = {r.headers["X-Request-ID"] for r in responses}
    assert len(given) == 13
    assert {rid for event in fast_events(since) for rid in event.details["request_ids"]} == given
    assert set(Prediction.objects.filter(pk__in=stored).values_list("request_id", flat=True)) == given
    assert verify_chain().ok


def test_queued_requests_share_one_transaction(site):
    """Requests that wait while a commit runs are served together: one model call, one audit event per caller."""
    users, _ = site
    since = head()
    tokens = [token_create(user=users["annotator"]), token_create(user=users["reviewer"])]
    jobs = [PredictJob(key=tokens[i % 2], slug=SLUG, texts=[f"courier lost parcel {i}"], request_id=f"r-{i}")
            for i in range(10)]
    # one thread that waits (PREDICT_BATCH_WAIT_MS) until the batch is full: the jobs queued before it starts
    batcher = gc.GroupCommit(threads=1, wait_s=30, max_texts=len(jobs))
    for job in jobs[:-1]:
        batcher._queue.put(job)
    batcher.submit(jobs[-1])
    answers = [job.future.result(timeout=60) for job in jobs]
    batcher.stop()
    assert batcher.batches == 1 and all(a is not DELEGATE for a in answers)
    events = list(fast_events(since))
    assert sorted(e.details["count"] for e in events) == [5, 5]  # one event per caller in the batch
    assert {e.actor_ref for e in events} == {actor_reference(users["annotator"]), actor_reference(users["reviewer"])}


def test_every_prediction_of_a_large_batch_is_listed_in_an_event(site):
    users, _ = site
    since, token = head(), token_create(user=users["annotator"])
    jobs = [PredictJob(key=token, slug=SLUG, texts=[f"invoice {n} {i}" for i in range(700)], request_id=f"big-{n}")
            for n in range(2)]
    batcher = gc.GroupCommit(threads=1, wait_s=30, max_texts=1400)  # one batch: 1,400 predictions of one caller
    batcher._queue.put(jobs[0])
    batcher.submit(jobs[1])
    answered = [p["id"] for job in jobs for p in job.future.result(timeout=120)[1]["predictions"]]
    batcher.stop()
    events = list(fast_events(since))
    assert [e.details["count"] for e in events] == [1000, 400] and batcher.batches == 1
    assert sorted(pk for e in events for pk in e.details["ids"]) == sorted(answered)
    assert sum(e.details["items_created"] for e in events) == 1400


def test_the_fast_path_answers_like_the_view(site, batcher, client_for):
    users, _ = site
    since, token = head(), token_create(user=users["annotator"])
    fast = post_all([{"text": "my payment was charged twice"}], token, **{"X-Request-ID": "same-id-1"})[0]
    assert fast_events(since).count() == 1
    view = client_for(users["annotator"]).post(f"/api/v1/projects/{SLUG}/predict/", {
        "text": "my payment was charged twice"}, format="json", HTTP_X_REQUEST_ID="same-id-1")
    assert fast_events(since).count() == 1  # the test client goes through Django, not the fast path
    assert fast.status_code == view.status_code == 200
    fast_body, view_body = fast.json(), view.json()
    assert fast_body.keys() == view_body.keys()
    assert fast_body["predictions"][0].keys() == view_body["predictions"][0].keys()
    assert fast_body["predictions"][0]["item_id"] == view_body["predictions"][0]["item_id"]  # the same item
    skip = {"date", "content-length", "server"}
    assert {k.lower(): v for k, v in fast.headers.items() if k.lower() not in skip} == {
        k.lower(): v for k, v in view.headers.items() if k.lower() not in skip}


@pytest.mark.parametrize("body,status,message", [
    ({"text": "bad \udfff"}, 400, "lone surrogate"),
    ({"text": "   "}, 400, "text is empty"),
    ({"inputs": []}, 400, "at least one input"),
    ({"text": "ok", "extra": 1}, 200, None),  # the view ignores other keys; the fast path leaves it to the view
])
def test_bodies_the_fast_path_does_not_serve_get_the_views_answer(site, batcher, body, status, message):
    users, _ = site
    since = head()
    response = post_all([body], token_create(user=users["annotator"]))[0]
    assert response.status_code == status, response.text
    if message:
        assert message in response.text
    assert fast_events(since).count() == 0 and batcher.jobs == 0


def test_refusals_come_from_the_view(site, batcher):
    users, _ = site
    since = head()
    assert post_all([{"text": "hello"}], "not-a-token")[0].status_code == 401
    assert post_all([{"text": "hello"}], None)[0].status_code in (401, 403)
    outsider = post_all([{"text": "hello"}], token_create(user=users["outsider"]))[0]
    assert outsider.status_code == 403 and "not a member" in outsider.text
    auditor = post_all([{"text": "hello"}], token_create(user=users["auditor"]))[0]
    assert auditor.status_code == 403 and "roles" in auditor.text
    assert post_all([{"text": "hello"}], token_create(user=users["annotator"]), slug="no-such")[0].status_code == 404
    assert fast_events(since).count() == 0 and AuditEvent.objects.filter(
        seq__gt=since, action="predictions.created").count() == 0


def test_no_champion_is_the_views_409(site, batcher):
    users, _ = site
    create_project(slug="fast-untrained", owner=users["ml_engineer"], members=[users["annotator"]], seed=12)
    response = post_all([{"text": "hello"}], token_create(user=users["annotator"]), slug="fast-untrained")[0]
    assert response.status_code == 409 and "no champion" in response.text


def test_revocation_and_membership_hold_on_the_next_batch(site, batcher):
    users, project = site
    member = make_user("fast-leaver", "annotator")
    project_member_add(project=project, user=member, actor=users["ml_engineer"])
    token = token_create(user=member)
    assert post_all([{"text": "refund please"}], token)[0].status_code == 200  # now cached
    Membership.objects.filter(project=project, user=member).delete()
    assert post_all([{"text": "refund please"}], token)[0].status_code == 403
    other = token_create(user=users["reviewer"])
    assert post_all([{"text": "refund please"}], other)[0].status_code == 200
    token_revoke(token=ApiToken.objects.filter(user=users["reviewer"]).first(), actor=users["reviewer"])
    assert post_all([{"text": "refund please"}], other)[0].status_code == 401


def test_a_promotion_serves_on_the_next_batch(site, batcher):
    users, _ = site
    project = create_project(slug="fast-promote", owner=users["ml_engineer"], members=[users["annotator"]], seed=13)
    first = train_inline(project, users["ml_engineer"])
    token = token_create(user=users["annotator"])
    assert post_all([{"text": "refund please"}], token, slug="fast-promote")[0].json()["model_version"] == first.number
    # a second version of the same artifact, made champion by plain UPDATEs: the triggers see every path
    run = first.training_run
    run.pk = None
    run.save()
    second = ModelVersion.objects.create(
        project=project, number=first.number + 1, training_run=run, metrics=first.metrics,
        mlflow_run_id=first.mlflow_run_id, registered_model_name=first.registered_model_name,
        registered_version=first.registered_version)
    ModelVersion.objects.filter(pk=first.pk).update(status=ModelStatus.ARCHIVED)
    ModelVersion.objects.filter(pk=second.pk).update(status=ModelStatus.CHAMPION)
    assert post_all([{"text": "refund please"}], token, slug="fast-promote")[0].json()["model_version"] == second.number


def test_the_generation_moves_on_what_the_cache_holds_and_not_on_use(site):
    users, project = site

    def value():
        return ServingGeneration.objects.get(pk=1).value

    token_create(user=users["annotator"])
    row = ApiToken.objects.filter(user=users["annotator"]).first()
    before = value()
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=row.created_at)  # use: no change
    users["annotator"].save(update_fields=["last_login"])
    assert value() == before
    ApiToken.objects.filter(pk=row.pk).update(revoked_at=row.created_at)
    assert value() == before + 1
    make_user("fast-grouped", "annotator")  # a role given (auth_user_groups)
    assert value() > before + 1
    now = value()
    project.labels = [*project.labels]
    project.save(update_fields=["labels"])
    assert value() == now + 1


def test_a_failed_batch_is_served_by_the_view_alone(site, batcher, monkeypatch):
    users, _ = site
    since = head()

    def broken(rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(fast_predict, "predictions_record", broken)  # SQLite: the batch's transaction
    monkeypatch.setattr(direct, "_SQL", direct._SQL.replace("hitl_predictions_store", "hitl_no_such_function"))
    response = post_all([{"text": "refund please, once"}], token_create(user=users["annotator"]))[0]
    assert response.status_code == 200  # the view stored it
    assert fast_events(since).count() == 0
    assert AuditEvent.objects.filter(seq__gt=since, action="predictions.created").count() == 1


def test_a_cancelled_request_does_not_stop_the_batch_thread(site):
    """A request whose client went away (its future cancelled) is still stored; the thread goes on serving."""
    users, _ = site
    token = token_create(user=users["annotator"])
    jobs = [PredictJob(key=token, slug=SLUG, texts=[f"gone {i}"], request_id=f"gone-{i}") for i in range(2)]
    batcher = gc.GroupCommit(threads=1, wait_s=30, max_texts=2)
    batcher._queue.put(jobs[0])
    jobs[0].future.cancel()
    batcher.submit(jobs[1])
    assert jobs[1].future.result(timeout=60)[0] == 200
    later = PredictJob(key=token, slug=SLUG, texts=["still served"], request_id="after-cancel")
    assert batcher.submit(later).result(timeout=60)[0] == 200
    batcher.stop()
    assert Prediction.objects.filter(request_id="gone-0").exists()


def test_json_nested_too_deep_goes_to_the_view(site, batcher):
    users, _ = site
    response = fast_path.post_raw(b"[" * 100_000, token_create(user=users["annotator"]), slug=SLUG)
    assert 400 <= response.status_code < 500, response.text


def test_an_embedding_champion_serves_and_swaps_on_the_next_batch(site, batcher):
    """A project whose family changes to embedding_lr: the fast path serves the embedding champion (the same
    probabilities as the model in-process), and swaps back to the TF-IDF version on rollback, without a restart."""
    from ai_models.text_classification import predict_texts
    from apps.predictions.model_cache import champion_model
    from apps.projects.services import project_update
    from apps.training.promotion import model_version_promote, model_version_rollback

    users, _ = site
    project = create_project(slug="fast-embed", owner=users["ml_engineer"], members=[users["annotator"]], seed=17)
    first = train_inline(project, users["ml_engineer"])
    token = token_create(user=users["annotator"])
    texts = [{"text": "refund please"}, {"text": "the app crashes on login"}]
    assert {r.json()["model_version"] for r in post_all(texts, token, slug="fast-embed")} == {first.number}

    project = project_update(project=project, actor=users["ml_engineer"], text_model="embedding_lr")
    second = train_inline(project, users["ml_engineer"])
    assert second.training_run.params["text_classification"]["model"] == "embedding_lr"
    if second.status != ModelStatus.CHAMPION:
        second = model_version_promote(model_version=second, actor=users["ml_engineer"], reason="embedding family")
    answers = post_all(texts, token, slug="fast-embed")
    assert [r.status_code for r in answers] == [200, 200]
    assert {r.json()["model_version"] for r in answers} == {second.number}
    second.project = project
    expected = predict_texts(champion_model(second), [t["text"] for t in texts], project.labels)
    for answer, want in zip(answers, expected, strict=True):
        got = answer.json()["predictions"][0]
        assert got["label"] == want.label and abs(got["confidence"] - want.confidence) < 1e-9
    stored = Prediction.objects.filter(project=project, model_version=second).count()
    assert stored == 2

    model_version_rollback(project=project, actor=users["ml_engineer"], reason="swap back")
    assert {r.json()["model_version"] for r in post_all(texts, token, slug="fast-embed")} == {first.number}
