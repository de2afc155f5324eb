"""The broker is down (a redis-server this test started, then stopped): predictions and feedback still succeed and
are stored, the retraining request they make waits in the outbox (one per project), and is sent once Redis is back;
a training run requested meanwhile stays queued and is sent too. Nothing waits on the broker for long."""
import time

import pytest
from django.conf import settings

from apps.core import outbox
from apps.core.models import OutboxMessage
from apps.feedback.models import Feedback
from apps.predictions.models import Prediction
from apps.training.models import TrainingRun

from .servers import RedisServer, celery_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_server(tmp_path, monkeypatch):
    server = RedisServer(tmp_path / "redis")
    server.start()
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
    with celery_on(server.url):
        yield server
    server.stop()


def predict_and_correct(api, text: str, label: str) -> tuple[int, int, float]:
    started = time.monotonic()
    predicted = api.post("/api/v1/projects/tickets/predict/", {"text": text}, format="json")
    assert predicted.status_code == 200, predicted.content
    prediction = predicted.json()["predictions"][0]
    wrong = label if prediction["label"] != label else "shipping" if label != "shipping" else "billing"
    answered = api.post(f"/api/v1/predictions/{prediction['id']}/feedback/", {"verdict": "correct", "label": wrong},
                        format="json")
    assert answered.status_code == 201, answered.content
    return prediction["id"], answered.json()["id"], time.monotonic() - started


def test_feedback_while_the_broker_is_down_keeps_one_retrain_request_and_sends_it_when_back(
        trained_project, users, client_for, redis_server, django_capture_on_commit_callbacks):
    trained_project.retrain_min_feedback = 100
    trained_project.save(update_fields=["retrain_min_feedback"])
    api = client_for(users["annotator"])
    redis_server.stop()
    answers, slowest = [], 0.0
    for n in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            prediction_id, feedback_id, seconds = predict_and_correct(api, f"refund for invoice {n}", "technical")
        answers.append((prediction_id, feedback_id))
        slowest = max(slowest, seconds)
    assert all(Prediction.objects.filter(pk=p).exists() and Feedback.objects.filter(pk=f).exists() for p, f in answers)
    pending = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert [(m.task, m.args) for m in pending] == [("training.retrain_check", [trained_project.pk])]  # one, not six
    assert pending[0].attempts >= 1 and pending[0].last_error
    assert slowest < 10, f"a request waited {slowest:.1f} s on the broker"

    redis_server.start()
    assert outbox.outbox_flush() == {"sent": 1, "failed": 0, "pending": 0}
    assert redis_server.queue_length(settings.CELERY_TASK_DEFAULT_QUEUE) == 1  # the check, on the default queue
    assert outbox.outbox_flush()["sent"] == 0  # idempotent: sent once
    # The next correction's request flushes by itself when the broker answers.
    with django_capture_on_commit_callbacks(execute=True):
        predict_and_correct(api, "my parcel never came", "billing")
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert redis_server.queue_length(settings.CELERY_TASK_DEFAULT_QUEUE) == 2


def test_a_training_run_requested_while_the_broker_is_down_stays_queued_until_it_is_back(
        project, users, client_for, redis_server, django_capture_on_commit_callbacks):
    redis_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users["engineer"]).post("/api/v1/projects/tickets/training-runs/")
    assert response.status_code == 202, response.content
    run = TrainingRun.objects.get(pk=response.json()["id"])
    assert run.status == "queued"
    assert OutboxMessage.objects.get(sent_at__isnull=True).args == [run.pk]
    redis_server.start()
    assert outbox.outbox_flush()["sent"] == 1
    assert redis_server.queue_length(settings.CELERY_TRAINING_QUEUE) == 1  # training goes to its own queue
    assert redis_server.queue_length(settings.CELERY_TASK_DEFAULT_QUEUE) == 0


def test_a_flush_is_bounded_and_stops_at_the_first_refusal(db, redis_server, settings):
    from django.db import transaction

    settings.OUTBOX_FLUSH_BATCH = 3
    with transaction.atomic():
        for n in range(5):
            outbox.outbox_enqueue(task="training.retrain_check", args=[n], dedupe_key=f"k{n}")
    redis_server.stop()
    assert outbox.outbox_flush() == {"sent": 0, "failed": 1, "pending": 5}
    assert sorted(OutboxMessage.objects.values_list("attempts", flat=True)) == [0, 0, 0, 0, 1]
    redis_server.start()
    assert outbox.outbox_flush()["sent"] == 3  # at most a batch per flush
    assert outbox.outbox_flush() == {"sent": 2, "failed": 0, "pending": 0}
