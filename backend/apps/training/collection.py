"""collect_training_data: write the project's current training data as the pipeline's `data/raw` snapshot.

The first pipeline stage, shared by `dvc repro` (through `manage.py collect_training_data`) and the Celery
retraining. Content-addressed and free of timestamps (ai_models.stages.raw writes it): the same data gives
byte-identical files, so DVC reruns the later stages only when the content changed.
"""
import tempfile
from pathlib import Path

from apps.projects.models import Task

from .datasets import dataset_version_snapshot
from .selectors import champion_get


def collect_training_data(*, project, out_dir: Path) -> dict:
    from ai_models.stages.raw import write_raw

    detection = project.task == Task.OBJECT_DETECTION
    champion = champion_get(project=project)
    with tempfile.TemporaryDirectory(prefix="hitl-collect-") as images:
        snapshot = dataset_version_snapshot(project=project, image_dir=Path(images) if detection else None)
        version = snapshot.version
        return write_raw(
            Path(out_dir), project=project.slug, task=project.task, labels=project.labels, train=snapshot.training,
            holdout=snapshot.holdout, feedback_weight=project.feedback_weight,
            champion={"number": champion.number, "registered_model_name": champion.registered_model_name,
                      "registered_version": champion.registered_version} if champion else None,
            champion_weights=_verified_weights(champion) if champion and detection else None,
            content_hash=version.content_hash, holdout_hash=version.holdout_hash, counts=version.counts,
            extra={"dataset_version": version.pk, "holdout_size": version.holdout_size,
                   **({} if detection else {"text_model": project.text_model})})


def _verified_weights(champion) -> Path:
    """The champion's weights to fine-tune from, refused (503) if they are not the registered ones."""
    from .integrity import artifact_verify
    from .ml import model_artifact_path

    path = model_artifact_path(champion)
    artifact_verify(model_version=champion, path=path)
    return path
