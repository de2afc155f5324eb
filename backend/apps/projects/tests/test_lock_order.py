"""A settings change and a prediction on the same project at once, on PostgreSQL: neither waits for the other's end.

`project_update` locks the project row, then appends to the audit chain (its advisory lock). A prediction (or any
write of rows that reference the project: queue scoring, the fast path's store) appends to the chain first and has
the project row checked by its foreign keys at COMMIT (FOR KEY SHARE). With the project locked FOR UPDATE the two
waited on each other: PostgreSQL killed one (a 503 for the settings change, or a failed scoring chunk: seen in CI).
The project is locked FOR NO KEY UPDATE now, which foreign-key checks do not wait for. The test pauses the real
`project_update` between its row lock and its audit append and predicts meanwhile; it failed with FOR UPDATE (the
prediction's commit waited for the pause to end, then PostgreSQL reported the deadlock).
"""
import threading
import time

import pytest
from django.db import connection

from apps.audit.selectors import audit_chain_verify
from apps.core.tests.fixtures import create_project, make_user, train_inline
from apps.predictions.services import predictions_create
from apps.projects import services as project_services
from apps.projects.models import Project

pytestmark = [pytest.mark.live,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level locks: PostgreSQL")]
PAUSE_S = 8.0


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.close()


def test_a_prediction_commits_while_a_settings_change_holds_the_project(committed, monkeypatch):
    engineer, annotator = make_user("lock-eng", "ml_engineer"), make_user("lock-ann", "annotator")
    project = create_project(slug="lock-order", owner=engineer, members=[annotator], seed=3)
    train_inline(project, engineer)
    project.refresh_from_db()
    locked, predicted = threading.Event(), threading.Event()
    record = project_services.audit_event_record
    errors: list[BaseException] = []

    def paused_record(**kwargs):  # project_update holds its row lock here, before the chain's lock
        locked.set()
        predicted.wait(PAUSE_S)
        return record(**kwargs)

    monkeypatch.setattr(project_services, "audit_event_record", paused_record)

    def change_settings():
        try:
            project_services.project_update(project=Project.objects.get(pk=project.pk), actor=engineer,
                                            retrain_min_feedback=7)
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            locked.set()
            connection.close()

    thread = threading.Thread(target=change_settings)
    thread.start()
    assert locked.wait(30)
    started = time.monotonic()
    _, predictions = predictions_create(project=project, actor=annotator, inputs=[{"text": "a refund, please"}])
    elapsed = time.monotonic() - started
    predicted.set()
    thread.join(60)
    assert not errors, errors
    assert elapsed < PAUSE_S / 2, f"the prediction waited {elapsed:.1f} s for the settings change's row lock"
    assert len(predictions) == 1
    assert Project.objects.get(pk=project.pk).retrain_min_feedback == 7
    assert audit_chain_verify().ok
