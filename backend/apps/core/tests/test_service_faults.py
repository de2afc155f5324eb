"""Backing services down, each started by the test itself: object storage (moto's S3 server), the broker (a
redis-server). Requests get a 503 with a clear message, nothing half-written remains, what does not need the
service keeps working, and /readyz names what is down within its bound."""
import time

import pytest
from django.conf import settings as django_settings

from apps.audit.models import AuditEvent
from apps.items.models import Item
from apps.predictions.models import Prediction
from apps.projects.services import project_create, project_member_add

from .images import png
from .servers import MotoServer, RedisServer, celery_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3(settings):
    """S3 on moto's threaded server with the platform's own bounded client settings; `stop()` takes it away."""
    with MotoServer.as_default_storage(settings, "hitl-faults") as server:
        yield server


def test_upload_while_object_storage_is_down_is_a_503_and_leaves_nothing(trained_project, users, client_for, s3):
    from django.core.files.uploadedfile import SimpleUploadedFile

    shapes = project_create(slug="shapes", name="Shapes", task="object_detection", labels=["circle", "square"],
                            creator=users["engineer"])
    project_member_add(project=shapes, user=users["annotator"], actor=users["engineer"])
    api, engineer = client_for(users["annotator"]), client_for(users["engineer"])
    ok = engineer.post("/api/v1/projects/shapes/items/", {"files": [SimpleUploadedFile("a.png", png(40, 30))]},
                  format="multipart")
    assert ok.status_code == 201, ok.content
    items, events = Item.objects.count(), AuditEvent.objects.count()
    s3.stop()

    started = time.monotonic()
    response = engineer.post("/api/v1/projects/shapes/items/",
                        {"files": [SimpleUploadedFile("b.png", png(41, 30)), SimpleUploadedFile("c.png", png(42, 30))]},
                        format="multipart")
    seconds = time.monotonic() - started
    assert response.status_code == 503, response.content
    assert "Object storage is unavailable" in response.json()["detail"] and response["Retry-After"]
    assert seconds < 30, f"the upload waited {seconds:.1f} s on the storage"
    assert (Item.objects.count(), AuditEvent.objects.count()) == (items, events)  # no row without its bytes

    # Texts need no object storage: predictions on stored texts go on.
    text_item = Item.objects.filter(project=trained_project, split="pool").first()
    predicted = api.post("/api/v1/projects/tickets/predict/", {"inputs": [{"item_id": text_item.pk}]}, format="json")
    assert predicted.status_code == 200, predicted.content
    assert Prediction.objects.filter(pk=predicted.json()["predictions"][0]["id"]).exists()

    # The stored image's bytes are unreachable: 503, not 500.
    image = Item.objects.get(project=shapes)
    assert api.get(f"/api/v1/items/{image.pk}/image/").status_code == 503

    ready = api.get("/readyz")
    assert ready.status_code == 503 and "storage" in ready.json()["down"]
    assert ready.json()["seconds"] <= django_settings.READYZ_TIMEOUT + 1


def test_readyz_names_the_broker_when_redis_is_down_and_answers_within_its_bound(db, client, tmp_path):
    server = RedisServer(tmp_path / "redis")
    server.start()
    with celery_on(server.url):
        assert client.get("/readyz").json()["checks"]["broker"]["ok"]
        server.stop()
        started = time.monotonic()
        response = client.get("/readyz")
        seconds = time.monotonic() - started
    body = response.json()
    assert response.status_code == 503 and body["down"] == ["broker"], body
    assert "outbox" in body["checks"] and body["checks"]["database"]["ok"]
    assert seconds <= django_settings.READYZ_TIMEOUT + 1
