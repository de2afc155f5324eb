"""Erasure end to end, on moto's S3 server (and PostgreSQL when DATABASE_URL says so): a subject's texts and images
go through real training runs (text and YOLO), the pipeline's S3 run objects, a DVC workspace with its cache, a
prediction with feedback and an access archive; after the erasure the database (every value of every table), the
bucket (every object, unpacked) and the platform's folders (VAR_DIR and the DVC workspace, unpacked) hold none of
the subject's bytes, and the audit chain still verifies."""
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import TextField
from django.db.models.functions import Cast

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.core.tests.fixtures import train_inline
from apps.core.tests.images import png
from apps.core.tests.servers import MotoServer
from apps.feedback.models import Feedback
from apps.feedback.services import feedback_submit
from apps.items.image_import import images_import
from apps.items.models import Item
from apps.items.services import content_hash, items_import
from apps.predictions.detection import detection_predict
from apps.predictions.models import Prediction
from apps.predictions.services import predictions_create
from apps.privacy.models import CleanupStatus, ErasedDatasetVersion, SubjectKey
from apps.privacy.sealing import SubjectKeyDestroyed, is_sealed_text, open_bytes, open_text
from apps.privacy.selectors import erasures_for_model_version, model_versions_trained_on_erased_data
from apps.training import run_store
from apps.training.collection import collect_training_data
from apps.training.models import TrainingRun
from apps.training.pipeline import pipeline_params, run_paths
from apps.training.services import training_run_execute
from apps.training.tests.test_detection_training import make_detection_project

from .search import bucket_hits, database_hits, folder_hits

pytestmark = pytest.mark.django_db
REF = "subject-4711-ofelia"
TEXTS = {  # distinctive: no other test text shares a word with these
    "pool": "Ofelia Quarrington-Bexwade was charged twice for invoice 99-ZQ at Marrowdene Close",
    "holdout": "Ofelia Quarrington-Bexwade says the courier left the parcel at Marrowdene Close",
    "asked": "Ofelia Quarrington-Bexwade cannot login since the update at Marrowdene Close",
}
COMMENT = "phoned Ofelia Quarrington-Bexwade back on 0161 555 0199"
IMAGE = png(96, 64, seed=4711, shapes=[{"label": "circle", "x": 10, "y": 8, "w": 24, "h": 24},
                                      {"label": "square", "x": 50, "y": 20, "w": 30, "h": 28}])


def needles() -> dict[str, bytes]:
    found = {f"text:{k}": v.encode() for k, v in TEXTS.items()}
    found |= {f"sha256:{k}": hashlib.sha256(v.encode()).hexdigest().encode() for k, v in TEXTS.items()}
    found |= {"comment": COMMENT.encode(), "name": b"Quarrington-Bexwade", "image": IMAGE,
              "image-sha256": hashlib.sha256(IMAGE).hexdigest().encode(), "image-tail": IMAGE[-200:]}
    return found


@pytest.fixture
def s3(settings):
    with MotoServer.as_default_storage(settings, "hitl-privacy") as server:
        yield server


def dvc_workspace(detector) -> Path:
    """`dvc repro`'s first stages in a scratch workspace (the platform's own functions), cached by `dvc add`."""
    from ai_models.stages import data_formatting

    root = Path(settings.PRIVACY_DVC_WORKSPACE)
    root.mkdir(parents=True)
    collect_training_data(project=detector, out_dir=root / "data" / "raw")
    data_formatting.run(root / "data" / "raw", root / "data" / "formatted", pipeline_params())
    dvc = Path(sys.executable).with_name("dvc")
    for command in (["init", "--no-scm", "-q"], ["add", "-q", "data/raw"]):
        subprocess.run([str(dvc), *command], cwd=root, check=True, capture_output=True, timeout=300)
    return root


def test_erasure_leaves_no_byte_of_the_subject_anywhere(s3, project, users, officer, client_for,
                                                        django_capture_on_commit_callbacks):
    engineer = users["engineer"]
    items_import(project=project, actor=engineer, rows=[
        {"text": TEXTS["pool"], "label": "billing", "subject_ref": REF},
        {"text": TEXTS["holdout"], "label": "shipping", "split": "holdout", "subject_ref": REF},
        {"text": TEXTS["asked"], "subject_ref": REF}])
    text_champion = train_inline(project, engineer)
    run_store.run_inputs_put(run_id=text_champion.training_run_id, paths=run_paths(text_champion.training_run_id))
    asked = Item.objects.get(subject_ref=REF, content_hash=content_hash(TEXTS["asked"]))
    _, (prediction,) = predictions_create(project=project, inputs=[{"item_id": asked.pk}], actor=users["annotator"])
    feedback_submit(prediction=prediction, annotator=users["annotator"], verdict="correct", label="technical",
                    comment=COMMENT, allow_auto_retrain=False)

    detector = make_detection_project(users, n=8, holdout=2)
    images_import(project=detector, files=[("ofelia-at-home.png", IMAGE)], subject_ref=REF, actor=engineer,
                  boxes_by_name={"ofelia-at-home.png": [{"label": "circle", "x": 10, "y": 8, "w": 24, "h": 24}]})
    detection_champion = train_inline(detector, engineer)
    workspace = dvc_workspace(detector)
    api = client_for(officer)
    assert api.post("/api/v1/privacy/access/", {"subject_ref": REF}, format="json").status_code == 201

    wanted = needles()
    # The search can fail: before the erasure the subject's bytes are in each place it looks, but for the item rows
    # and the image object, which hold them sealed under the subject's key (crypto-shredding).
    before = database_hits(wanted)
    assert {"sha256:pool", "comment", "image-sha256"} <= {h.split(": ")[-1] for h in before}
    assert not [h for h in before if h.startswith("items_item.text")]
    assert {"image", "text:pool"} <= {h.split(": ")[-1] for h in bucket_hits(s3, wanted)}  # run objects
    image_item = Item.objects.get(project=detector, subject_ref=REF)
    # The detector trained on the sealed image (opened in memory, copied to the run's work folder) and predicts on it.
    (boxes,) = detection_predict(project=detector, items=[image_item], actor=users["annotator"])[1]
    assert boxes.model_version_id == detection_champion.pk and isinstance(boxes.boxes, list)
    with default_storage.open(image_item.storage_key, "rb") as handle:  # a backup of the bucket holds this
        backup_image = handle.read()
    backup_text = Item.objects.filter(pk=asked.pk).values_list(Cast("text", TextField()), flat=True).get()
    assert IMAGE not in backup_image and TEXTS["asked"] not in backup_text and is_sealed_text(backup_text)
    assert {"text:holdout", "text:pool"} <= {h.split(": ")[-1] for h in folder_hits(settings.VAR_DIR, wanted)}
    assert {"image", "image-tail"} <= {h.split(": ")[-1] for h in folder_hits(workspace / ".dvc", wanted)}
    assert list(workspace.glob(".dvc/cache/**/*")) and (workspace / "data" / "formatted").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/privacy/erasures/", {"subject_ref": REF}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "erasure" and body["result"]["items"] == 4 and body["result"]["images"] == 1
    assert body["result"]["comments_blanked"] == 1 and body["result"]["access_archives_withdrawn"] == 1
    assert {c["status"] for c in body["cleanups"]} <= {CleanupStatus.PENDING}  # answered before the commit's cleanup
    from apps.privacy.models import ErasureCleanup

    assert set(ErasureCleanup.objects.values_list("status", flat=True)) == {CleanupStatus.DONE}

    assert database_hits(wanted) == []
    assert bucket_hits(s3, wanted) == []
    # Copies out of the platform's reach (backups taken before the erasure) cannot be opened: the key is gone.
    assert body["result"]["keys_destroyed"] == 1 and not SubjectKey.objects.exists()
    assert open_text(backup_text) == ""
    with pytest.raises(SubjectKeyDestroyed):
        open_bytes(backup_image)
    assert folder_hits(settings.VAR_DIR, wanted) == []
    assert folder_hits(workspace, wanted) == []
    assert not any(n.encode() in str(e.details).encode() for e in AuditEvent.objects.all() for n in TEXTS.values())

    # What stays: the rows (erased), predictions and feedback with their non-personal fields.
    assert Item.objects.filter(pk=asked.pk, erased_at__isnull=False, text="", subject_ref="").exists()
    assert Prediction.objects.get(pk=prediction.pk).label == prediction.label
    kept = Feedback.objects.get(prediction=prediction)
    assert (kept.comment, kept.resolved_label, kept.verdict) == ("", "technical", "correct")
    # Dataset and model versions are marked; a retraining run is queued per project with a champion.
    assert ErasedDatasetVersion.objects.filter(dataset_version=text_champion.training_run.dataset_version).exists()
    assert list(model_versions_trained_on_erased_data(project)) == [text_champion]
    assert list(model_versions_trained_on_erased_data(detector)) == [detection_champion]
    assert erasures_for_model_version(text_champion)[0]["items"] == 2  # one training row, one holdout item
    retrain = body["result"]["retraining"]
    assert set(retrain) == {"tickets", "shapes"}
    assert TrainingRun.objects.get(pk=retrain["tickets"]).status == "queued"
    assert {TrainingRun.objects.get(pk=pk).trigger for pk in retrain.values()} == {"erasure"}
    assert audit_chain_verify().ok

    # The queued retraining trains without the subject, and writes none of their bytes.
    training_run_execute(run_id=retrain["tickets"])
    assert folder_hits(settings.VAR_DIR, wanted) == []
    assert audit_chain_verify().ok
