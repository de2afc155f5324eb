"""Two people giving the same text its first label at once, on PostgreSQL: one label, one 409, one audit event.

The first labelling holds its transaction open until the second is seen waiting on the item's row lock
(pg_stat_activity), so the race is not left to timing; the second then finds the label and is refused. Both must
really commit, so this is a live test with names of its own (the audit log refuses a transactional test's TRUNCATE).
"""
import threading
import time

import pytest
from django.db import connection, transaction

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.core.exceptions import Conflict
from apps.core.tests.fixtures import create_project, make_user
from apps.feedback.first_labels import item_label_first
from apps.items.models import Item
from apps.items.services import items_import

pytestmark = [pytest.mark.live,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="row-level concurrency: PostgreSQL")]
TEXT = "both annotators label this text at the same time"


def _waiting_on_item_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock' AND query LIKE '%%FROM \"items_item\"%%FOR NO KEY UPDATE%%'")
        return cursor.fetchone()[0] > 0


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.close()


def test_two_first_labels_for_one_text_give_one_label(committed):
    engineer = make_user("race-label-eng", "ml_engineer")
    first_user, second_user = make_user("race-label-a", "annotator"), make_user("race-label-b", "annotator")
    project = create_project(slug="race-label", owner=engineer, members=[first_user, second_user], seed=11)
    items_import(project=project, rows=[{"text": TEXT}], actor=engineer)
    item = Item.objects.get(project=project, label__isnull=True, split="pool")
    first_locked, second_waits = threading.Event(), threading.Event()
    outcome, errors = {}, []

    def first():
        try:
            with transaction.atomic():  # the service's transaction nests in this one: not committed yet
                outcome["first"] = item_label_first(project=project, item_id=item.pk, label="billing", actor=first_user)
                first_locked.set()
                assert second_waits.wait(30), "the second labelling never waited on the first one's row"
        except BaseException as exc:  # reported below; a thread must not die silently
            errors.append(exc)
        finally:
            first_locked.set()
            connection.close()

    def second():
        try:
            first_locked.wait(30)
            item_label_first(project=project, item_id=item.pk, label="technical", actor=second_user)
        except Conflict as exc:
            outcome["second"] = exc.message
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    deadline, seen_waiting = time.monotonic() + 30, False
    while not seen_waiting and time.monotonic() < deadline and not errors:
        seen_waiting = _waiting_on_item_lock()
        time.sleep(0.02)
    second_waits.set()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert seen_waiting  # the race really happened: the second waited for the first one's row lock
    assert "already has a label" in outcome["second"]
    item.refresh_from_db()
    assert (item.label, item.labelled_by_id) == ("billing", first_user.pk)
    assert AuditEvent.objects.filter(action="item.labelled", project_slug="race-label").count() == 1
    assert audit_chain_verify().ok
