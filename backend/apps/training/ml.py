"""The backend's door into `ai_models` for serving and the registry: plain data in, plain data out.

Training itself runs through the pipeline stages (apps/training/pipeline.py → ai_models.stages). Heavy imports
(scikit-learn, MLflow) happen inside the functions.
"""
from pathlib import Path

from django.conf import settings


def _artifact_location(name: str) -> str | None:
    # With a tracking server, the server decides where artifacts go; with a local store, we do.
    if settings.MLFLOW_TRACKING_URI.startswith(("http://", "https://")):
        return None
    if "://" in settings.MLFLOW_ARTIFACT_ROOT:  # s3://bucket/prefix: a store every worker reaches, no shared disk
        return f"{settings.MLFLOW_ARTIFACT_ROOT.rstrip('/')}/{name}"
    return Path(settings.MLFLOW_ARTIFACT_ROOT, name).resolve().as_uri()


def model_artifact_path(model_version) -> Path:
    """The version's artifact in this machine's model cache (downloaded on first use): the text model's MLflow
    folder, or the detector's weights file. What apps.training.integrity hashes."""
    if model_version.project.task == "object_detection":
        from .ml_detection import detector_weights

        return detector_weights(model_version)
    return text_model_folder(model_version)


def load_model_version(model_version) -> object:
    """The servable model of a version: a scikit-learn pipeline (text) or a loaded YOLO detector (images).

    The artifact is checked against the sha256 recorded at registration before it is deserialized
    (apps.training.integrity): a mismatch raises ArtifactIntegrityError (503) and loads nothing."""
    from .integrity import artifact_verify

    path = model_artifact_path(model_version)
    artifact_verify(model_version=model_version, path=path)
    if model_version.project.task == "object_detection":
        from ai_models.object_detection import load_detector

        return load_detector(path)
    from ai_models import tracking

    return tracking.load_model_dir(path)


def text_model_folder(model_version) -> Path:
    """A registered text model's folder, downloaded once per machine into VAR_DIR/model-cache/<model>/<version>/, as
    detectors are: a serving process that starts while object storage or the MLflow server is down still loads a
    champion that any process of this machine loaded before."""
    import os
    import shutil
    import tempfile

    from ai_models import tracking

    name, version = model_version.registered_model_name, model_version.registered_version
    folder = settings.VAR_DIR / "model-cache" / name / str(version) / "model"
    if (folder / "MLmodel").exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".download-", dir=folder.parent))
    try:
        downloaded = tracking.download_model(tracking_uri=settings.MLFLOW_TRACKING_URI, name=name, version=version,
                                             dst=tmp)
        try:
            os.replace(downloaded, folder)  # atomic: other processes see no folder or a complete one
        except OSError:  # another process won the race
            if not (folder / "MLmodel").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def predict_texts(model, texts: list[str], labels: list[str]):
    from ai_models.text_classification import predict_texts as _predict

    return _predict(model, texts, labels)


def set_champion_alias(*, name: str, version: int) -> None:
    from ai_models import tracking

    tracking.set_alias(tracking_uri=settings.MLFLOW_TRACKING_URI, name=name, alias="champion", version=version)


def dataset_content_hash(rows: list[tuple[str, str, float]]) -> str:
    from ai_models.datasets import dataset_hash

    return dataset_hash(rows)
