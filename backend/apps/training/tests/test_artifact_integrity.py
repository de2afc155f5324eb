"""Integrity of what serves (AI Act Art. 15(5)): the artifact's sha256 is recorded at registration, checked when
serving loads the model, and a mismatch is refused (503) and audited once per version per process."""
import hashlib
import logging
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.predictions.model_cache import serving_cache_clear
from apps.training.integrity import artifact_digest, integrity_reports_forget
from apps.training.ml import model_artifact_path
from apps.training.models import ModelVersion

pytestmark = pytest.mark.django_db
TEXT = {"inputs": [{"text": "the courier lost my parcel"}]}


@pytest.fixture(autouse=True)
def _fresh_process_state():
    serving_cache_clear()
    integrity_reports_forget()
    yield
    serving_cache_clear()
    integrity_reports_forget()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _store_copy(cached: Path) -> Path:
    """The MLflow artifact store's file that the machine's model cache copied (same bytes, under the store root)."""
    digest = _sha(cached)
    found = [p for p in Path(settings.MLFLOW_ARTIFACT_ROOT).rglob(cached.name) if _sha(p) == digest]
    assert len(found) == 1, found
    return found[0]


def _predict(client_for, users):
    return client_for(users["annotator"]).post("/api/v1/projects/tickets/predict/", TEXT, format="json")


def test_registration_records_the_sha256_of_the_registered_artifact(trained_project):
    version = ModelVersion.objects.get(project=trained_project)
    folder = model_artifact_path(version)
    assert len(version.artifact_sha256) == 64
    assert version.artifact_sha256 == artifact_digest(folder)
    assert version.model_card["model"]["artifact_sha256"] == version.artifact_sha256
    assert (folder / "MLmodel").exists()


def test_a_tampered_artifact_is_refused_with_503_and_audited_once(trained_project, users, client_for,
                                                                  django_capture_on_commit_callbacks):
    version = ModelVersion.objects.get(project=trained_project)
    assert _predict(client_for, users).status_code == 200  # untampered: served

    cached = model_artifact_path(version) / "model.skops"
    stored = _store_copy(cached)
    original = stored.read_bytes()
    stored.write_bytes(original[:-1] + bytes([original[-1] ^ 0xFF]))  # one flipped byte in the artifact store
    shutil.rmtree(cached.parent)  # this machine's download: the next load fetches the store's bytes again
    serving_cache_clear()  # as a new serving process would
    try:
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                refused = _predict(client_for, users)
            assert refused.status_code == 503, refused.content
            detail = refused.json()["detail"]
            assert "Model version 1 of project 'tickets'" in detail and "integrity check" in detail
            assert version.artifact_sha256 in detail and refused["Retry-After"]
        events = AuditEvent.objects.filter(action="model.integrity_failed")
        assert events.count() == 1  # once per version per process, not per request
        event = events.get()
        assert event.object_id == str(version.pk) and event.details["version"] == 1
        assert event.details["expected_sha256"] == version.artifact_sha256
        assert event.details["actual_sha256"] == artifact_digest(cached.parent) != version.artifact_sha256
        assert not trained_project.predictions.filter(created_at__gte=event.created_at).exists()
    finally:
        stored.write_bytes(original)
    shutil.rmtree(cached.parent)
    serving_cache_clear()
    assert _predict(client_for, users).status_code == 200  # the restored artifact serves again
    assert audit_chain_verify().ok


def test_a_tampered_local_copy_is_refused_too(trained_project, users, client_for):
    version = ModelVersion.objects.get(project=trained_project)
    cached = model_artifact_path(version) / "model.skops"
    original = cached.read_bytes()
    cached.write_bytes(original + b"\0")
    serving_cache_clear()
    try:
        assert _predict(client_for, users).status_code == 503
    finally:
        cached.write_bytes(original)
    serving_cache_clear()
    assert _predict(client_for, users).status_code == 200


def test_a_version_without_a_recorded_hash_is_served_with_a_warning(trained_project, users, client_for, caplog):
    ModelVersion.objects.filter(project=trained_project).update(artifact_sha256="")  # registered before the change
    serving_cache_clear()
    with caplog.at_level(logging.WARNING, logger="apps.training.integrity"):
        assert _predict(client_for, users).status_code == 200
    assert any("no recorded artifact sha256" in r.getMessage() for r in caplog.records)
    assert not AuditEvent.objects.filter(action="model.integrity_failed").exists()
