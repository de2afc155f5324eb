"""Queue scoring: the champion scores the unanswered pool in chunks, idempotently, superseding older scores."""
import contextlib
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.tests.fixtures import tiny_texts, train_inline
from apps.core.tests.servers import celery_on
from apps.feedback.services import feedback_submit
from apps.items.models import Item
from apps.items.services import items_import, items_latest_prediction_mark
from apps.predictions import scoring
from apps.predictions.models import Prediction, QueueScoring
from apps.predictions.scoring import queue_scoring_execute, queue_scoring_request
from apps.predictions.services import predictions_create
from apps.training.promotion import model_version_promote, model_version_rollback

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Job ids sent to Celery (the broker itself is exercised by the live and broker-down tests)."""
    ids: list[int] = []
    monkeypatch.setattr(scoring, "_enqueue", ids.append)
    return ids


@pytest.fixture
def small_chunks(settings):
    settings.QUEUE_SCORE_CHUNK_TEXT = 10


@contextlib.contextmanager
def broker_down():
    """Point Celery at a port where nothing listens, without retries (celery_on also sets the variable Celery reads
    before its own setting, and drops pooled connections); restore it afterwards."""
    from config.celery import app

    retry = app.conf.broker_connection_retry, app.conf.broker_connection_max_retries, app.conf.broker_transport_options
    app.conf.broker_connection_retry, app.conf.broker_connection_max_retries = False, 0
    app.conf.broker_transport_options = {"max_retries": 0}
    try:
        with celery_on("redis://127.0.0.1:1/0"):
            yield
    finally:
        (app.conf.broker_connection_retry, app.conf.broker_connection_max_retries,
         app.conf.broker_transport_options) = retry


def pool(project):
    return Item.objects.filter(project=project, split="pool", erased_at__isnull=True)


def score(project, trigger="manual"):
    job = queue_scoring_request(project=project, trigger=trigger, enqueue=False)
    return queue_scoring_execute(job_id=job.pk)


def second_version(project, engineer, n_per_label: int = 6):
    items_import(project=project, rows=tiny_texts(n_per_label, seed=77), actor=engineer)
    return train_inline(project, engineer)


def promote(version, engineer):
    return model_version_promote(model_version=version, actor=engineer, reason="test: new champion")


def promote_second(project, engineer, n_per_label: int = 6):
    return promote(second_version(project, engineer, n_per_label), engineer)


def test_champion_scores_every_unanswered_pool_item_in_chunks(trained_project, users, client_for, small_chunks):
    job = score(trained_project)
    expected = pool(trained_project).count()
    assert (job.status, job.done, job.total, job.trigger) == ("succeeded", expected, expected, "manual")
    predictions = Prediction.objects.filter(project=trained_project)
    assert predictions.count() == expected and not predictions.exclude(request_id=job.request_id).exists()
    assert set(predictions.values_list("actor", flat=True)) == {None}  # the system scored them
    assert not predictions.filter(started_at__isnull=True).exists()
    assert set(predictions.values_list("model_version__number", flat=True)) == {1}
    chunks = AuditEvent.objects.filter(action="predictions.created", details__queue_scoring=job.pk)
    assert chunks.count() == -(-expected // 10)  # one event per chunk, with the ids it logged
    assert sum(e.details["count"] for e in chunks) == expected and chunks[0].actor_ref == "system"
    assert AuditEvent.objects.filter(action="queue.scoring_finished", object_id=str(job.pk)).exists()

    queue = client_for(users["annotator"]).get("/api/v1/projects/tickets/queue/?limit=1000").json()
    assert queue["count"] == expected
    assert all(e["scored_by_champion"] and e["model_version"] == 1 for e in queue["results"])
    confidences = [e["confidence"] for e in queue["results"]]
    assert confidences == sorted(confidences)


def test_scoring_is_idempotent_and_skips_answered_erased_and_holdout(trained_project, users):
    items = list(pool(trained_project).order_by("id"))
    Item.objects.filter(pk=items[0].pk).update(erased_at="2026-01-01T00:00:00Z")
    first = score(trained_project)
    assert first.done == len(items) - 1
    prediction = Prediction.objects.filter(item=items[1]).get()
    feedback_submit(prediction=prediction, annotator=users["annotator"], verdict="accept", allow_auto_retrain=False)
    again = score(trained_project)
    assert (again.status, again.done, again.total) == ("succeeded", 0, 0)  # nothing left that v1 did not score
    assert Prediction.objects.filter(project=trained_project).count() == len(items) - 1
    assert not Prediction.objects.filter(item__split="holdout").exists()
    assert not Prediction.objects.filter(item=items[0]).exists()


def test_a_new_champion_rescores_and_the_queue_follows_it(trained_project, users, client_for, sent,
                                                          django_capture_on_commit_callbacks):
    score(trained_project)
    candidate = second_version(trained_project, users["engineer"])
    with django_capture_on_commit_callbacks(execute=True):
        v2 = promote(candidate, users["engineer"])
    job = QueueScoring.objects.filter(project=trained_project).latest("id")
    assert (job.status, job.trigger, job.model_version_id) == ("queued", "promotion", v2.pk)
    assert sent[-1] == job.pk  # sent to the workers after the promotion committed
    api = client_for(users["annotator"])
    before = api.get("/api/v1/projects/tickets/queue/?limit=1000").json()
    assert not any(e["scored_by_champion"] for e in before["results"] if e["model_version"] == 1)

    job = queue_scoring_execute(job_id=job.pk)
    assert job.status == "succeeded" and job.done == pool(trained_project).count()
    after = api.get("/api/v1/projects/tickets/queue/?limit=1000").json()
    assert after["count"] == job.done  # one entry per item: the newer score superseded the older one
    assert {(e["model_version"], e["scored_by_champion"]) for e in after["results"]} == {(v2.number, True)}
    assert Counter(Prediction.objects.filter(model_version=v2).values_list("item_id", flat=True)).most_common(1)[0][1] == 1

    with django_capture_on_commit_callbacks(execute=True):
        model_version_rollback(project=trained_project, actor=users["engineer"], reason="test")
    rollback = QueueScoring.objects.filter(project=trained_project).latest("id")
    assert rollback.trigger == "rollback" and rollback.model_version.number == 1
    assert queue_scoring_execute(job_id=rollback.pk).done == job.done  # v2's scores are rescored by v1 again


def test_a_champion_change_supersedes_the_active_job(trained_project, users, sent):
    old = queue_scoring_request(project=trained_project, trigger="import")
    assert queue_scoring_request(project=trained_project, trigger="import").pk == old.pk  # one active job
    v2 = promote_second(trained_project, users["engineer"])  # its own trigger is after commit (not run here)
    new = queue_scoring_request(project=trained_project, trigger="promotion")
    old.refresh_from_db()
    assert old.status == "superseded" and "v2" in old.error and old.finished_at
    assert new.model_version_id == v2.pk and new.status == "queued"
    assert queue_scoring_execute(job_id=old.pk).status == "superseded"  # a late delivery does nothing
    assert not Prediction.objects.filter(model_version__number=1).exists()
    assert QueueScoring.objects.filter(project=trained_project, status__in=["queued", "running"]).count() == 1


def test_a_job_stops_when_the_champion_changes_mid_run(trained_project, users, small_chunks, monkeypatch):
    job = queue_scoring_request(project=trained_project, trigger="manual", enqueue=False)
    real_infer = scoring._infer
    calls = []

    def infer_then_promote(job_, model, items):
        rows = real_infer(job_, model, items)
        calls.append(len(items))
        if len(calls) == 2:  # the champion changes while the second chunk is being computed
            promote_second(trained_project, users["engineer"])
        return rows

    monkeypatch.setattr(scoring, "_infer", infer_then_promote)
    job = queue_scoring_execute(job_id=job.pk)
    assert job.status == "superseded" and job.done == 10  # the second chunk's stale scores were not written
    assert Prediction.objects.filter(model_version__number=1).count() == 10


def test_a_retried_job_goes_on_where_it_stopped(trained_project, small_chunks, monkeypatch):
    job = queue_scoring_request(project=trained_project, trigger="manual", enqueue=False)
    real_infer = scoring._infer
    calls = []

    def flaky(job_, model, items):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker lost the model")
        return real_infer(job_, model, items)

    monkeypatch.setattr(scoring, "_infer", flaky)
    with pytest.raises(RuntimeError):
        queue_scoring_execute(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.done) == ("failed", 20) and "worker lost the model" in job.error
    assert AuditEvent.objects.filter(action="queue.scoring_failed", object_id=str(job.pk)).exists()
    job = queue_scoring_execute(job_id=job.pk)  # what Celery's retry does
    expected = pool(trained_project).count()
    assert (job.status, job.done, job.total) == ("succeeded", expected, expected)
    per_item = Counter(Prediction.objects.filter(project=trained_project).values_list("item_id", flat=True))
    assert set(per_item.values()) == {1}  # nothing scored twice


def test_items_imported_while_a_job_runs_are_scored_by_it(trained_project, users, small_chunks, sent,
                                                          django_capture_on_commit_callbacks):
    job = queue_scoring_request(project=trained_project, trigger="manual", enqueue=False)
    before = pool(trained_project).count()

    def import_once(running):
        if running.done == 10 and not Item.objects.filter(text__contains="late-arrival").exists():
            with django_capture_on_commit_callbacks(execute=True):
                items_import(project=trained_project, rows=[{"text": f"late-arrival invoice {i}"} for i in range(5)],
                             actor=users["engineer"])

    job = queue_scoring_execute(job_id=job.pk, echo=import_once)
    assert (job.status, job.done, job.total) == ("succeeded", before + 5, before + 5)
    assert QueueScoring.objects.filter(project=trained_project).count() == 1 and sent == []


def test_window_rotates_never_scored_first_then_oldest(trained_project, users, settings, sent,
                                                       django_capture_on_commit_callbacks):
    settings.QUEUE_SCORE_WINDOW_TEXT = 15
    total = pool(trained_project).count()  # 36
    with django_capture_on_commit_callbacks(execute=True):
        first = score(trained_project)
    assert (first.done, first.total, first.window) == (15, 15, 15)
    rotation = QueueScoring.objects.filter(project=trained_project).latest("id")
    assert rotation.trigger == "rotation" and sent == [rotation.pk]  # never-scored items remain: next window now
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_scoring_execute(job_id=rotation.pk).done == 15
    third = QueueScoring.objects.filter(project=trained_project).latest("id")
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_scoring_execute(job_id=third.pk).done == total - 30
    assert third.trigger == "rotation" and sent == [rotation.pk, third.pk]
    assert Item.objects.filter(project=trained_project, split="pool", latest_prediction__isnull=True).count() == 0
    assert QueueScoring.objects.filter(project=trained_project).count() == 3  # 15 + 15 + 6: no fourth job

    v2 = promote_second(trained_project, users["engineer"], n_per_label=2)  # 6 new items
    oldest = list(pool(trained_project).filter(latest_prediction__isnull=False)
                  .order_by("latest_prediction_id").values_list("id", flat=True))
    new_items = set(pool(trained_project).filter(latest_prediction__isnull=True).values_list("id", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        job = score(trained_project, trigger="promotion")
    rescored = set(Prediction.objects.filter(model_version=v2).values_list("item_id", flat=True))
    assert job.done == 15 and new_items <= rescored  # never-scored (just imported) items first
    assert rescored - new_items == set(oldest[:15 - len(new_items)])  # then those with the oldest scores
    assert total + len(new_items) == pool(trained_project).count()


def test_no_champion_no_job(project):
    assert queue_scoring_request(project=project, trigger="import") is None
    assert not QueueScoring.objects.exists()


def test_imports_request_scoring_after_commit(trained_project, users, client_for, sent,
                                              django_capture_on_commit_callbacks):
    api = client_for(users["engineer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/projects/tickets/items/", {"items": [{"text": "new invoice question"}]},
                            format="json")
    assert response.status_code == 201
    job = QueueScoring.objects.get(project=trained_project)
    assert (job.trigger, job.status, sent) == ("import", "queued", [job.pk])
    assert AuditEvent.objects.filter(action="queue.scoring_requested", object_id=str(job.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):  # holdout-only imports leave the queue alone
        api.post("/api/v1/projects/tickets/items/",
                 {"items": [{"text": "holdout invoice", "label": "billing", "split": "holdout"}]}, format="json")
        api.post("/api/v1/projects/tickets/predict/", {"text": "a text that predict creates"}, format="json")
    assert QueueScoring.objects.count() == 1 and sent == [job.pk]


def test_scoring_endpoint_reports_the_latest_job(trained_project, users, client_for):
    api = client_for(users["auditor"])
    response = api.get("/api/v1/projects/tickets/queue/scoring/")
    assert response.status_code == 200 and response.json() is None
    job = score(trained_project)
    body = api.get("/api/v1/projects/tickets/queue/scoring/").json()
    assert body == {"id": job.pk, "status": "succeeded", "done": job.done, "total": job.total, "model_version": 1,
                    "trigger": "manual", "error": "", "created_at": body["created_at"],
                    "finished_at": body["finished_at"]}
    assert body["finished_at"] and body["created_at"]
    assert client_for(users["outsider"]).get("/api/v1/projects/tickets/queue/scoring/").status_code == 403


def test_unreachable_broker_fails_the_job_visibly(trained_project, users, client_for, settings,
                                                  django_capture_on_commit_callbacks):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client_for(users["engineer"]).post("/api/v1/projects/tickets/items/",
                                                      {"items": [{"text": "invoice while the broker is down"}]},
                                                      format="json")
    assert response.status_code == 201  # the import stands; the scoring job says why it did not run
    job = QueueScoring.objects.get(project=trained_project)
    assert job.status == "failed" and "broker is unavailable" in job.error and "Connection refused" in job.error
    assert AuditEvent.objects.filter(action="queue.scoring_failed", object_id=str(job.pk)).exists()
    assert client_for(users["annotator"]).get("/api/v1/projects/tickets/queue/scoring/").json()["status"] == "failed"


def test_the_latest_prediction_pointer_never_moves_back(trained_project, users):
    _, (first,) = predictions_create(project=trained_project, inputs=[{"text": "pointer invoice"}], actor=None)
    _, (second,) = predictions_create(project=trained_project, inputs=[{"item_id": first.item_id}], actor=None)
    items_latest_prediction_mark(predictions=[first])  # a slower transaction that logged the older one
    assert Item.objects.get(pk=first.item_id).latest_prediction_id == second.pk


def test_a_job_silent_too_long_is_sent_again(trained_project, sent, django_capture_on_commit_callbacks):
    def request():
        with django_capture_on_commit_callbacks(execute=True):
            return queue_scoring_request(project=trained_project, trigger="import")

    job = request()
    assert request().pk == job.pk and sent == [job.pk]  # sent once when created
    QueueScoring.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=3))
    request()
    assert sent == [job.pk, job.pk]  # its message may be lost: send it again (a second delivery is harmless)
    QueueScoring.objects.filter(pk=job.pk).update(status="running", updated_at=timezone.now() - timedelta(minutes=3))
    request()
    assert len(sent) == 2 and QueueScoring.objects.get(pk=job.pk).rescan  # running, recently: it looks again
    QueueScoring.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(minutes=11))
    request()
    assert len(sent) == 3  # running without a chunk for 10 minutes: its worker may be gone


def test_the_periodic_rotation_requests_a_window_only_where_the_queue_is_not_current(
        trained_project, users, sent, settings, django_capture_on_commit_callbacks):
    from apps.core.tests.fixtures import create_project
    from apps.predictions.scoring import queue_scoring_rotate
    from apps.predictions.tasks import queue_rotation_task

    untrained = create_project(slug="no-champion", owner=users["engineer"])
    assert settings.CELERY_BEAT_SCHEDULE["queue-rotation"]["task"] == queue_rotation_task.name

    with django_capture_on_commit_callbacks(execute=True):
        jobs = queue_scoring_rotate()  # never scored: a window for it, none for the project without a champion
    assert [(j.project_id, j.trigger) for j in jobs] == [(trained_project.pk, "rotation")]
    assert sent == [jobs[0].pk]
    assert not QueueScoring.objects.filter(project=untrained).exists()

    queue_scoring_execute(job_id=jobs[0].pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_scoring_rotate() == []  # everything scored by the champion: nothing queued
    assert len(sent) == 1

    promote_second(trained_project, users["engineer"])  # outside capture: its own after-commit request never runs
    with django_capture_on_commit_callbacks(execute=True):
        again = queue_scoring_rotate()
    assert len(again) == 1 and again[0].model_version.number == 2 and again[0].model_version.status == "champion"
    assert sent == [jobs[0].pk, again[0].pk]
