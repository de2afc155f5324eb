"""Two requests predicting the same new text at once, on PostgreSQL: one item, both predictions on it.

The second request's INSERT … ON CONFLICT DO NOTHING waits for the first request's uncommitted row, skips it once
that commits, and reads the item back. The test holds the first request's transaction open until the second is
seen waiting on that INSERT (pg_stat_activity), so the race is not left to timing. The two requests must really
commit, so this is a live test with names of its own (the audit log refuses the TRUNCATE of a transactional test).
"""
import threading
import time

import pytest
from django.db import connection, transaction

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.core.tests.fixtures import create_project, make_user, train_inline
from apps.items.models import Item
from apps.items.services import content_hash
from apps.predictions.services import predictions_create

pytestmark = [pytest.mark.live,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level concurrency: PostgreSQL")]
SHARED = "both requests send this new text at the same time"


def _waiting_on_item_insert() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO \"items_item\"%%'")
        return cursor.fetchone()[0] > 0


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.close()


def test_the_same_new_text_from_two_requests_is_one_item(committed):
    users = {"annotator": make_user("race-ann", "annotator"), "reviewer": make_user("race-rev", "reviewer"),
             "engineer": make_user("race-eng", "ml_engineer")}
    project = create_project(slug="race-predict", owner=users["engineer"], members=[users["annotator"],
                                                                                     users["reviewer"]], seed=7)
    train_inline(project, users["engineer"])
    project.refresh_from_db()
    first_inserted, second_waits = threading.Event(), threading.Event()
    results, errors = {}, []

    def first():
        try:
            with transaction.atomic():  # the request's own transaction is nested in this one: not committed yet
                results["first"] = predictions_create(project=project, actor=users["annotator"],
                                                      inputs=[{"text": SHARED}, {"text": "only the first sends this"}])
                first_inserted.set()
                assert second_waits.wait(30), "the second request never waited on the first one's item"
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            first_inserted.set()
            connection.close()

    def second():
        try:
            first_inserted.wait(30)
            results["second"] = predictions_create(project=project, actor=users["reviewer"],
                                                   inputs=[{"text": "only the second sends this"}, {"text": SHARED}])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    deadline, seen_waiting = time.monotonic() + 30, False
    while not seen_waiting and time.monotonic() < deadline and not errors:
        seen_waiting = _waiting_on_item_insert()
        time.sleep(0.02)
    second_waits.set()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert seen_waiting  # the race really happened: the second INSERT waited for the first request's row

    item = Item.objects.get(project=project, content_hash=content_hash(SHARED))
    _, (shared_first, _) = results["first"]
    _, (_, shared_second) = results["second"]
    assert shared_first.item_id == shared_second.item_id == item.pk
    assert Item.objects.filter(project=project, text__startswith="only the").count() == 2
    assert item.latest_prediction_id == max(shared_first.pk, shared_second.pk) == shared_second.pk
    created = {tuple(e.details["ids"]): e.details["items_created"]
               for e in AuditEvent.objects.filter(action="predictions.created", project_slug=project.slug)}
    assert created == {tuple(p.pk for p in results["first"][1]): 2,
                       tuple(p.pk for p in results["second"][1]): 1}  # the second created only its own text
    assert audit_chain_verify().ok
