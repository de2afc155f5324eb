"""Stopping a project reaches the serving fast path at once: its cached project is dropped (the serving generation
moves with `stopped_at`), the request goes to the view, which answers 503; starting it serves again."""
import pytest

from apps.accounts.tokens import token_create
from apps.core.tests.fixtures import create_project, make_user, train_inline
from apps.predictions.tests import fast_path
from apps.projects.oversight import project_start, project_stop

pytestmark = pytest.mark.live
SLUG = "stop-fast"


@pytest.fixture(scope="module")
def site(serving_db):
    users = {role: make_user(f"stop-{role[:3]}", role) for role in ("annotator", "ml_engineer")}
    project = create_project(slug=SLUG, owner=users["ml_engineer"], seed=3, members=[users["annotator"]])
    train_inline(project, users["ml_engineer"])
    project.refresh_from_db()
    return users, project


def test_a_stop_holds_on_the_next_request_of_the_fast_path(site, batcher):
    users, project = site
    token = token_create(user=users["annotator"])
    assert fast_path.post_all([{"text": "parcel late, warm"}], token, slug=SLUG)[0].status_code == 200
    served = batcher.jobs
    project_stop(project=project, actor=users["ml_engineer"], reason="checking a complaint")
    refused = fast_path.post_all([{"text": "parcel late, stopped"}] * 3, token, slug=SLUG)
    assert [r.status_code for r in refused] == [503] * 3
    assert "stopped by ml_engineer" in refused[0].json()["detail"]
    assert batcher.jobs == served + 3  # they reached the batch, which handed them to the view
    project_start(project=project, actor=users["ml_engineer"], reason="done")
    assert fast_path.post_all([{"text": "parcel late, again"}], token, slug=SLUG)[0].status_code == 200
