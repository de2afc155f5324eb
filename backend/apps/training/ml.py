"""The backend's one door into `ai_models`: plain data in, plain data out; no ORM rows cross it.

Heavy imports (scikit-learn, MLflow) happen inside the functions.
"""
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class TrainOutcome:
    model: object
    kfold: dict
    holdout: dict
    params: dict
    mlflow_run_id: str
    registered_version: int


def _text_params():
    from ai_models.params import TextParams, load_params

    path = Path(settings.PARAMS_FILE)
    return TextParams.from_params(load_params(path) if path.exists() else {})


def train_text_model(*, registered_model_name: str, labels: list[str], training: list[tuple[str, str, float]],
                     holdout: list[tuple[str, str]], dataset_hash: str, tags: dict[str, str],
                     on_progress=None) -> TrainOutcome:
    """k-fold CV, final fit, holdout evaluation, MLflow logging and registration, in that order."""
    from dataclasses import asdict

    from ai_models import tracking
    from ai_models.text_classification import TextExample, evaluate, kfold_evaluate, train_text_classifier

    params = _text_params()
    examples = [TextExample(text=t, label=label, weight=w) for t, label, w in training]
    holdout_examples = [TextExample(text=t, label=label) for t, label in holdout]
    report = on_progress or (lambda **_: None)

    def on_fold(index: int, k: int) -> None:
        report(stage="kfold", fold=index + 1, folds=k, percent=round(10 + 60 * index / max(k, 1)))

    report(stage="kfold", fold=0, folds=params.k_folds, percent=10)
    kfold = kfold_evaluate(examples, labels, params, on_fold=on_fold)
    report(stage="training", percent=75)
    model = train_text_classifier(examples, labels, params)
    report(stage="evaluating", percent=85)
    holdout_metrics = evaluate(model, holdout_examples, labels) if holdout_examples else {}
    report(stage="registering", percent=90)
    tracked = tracking.log_text_training(
        tracking_uri=settings.MLFLOW_TRACKING_URI, experiment=registered_model_name,
        artifact_location=_artifact_location(registered_model_name), registered_model_name=registered_model_name,
        model=model, params=asdict(params), kfold=kfold, holdout_metrics=holdout_metrics, dataset_hash=dataset_hash,
        tags=tags, labels=labels,
    )
    return TrainOutcome(model=model, kfold=kfold, holdout=holdout_metrics, params=asdict(params),
                        mlflow_run_id=tracked.run_id, registered_version=tracked.registered_version)


def _artifact_location(name: str) -> str | None:
    # With a tracking server, the server decides where artifacts go; with a local store, we do.
    if settings.MLFLOW_TRACKING_URI.startswith(("http://", "https://")):
        return None
    return Path(settings.MLFLOW_ARTIFACT_ROOT, name).resolve().as_uri()


def load_model_version(model_version) -> object:
    """The servable model of a version: a scikit-learn pipeline (text) or a loaded YOLO detector (images)."""
    if model_version.project.task == "object_detection":
        from .ml_detection import load_detector_version

        return load_detector_version(model_version)
    from ai_models import tracking

    return tracking.load_model(tracking_uri=settings.MLFLOW_TRACKING_URI,
                               name=model_version.registered_model_name, version=model_version.registered_version)


def evaluate_version_on_holdout(model_version, *, project, holdout: list) -> dict:
    """Measure an existing version on a (possibly newer) holdout, so candidate and champion compare fairly."""
    if project.task == "object_detection":
        from .ml_detection import evaluate_detector_version, work_dir

        return evaluate_detector_version(model_version, labels=project.labels, holdout=holdout,
                                         run_dir=work_dir("gate", model_version.pk))
    return evaluate_model(load_model_version(model_version), labels=project.labels, holdout=holdout)


def evaluate_model(model, *, labels: list[str], holdout: list[tuple[str, str]]) -> dict:
    from ai_models.text_classification import TextExample, evaluate

    return evaluate(model, [TextExample(text=t, label=label) for t, label in holdout], labels)


def predict_texts(model, texts: list[str], labels: list[str]):
    from ai_models.text_classification import predict_texts as _predict

    return _predict(model, texts, labels)


def set_champion_alias(*, name: str, version: int) -> None:
    from ai_models import tracking

    tracking.set_alias(tracking_uri=settings.MLFLOW_TRACKING_URI, name=name, alias="champion", version=version)


def dataset_content_hash(rows: list[tuple[str, str, float]]) -> str:
    from ai_models.datasets import dataset_hash

    return dataset_hash(rows)
