"""A fresh demo opens on a full review queue: bootstrap_demo scores the pool inline after the first model."""
import io

import pytest
from django.core.management import call_command

from apps.core.tests.fixtures import create_project, train_inline
from apps.demo.services import DEMO_SLUG, demo_setup
from apps.predictions.models import QueueScoring
from apps.training.progress import progress_line

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_bootstrap_leaves_a_full_queue_scored_by_the_champion(client_for):
    lines: list[str] = []
    report = demo_setup(train=True, detection=False, echo=lambda p: lines.append(progress_line(p)))
    assert report.trained == {DEMO_SLUG: 1} and report.scored == {DEMO_SLUG: 2550}
    assert any("queue_scoring 1000/2550" in line for line in lines) and lines[-1].endswith("100% queue_scoring 2550/2550")
    from django.contrib.auth.models import User

    queue = client_for(User.objects.get(username="annotator")).get(f"/api/v1/projects/{DEMO_SLUG}/queue/").json()
    assert queue["count"] == 2550 and all(e["scored_by_champion"] for e in queue["results"])
    again = demo_setup(train=True, detection=False)
    assert again.scored == {} and QueueScoring.objects.count() == 1  # nothing left to score: no new job


def test_score_queue_command_scores_inline_or_hands_to_workers(users, monkeypatch, django_capture_on_commit_callbacks):
    from apps.predictions import scoring

    sent: list[int] = []
    monkeypatch.setattr(scoring, "_enqueue", sent.append)
    project = create_project(slug="cmd", owner=users["engineer"])
    create_project(slug="untrained", owner=users["engineer"], seed=3)
    train_inline(project, users["engineer"])
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("score_queue", stdout=out)
    job = QueueScoring.objects.get(project=project)
    assert sent == [job.pk] and f"cmd: job {job.pk} queued" in out.getvalue()
    assert "untrained: no champion yet" in out.getvalue()
    out = io.StringIO()
    call_command("score_queue", "--project", "cmd", "--inline", stdout=out)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.done == 36 and "100% queue_scoring 36/36" in out.getvalue()
    out = io.StringIO()
    call_command("score_queue", "--project", "cmd", stdout=out)
    assert "already scored by v1" in out.getvalue() and QueueScoring.objects.count() == 1
    with pytest.raises(Exception, match="No project nope"):
        call_command("score_queue", "--project", "nope")
