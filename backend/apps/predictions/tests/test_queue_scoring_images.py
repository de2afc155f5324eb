"""Queue scoring of an image pool by a real (tiny) YOLO champion: chunks, boxes, image sizes in the queue."""
import pytest

from apps.audit.models import AuditEvent
from apps.core.tests.fixtures import train_inline
from apps.core.tests.images import shapes_image
from apps.items.image_import import images_import
from apps.predictions import scoring
from apps.predictions.models import Prediction, QueueScoring
from apps.predictions.scoring import queue_scoring_execute
from apps.training.tests.test_detection_training import make_detection_project

pytestmark = pytest.mark.django_db


def test_a_detector_scores_the_image_pool_and_uploads_request_more(users, client_for, settings, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    settings.QUEUE_SCORE_CHUNK_IMAGES = 5
    sent: list[int] = []
    monkeypatch.setattr(scoring, "_enqueue", sent.append)
    project = make_detection_project(users, slug="shapes", n=12, holdout=4)
    with django_capture_on_commit_callbacks(execute=True):
        champion = train_inline(project, users["engineer"])  # the first champion requests the scoring
    job = QueueScoring.objects.get(project=project)
    assert (job.trigger, job.window, sent) == ("first_champion", 500, [job.pk])

    job = queue_scoring_execute(job_id=job.pk)
    assert (job.status, job.done, job.total) == ("succeeded", 12, 12)
    assert AuditEvent.objects.filter(action="predictions.created", details__queue_scoring=job.pk).count() == 3
    assert Prediction.objects.filter(project=project, model_version=champion, actor=None).count() == 12

    queue = client_for(users["annotator"]).get("/api/v1/projects/shapes/queue/?limit=100").json()
    assert queue["count"] == 12
    entry = queue["results"][0]
    assert (entry["item_width"], entry["item_height"]) == (96, 64) and entry["scored_by_champion"] is True
    assert isinstance(entry["boxes"], list) and entry["model_version"] == champion.number

    data, _ = shapes_image(500)
    with django_capture_on_commit_callbacks(execute=True):
        images_import(project=project, files=[("new.png", data)], actor=users["engineer"])  # an upload
    upload_job = QueueScoring.objects.filter(project=project).latest("id")
    assert (upload_job.trigger, sent[-1]) == ("import", upload_job.pk)
    assert queue_scoring_execute(job_id=upload_job.pk).done == 1  # only the new image: the rest is current
