"""`make bench`'s privacy rows, at a small size: the seed, the timed erasure, the log and retention purges in
their batches, the rows of the table, and the throwaway project gone afterwards with the chain intact."""
import pytest

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.demo.bench.report import table
from apps.predictions.models import Prediction
from apps.privacy.bench import privacy_bench
from apps.privacy.models import SubjectKey
from apps.projects.models import Project

pytestmark = pytest.mark.django_db


def test_the_privacy_bench_measures_erasure_and_both_purges_and_leaves_nothing_behind(settings):
    settings.RETENTION_BATCH, settings.LOG_PURGE_BATCH = 40, 100
    result = privacy_bench(items=200, predictions_per_item=3, purge_items=100, sealing_texts=100)
    assert (result["items"], result["predictions"]) == (200, 600)
    erasure = result["erasure"]
    assert erasure["result"]["items"] == 5 and erasure["erasure_db_seconds"] > 0
    logs = result["log_purge"]
    # every tenth item (by id: 20) and the subject's 5 items (one may be a tenth too) have their first prediction
    # answered, which is kept
    assert logs["kept_answered"] in (24, 25) and logs["deleted"] == 600 - logs["kept_answered"]
    assert logs["batches"] == 6
    content = result["retention_purge"]
    assert content["batches"] == 3 and content["items"] == 120  # whole batches until past `purge_items`
    assert not Project.objects.filter(slug__startswith="bench-erasure-").exists()
    assert not Prediction.objects.exists()
    assert AuditEvent.objects.filter(action="logs.predictions_purged").count() == 6
    rendered = table({"privacy": result})
    assert "erasure of 1 subject among 200 items, 600 predictions" in rendered and "(over 200 / 600 only)" in rendered
    assert "log purge past retention, batches of 100" in rendered and "retention purge of item content" in rendered
    sealing = result["sealing"]
    assert (sealing["texts"], sealing["subjects"]) == (100, 20) and sealing["import_sealed_s"] > 0
    assert "import of 100 texts of 20 subjects, sealed" in rendered
    assert not Project.objects.filter(slug__startswith="bench-sealing-").exists() and not SubjectKey.objects.exists()
    assert audit_chain_verify().ok
