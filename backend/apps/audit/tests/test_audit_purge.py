"""Purging old audit events (AI Act Art. 19, 26(6)) at a given ("frozen") time: refused and recorded within the
floor; past it, a checkpoint anchors what is kept, the chain verifies from it (also half way through a purge),
exports still verify offline, and the database refuses every other delete or change."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from apps.audit.models import AuditCheckpoint, AuditEvent
from apps.audit.purge import _checkpoint, _delete_batch, audit_purge
from apps.audit.selectors import audit_chain_verify
from apps.audit.services import audit_event_record
from apps.audit.tests.test_audit_offline_verify import _export, verify_offline
from apps.core.exceptions import ApplicationError
from apps.projects.services import project_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(project, users):
    project_update(project=project, actor=users["engineer"], purpose="tickets", feedback_weight=3.0)
    with transaction.atomic():
        for n in range(5):
            audit_event_record(action="test.event", project=project, details={"n": n})
    return AuditEvent.objects.count()


def _refused(change) -> bool:
    try:
        with transaction.atomic():
            change()
    except DatabaseError:
        return True
    return False


def test_a_purge_within_the_floor_is_refused_and_recorded(chain):
    now = timezone.now()
    with pytest.raises(ApplicationError) as refused:
        audit_purge(before=now - timedelta(days=30), now=now)
    assert refused.value.status == 403
    with pytest.raises(CommandError, match="retention floor"):
        call_command("logs_purge", "--audit", "--before", (now - timedelta(days=1)).date().isoformat())
    assert AuditEvent.objects.filter(action="logs.purge_refused", details__kind="audit").count() == 2
    assert AuditEvent.objects.count() == chain + 2 and not AuditCheckpoint.objects.exists()
    assert audit_chain_verify().ok


def test_a_purge_past_the_floor_keeps_a_chain_that_verifies_from_its_anchor(chain, tmp_path):
    cutoff = timezone.now()  # every event so far is older; at `later` the cut-off is far past the floor
    later = cutoff + timedelta(days=400)
    result = audit_purge(before=cutoff, now=later, batch=3)
    assert result["deleted"] == chain
    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.through_seq, checkpoint.anchor_hash, checkpoint.purged) == (
        chain, result["anchor_hash"], chain)
    first = AuditEvent.objects.order_by("seq").first()
    assert (first.seq, first.action, first.prev_hash) == (chain + 1, "audit.purged", checkpoint.anchor_hash)
    assert first.details["purged"] == chain and first.details["through_seq"] == chain
    report = audit_chain_verify()
    assert report.ok and report.events == AuditEvent.objects.count()
    with transaction.atomic():
        audit_event_record(action="test.after", details={"n": 99})
    assert audit_chain_verify().ok
    path = _export(tmp_path, "audit.json")  # an export's anchor is the checkpoint's: it verifies offline
    code, out = verify_offline(path)
    assert code == 0, out
    # The database refuses anything else: deleting kept events, changing or removing the checkpoint.
    assert _refused(lambda: AuditEvent.objects.filter(seq=first.seq).delete())
    assert _refused(lambda: AuditCheckpoint.objects.update(anchor_hash="0" * 64))
    assert _refused(lambda: AuditCheckpoint.objects.all().delete())
    assert audit_purge(before=cutoff, now=later)["deleted"] == 0  # nothing more before that cut-off


def test_a_purge_interrupted_half_way_still_verifies_and_the_next_one_finishes(chain):
    cutoff = timezone.now()
    checkpoint = _checkpoint(before=cutoff, actor=None)
    assert _delete_batch(through_seq=checkpoint.through_seq, batch=2) == 2
    assert audit_chain_verify().ok  # starts at seq 3, on its own link, and reaches the anchor at through_seq
    assert audit_purge(before=cutoff, now=cutoff + timedelta(days=400))["deleted"] == chain - 2
    assert audit_chain_verify().ok and AuditCheckpoint.objects.count() == 1


def test_the_command_purges_past_the_floor(chain, settings):
    settings.LOG_RETENTION_FLOOR_DAYS = 0  # the clock cannot be moved for a command: the floor can
    out = StringIO()
    call_command("logs_purge", "--audit", "--before", timezone.now().isoformat(), stdout=out)
    assert f"purged {chain} audit events" in out.getvalue()
    assert audit_chain_verify().ok
