"""Erasure details: a deletion that fails is recorded and retried until done; manifests lose the erased hashes;
the same content can be imported again; who may erase; bad input."""
import hashlib

import pytest

from apps.audit.selectors import audit_chain_verify
from apps.core.tests.images import shapes_image
from apps.core.tests.servers import MotoServer
from apps.items.image_import import images_import
from apps.items.models import Item
from apps.items.services import items_import
from apps.privacy.cleanup import erasure_cleanups_pending
from apps.privacy.models import CleanupKind, CleanupStatus, ErasureCleanup
from apps.privacy.services import subject_erase, subject_restrict
from apps.privacy.tasks import erasure_cleanup_pending_task
from apps.projects.services import project_create
from apps.training.datasets import dataset_version_snapshot
from apps.training.models import DatasetVersion

pytestmark = pytest.mark.django_db
REF = "subject-erase-3"
TEXT = "Wilhelmina Strandquist lost her parcel at the courier depot"


def test_a_failed_object_deletion_is_recorded_and_retried(settings, users, officer,
                                                          django_capture_on_commit_callbacks):
    with MotoServer.as_default_storage(settings, "hitl-erase-a") as first:
        shapes = project_create(slug="shapes-e", name="S", task="object_detection",
                                labels=["circle", "square", "triangle"], creator=users["engineer"])
        image, boxes = shapes_image(11)
        images_import(project=shapes, files=[("w.png", image)], boxes_by_name={"w.png": boxes}, subject_ref=REF,
                      actor=users["engineer"])
        key = Item.objects.get(subject_ref=REF).storage_key
        first.stop()  # object storage is down while the erasure commits
        with django_capture_on_commit_callbacks(execute=True):
            erasure = subject_erase(subject_ref=REF, actor=officer)
    row = ErasureCleanup.objects.get(erasure=erasure, kind=CleanupKind.OBJECT)
    assert (row.status, row.attempts, row.target) == (CleanupStatus.PENDING, 1, key) and row.last_error
    assert Item.objects.get(pk=erasure.result["item_ids"][0]).erased_at  # the database part committed regardless
    with MotoServer.as_default_storage(settings, "hitl-erase-a") as back:
        back.client().put_object(Bucket=back.bucket, Key=key, Body=image)
        assert erasure_cleanups_pending() == [erasure.pk]
        assert erasure_cleanup_pending_task() == 1  # beat's sweep, run here in-process
        assert back.keys() == [] and erasure_cleanups_pending() == []
    row.refresh_from_db()
    assert (row.status, row.attempts, row.target, row.last_error) == (CleanupStatus.DONE, 2, "", "")


def test_manifests_lose_the_hash_and_the_content_can_come_back(trained_project, users, officer):
    items_import(project=trained_project, rows=[{"text": TEXT, "label": "shipping", "subject_ref": REF}],
                 actor=users["engineer"])
    item = Item.objects.get(subject_ref=REF)
    old_hash = item.content_hash
    version = dataset_version_snapshot(project=trained_project).version
    assert any(row[3] == old_hash for row in version.manifest)
    subject_restrict(subject_ref=REF, actor=officer)  # a restricted subject can still be erased
    erasure = subject_erase(subject_ref=REF, actor=officer)
    version.refresh_from_db()
    assert not any(row[3] == old_hash for row in version.manifest)
    assert [row[3] for row in version.manifest if row[0] == item.pk] == [Item.objects.get(pk=item.pk).content_hash]
    assert Item.objects.get(pk=item.pk).content_hash.startswith("erased:")
    assert erasure.result["dataset_versions"] == [version.pk]
    assert not DatasetVersion.objects.filter(manifest__icontains=old_hash).exists()
    items_import(project=trained_project, rows=[{"text": TEXT, "label": "shipping"}], actor=users["engineer"])
    assert Item.objects.get(project=trained_project, content_hash=hashlib.sha256(TEXT.encode()).hexdigest())
    assert audit_chain_verify().ok


def test_who_may_erase_and_bad_input(project, users, client_for, officer):
    items_import(project=project, rows=[{"text": TEXT, "subject_ref": REF}], actor=users["engineer"])
    for role in ("annotator", "reviewer", "engineer", "auditor", "nobody"):
        assert client_for(users[role]).post("/api/v1/privacy/erasures/", {"subject_ref": REF},
                                            format="json").status_code == 403
    api = client_for(officer)
    assert api.post("/api/v1/privacy/erasures/", {"subject_ref": ""}, format="json").status_code == 400
    assert api.post("/api/v1/privacy/erasures/", {"subject_ref": "x" * 129}, format="json").status_code == 400
    assert api.post("/api/v1/privacy/erasures/", {"subject_ref": "nobody"}, format="json").status_code == 404
    done = client_for(users["admin"]).post("/api/v1/privacy/erasures/", {"subject_ref": REF}, format="json")
    assert done.status_code == 201 and done.json()["result"]["retraining"] == {}  # no champion: nothing to retrain
    assert api.post("/api/v1/privacy/erasures/", {"subject_ref": REF}, format="json").status_code == 404  # gone
    detail = api.get(f"/api/v1/privacy/requests/{done.json()['id']}/")
    assert detail.status_code == 200 and detail.json()["kind"] == "erasure"
    assert api.get("/api/v1/privacy/requests/999999/").status_code == 404


def test_the_card_of_a_version_trained_on_erased_data_says_so(project, users, officer, client_for):
    from apps.core.tests.fixtures import train_inline
    from apps.projects.oversight import project_stop

    items_import(project=project, rows=[{"text": TEXT, "label": "shipping", "subject_ref": REF}],
                 actor=users["engineer"])
    version = train_inline(project, users["engineer"])
    api = client_for(users["auditor"])
    before = api.get(f"/api/v1/model-versions/{version.pk}/model-card/?format=md").content.decode()
    assert "No item of this version's training set has been erased." in before
    project_stop(project=project, actor=users["engineer"], reason="erasure under way")  # a stopped model
    erasure = subject_erase(subject_ref=REF, actor=officer)  # ... is erased from too, and not retrained
    assert erasure.result["retraining"] == {project.slug: "stopped: retrain after starting it"}
    after = api.get(f"/api/v1/model-versions/{version.pk}/model-card/?format=md").content.decode()
    assert "**Trained on erased data**" in after and "No item of this version's" not in after
    card = api.get(f"/api/v1/model-versions/{version.pk}/model-card/?format=json").json()
    assert [e["erasure"] for e in card["erased_data"]] == [erasure.pk]
    assert audit_chain_verify().ok
