"""The backend's door into `ai_models` object detection for serving: registered weights in, boxes out.

Weights are downloaded once per machine into VAR_DIR/model-cache/<model>/<version>/. Serving asks for the
parameters on every request, so what it reads is kept in the process: params.yaml parsed again only when its bytes
change (parsing it cost more than the rest of a request's bookkeeping), a version's training size once per version.
"""
from pathlib import Path

from django.conf import settings

# params file -> (its bytes, or None when absent; the DetectionParams read from them)
_params: dict[Path, tuple[bytes | None, object]] = {}
# (registered model, registered version, training run) -> the run's IMG_SIZE override or None. Registry versions are
# never reused (see apps.predictions.model_cache) and a run's params never change once it has made a version.
_run_img_sizes: dict[tuple[str, int, int | None], int | None] = {}


def detection_params():
    from ai_models.object_detection import DetectionParams
    from ai_models.params import load_params

    path = Path(settings.PARAMS_FILE)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = None
    cached = _params.get(path)
    if cached is None or cached[0] != data:
        cached = (data, DetectionParams.from_params(load_params(path) if data is not None else {}))
        _params[path] = cached
    return cached[1]


def detector_weights(model_version) -> Path:
    """The registered version's weights, downloaded once into this machine's model cache."""
    from ai_models.detection_tracking import download_detector_weights

    folder = settings.VAR_DIR / "model-cache" / model_version.registered_model_name / str(model_version.registered_version)
    found = list(folder.rglob("*.pt")) if folder.exists() else []
    if found:
        return found[0]
    folder.mkdir(parents=True, exist_ok=True)
    return download_detector_weights(tracking_uri=settings.MLFLOW_TRACKING_URI, name=model_version.registered_model_name,
                                     version=model_version.registered_version, dst=folder)


def serving_img_size(model_version) -> int:
    """The input size a version was trained at (a run may override IMG_SIZE), else params.yaml's."""
    key = (model_version.registered_model_name, model_version.registered_version, model_version.training_run_id)
    if key not in _run_img_sizes:
        run = model_version.training_run if model_version.training_run_id else None
        size = (run.params or {}).get("IMG_SIZE") if run is not None else None
        _run_img_sizes[key] = int(size) if size else None
    return _run_img_sizes[key] or detection_params().img_size


def predict_boxes(model, paths: list[Path], labels: list[str], *, img_size: int | None = None) -> list[list[dict]]:
    from ai_models.object_detection import predict_images

    params = detection_params()
    results = predict_images(model, paths, labels, conf=params.conf, img_size=img_size or params.img_size)
    return [[{"label": b.label, "confidence": b.confidence, "x": round(b.x, 2), "y": round(b.y, 2),
              "w": round(b.w, 2), "h": round(b.h, 2)} for b in boxes] for boxes in results]
