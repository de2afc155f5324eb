"""The fast path refuses a tampered champion as the view does (AI Act Art. 15(5)): its batch fails inside its
transaction, the request goes to the view, which answers 503 naming the version; the refusal is audited once.

Live (committed data, a slug of its own), like the other fast-path tests."""
import pytest

from apps.accounts.tokens import token_create
from apps.audit.models import AuditEvent
from apps.audit.verify import verify_chain
from apps.core.tests.fixtures import create_project, make_user, train_inline
from apps.predictions.model_cache import serving_cache_clear
from apps.predictions.tests import fast_path
from apps.training.integrity import integrity_reports_forget
from apps.training.ml import model_artifact_path

pytestmark = pytest.mark.live
SLUG = "fast-integrity"


@pytest.fixture(scope="module")
def site(serving_db):
    annotator = make_user("fint-ann", "annotator")
    project = create_project(slug=SLUG, owner=make_user("fint-eng", "ml_engineer"), seed=13, members=[annotator])
    version = train_inline(project, None)
    return annotator, version


def test_fast_path_refuses_a_tampered_champion_and_audits_it_once(site, batcher):
    annotator, version = site
    token, body = token_create(user=annotator), {"text": "refund for my invoice"}
    serving_cache_clear()  # a fresh process: nothing loaded yet (a loaded model was verified when it was loaded)
    integrity_reports_forget()
    model_file = model_artifact_path(version) / "model.skops"
    original = model_file.read_bytes()
    model_file.write_bytes(original.replace(b"PK", b"PX", 1))
    serving_cache_clear()
    before = fast_path.head()
    try:
        refused = fast_path.post_all([body, body], token, slug=SLUG)
        refused += fast_path.post_all([body], token, slug=SLUG)
    finally:
        model_file.write_bytes(original)
    assert [r.status_code for r in refused] == [503] * 3
    assert all(f"Model version {version.number} of project '{SLUG}'" in r.json()["detail"] for r in refused)
    events = AuditEvent.objects.filter(seq__gt=before, project_slug=SLUG)
    assert list(events.values_list("action", flat=True)) == ["model.integrity_failed"]  # once, no predictions
    serving_cache_clear()
    assert [r.status_code for r in fast_path.post_all([body], token, slug=SLUG)] == [200]
    assert verify_chain().ok
