"""Live: a real Celery worker on Redis scores the review queue after the first champion, after an import and
after a promotion, with the data committed (the worker is another process)."""
import pytest
from django.conf import settings
from django.db import connection

from apps.core.tests.fixtures import create_project, make_user, tiny_texts, train_inline
from apps.core.tests.live import redis_available, require, start, stop, wait_for, worker_queues
from apps.items.models import Item
from apps.items.services import items_import
from apps.predictions.models import Prediction, QueueScoring
from apps.training.promotion import model_version_promote

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.close()


@pytest.fixture
def worker(committed, test_tmp):
    require(redis_available(settings.CELERY_BROKER_URL), f"Redis at {settings.CELERY_BROKER_URL}")
    from config.celery import app

    log = test_tmp / "queue-scoring-worker.log"
    process = start(["celery", "-A", "config", "worker", "-Q", worker_queues(), "--pool", "solo",
                     "-n", "scoring@%h", "-l", "info", "--without-mingle"], log)
    wait_for(lambda: app.control.ping(timeout=1.0), timeout=90, what="the worker", log=log)
    yield log
    stop(process)


def finished(project, **filters):
    job = QueueScoring.objects.filter(project=project, **filters).order_by("-id").first()
    return job if job and job.status not in ("queued", "running") else None


def unscored_by_champion(project, champion) -> int:
    pool = Item.objects.filter(project=project, split="pool", erased_at__isnull=True)
    return pool.exclude(latest_prediction__model_version=champion).count()


def test_worker_keeps_the_queue_scored_by_the_champion(committed, worker):
    engineer = make_user("live-scoring-eng", "ml_engineer")
    project = create_project(slug="live-scoring", owner=engineer, seed=21)
    first = train_inline(project, engineer)  # commits: the first champion's scoring job goes to the worker
    job = wait_for(lambda: finished(project, trigger="first_champion"), timeout=120, what="first scoring", log=worker)
    assert job.status == "succeeded", job.error
    assert job.done == 36 and unscored_by_champion(project, first) == 0

    items_import(project=project, rows=[{"text": f"live import invoice {i}"} for i in range(7)], actor=engineer)
    job = wait_for(lambda: finished(project, trigger="import"), timeout=120, what="import scoring", log=worker)
    assert (job.status, job.done) == ("succeeded", 7), job.error

    items_import(project=project, rows=tiny_texts(4, seed=22), actor=engineer)
    wait_for(lambda: finished(project, trigger="import", id__gt=job.pk), timeout=120, what="scoring", log=worker)
    second = model_version_promote(model_version=train_inline(project, engineer), actor=engineer, reason="live")
    job = wait_for(lambda: finished(project, trigger="promotion"), timeout=120, what="rescoring", log=worker)
    assert job.status == "succeeded" and job.model_version_id == second.pk, job.error
    assert unscored_by_champion(project, second) == 0
    assert job.done == Item.objects.filter(project=project, split="pool").count()
    assert Prediction.objects.filter(project=project, model_version=second, request_id=job.request_id).count() == job.done
