"""Storage limitation (GDPR Art. 5(1)(e)): content past a project's retention_days is purged in bounded batches,
at a given ("frozen") time; the dry run lists it and changes nothing; predictions and the chain stay."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.items.models import Item
from apps.items.services import items_import
from apps.predictions.models import Prediction
from apps.privacy.retention import retention_purge, retention_report
from apps.projects.services import project_update

pytestmark = pytest.mark.django_db
OLD = ["Ottilie Brandvold asked about invoice 7731", "refund for Ottilie's second order", "Ottilie's parcel is late"]
NEW = ["a recent question about billing", "another recent question"]


@pytest.fixture
def aged(trained_project, users, client_for):
    project_update(project=trained_project, actor=users["engineer"], retention_days=30)
    items_import(project=trained_project, rows=[{"text": t} for t in OLD + NEW], actor=users["engineer"])
    now = timezone.now()
    Item.objects.filter(project=trained_project, text__in=OLD).update(created_at=now - timedelta(days=40))
    response = client_for(users["annotator"]).post("/api/v1/projects/tickets/predict/", {
        "inputs": [{"text": OLD[0]}]}, format="json")
    assert response.status_code == 200
    return trained_project, now


def test_the_dry_run_lists_what_would_go_and_changes_nothing(aged):
    project, now = aged
    before = Item.objects.filter(project=project, erased_at__isnull=True).count()
    older_imports = Item.objects.filter(project=project, created_at__lt=now - timedelta(days=30)).count()
    report = [r for r in retention_report(now=now) if r["project"] == project.slug]
    assert report[0]["items"] == older_imports == len(OLD) and report[0]["retention_days"] == 30
    out = StringIO()
    call_command("retention_purge", "--dry-run", stdout=out)
    assert '"items": 3' in out.getvalue()
    assert Item.objects.filter(project=project, erased_at__isnull=True).count() == before


def test_content_past_retention_is_purged_in_batches_and_the_rest_stays(aged):
    project, now = aged
    predictions = Prediction.objects.filter(project=project).count()
    requests = retention_purge(now=now, batch=2)
    assert [r.result["items"] for r in requests] == [2, 1]
    purged = Item.objects.filter(project=project, erased_at__isnull=False)
    assert purged.count() == 3 and set(purged.values_list("text", flat=True)) == {""}
    assert all(h.startswith("erased:") for h in purged.values_list("content_hash", flat=True))
    assert set(Item.objects.filter(project=project, text__in=NEW).values_list("erased_at", flat=True)) == {None}
    assert Prediction.objects.filter(project=project).count() == predictions  # the logs stay
    events = AuditEvent.objects.filter(action="privacy.retention_purged", project_slug=project.slug)
    assert sorted(e.details["items"] for e in events) == [1, 2]
    assert not any("Ottilie" in str(e.details) for e in AuditEvent.objects.all())
    assert retention_purge(now=now) == []  # nothing left to purge
    later = retention_purge(now=now + timedelta(days=31))  # a month on, the newer imports are due too
    assert sum(r.result["items"] for r in later) == Item.objects.filter(project=project, erased_at__isnull=False,
                                                                        ).count() - 3
    assert audit_chain_verify().ok


def test_a_project_without_retention_keeps_everything(trained_project, users):
    items_import(project=trained_project, rows=[{"text": "kept forever"}], actor=users["engineer"])
    Item.objects.filter(project=trained_project).update(created_at=timezone.now() - timedelta(days=3650))
    assert retention_purge() == []
    assert not Item.objects.filter(project=trained_project, erased_at__isnull=False).exists()
