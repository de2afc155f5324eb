"""One training run through the pipeline stages of ai_models.stages, in the order dvc.yaml runs them.

collect → data_formatting → kfold_data_formatting → kfold_model_training (folds inline, or a Celery group
across workers) → model_training → evaluate → register → the promotion gate. A run's files live in
VAR_DIR/work/training/<run id>/, laid out like the DVC workspace (data/raw, data/formatted, data/kfold,
metrics, models, plots), so a run can be inspected or replayed with the same commands.
"""
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .collection import collect_training_data
from .embedding_cache import training_embeddings
from .ml import _artifact_location, load_model_version
from .selectors import champion_get


@dataclass(frozen=True)
class RunPaths:
    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def formatted(self) -> Path:
        return self.root / "data" / "formatted"

    @property
    def kfold(self) -> Path:
        return self.root / "data" / "kfold"

    @property
    def folds_file(self) -> Path:
        return self.kfold / "folds.json"

    @property
    def kfold_work(self) -> Path:
        return self.root / "data" / "kfold-work"

    @property
    def metrics(self) -> Path:
        return self.root / "metrics"

    @property
    def model(self) -> Path:
        return self.root / "models" / "final"

    @property
    def plots(self) -> Path:
        return self.root / "plots"


def run_paths(run_id: int) -> RunPaths:
    return RunPaths(settings.VAR_DIR / "work" / "training" / str(run_id))


def pipeline_params() -> dict:
    from ai_models.params import load_params

    path = Path(settings.PARAMS_FILE)
    return load_params(path) if path.exists() else {}


def project_params(*, project, overrides: dict) -> dict:
    """The params a run of `project` trains with: params.yaml, the run's overrides (apps.training.overrides), and for a
    text project its own model family (Project.text_model), which params.yaml's text_classification.model only
    defaults for the DVC stages when the snapshot names none."""
    from .overrides import params_with_overrides

    params = params_with_overrides(params=pipeline_params(), task=project.task, overrides=overrides)
    if project.task == "text_classification":
        params.setdefault("text_classification", {})["model"] = project.text_model
    return params


def pipeline_prepare(*, project, paths: RunPaths, params: dict) -> dict:
    """Stages 1-3: the raw snapshot, the training format, the folds. Returns {"manifest", "k"}."""
    from ai_models.stages import data_formatting, kfold_data_formatting

    if paths.root.exists():
        import shutil

        shutil.rmtree(paths.root)
    paths.root.mkdir(parents=True)
    manifest = collect_training_data(project=project, out_dir=paths.raw)
    data_formatting.run(paths.raw, paths.formatted, params)
    folds = kfold_data_formatting.run(paths.raw, paths.kfold, params)
    return {"manifest": manifest, "k": int(folds.get("k", 0))}


def pipeline_fold(*, paths: RunPaths, fold: int, params: dict) -> dict:
    from ai_models.stages import kfold_model_training

    with training_embeddings():
        return kfold_model_training.train_fold(paths.raw, paths.folds_file, fold, paths.kfold_work / f"fold-{fold}",
                                               params)


def pipeline_finish(*, project, paths: RunPaths, params: dict, fold_results: list[dict], tags: dict,
                    on_progress) -> dict:
    """Stages 4-7: aggregate the folds, train the final model, evaluate it beside the champion, register it."""
    with training_embeddings():
        return _finish(project=project, paths=paths, params=params, fold_results=fold_results, tags=tags,
                       on_progress=on_progress)


def _finish(*, project, paths: RunPaths, params: dict, fold_results: list[dict], tags: dict, on_progress) -> dict:
    from ai_models.stages import evaluate, kfold_model_training, model_training, register

    kfold = kfold_model_training.aggregate(fold_results, paths.metrics / "kfold.json",
                                           paths.root / "kfold_results.csv", paths.plots / "kfold.csv",
                                           folds_file=paths.folds_file)

    def on_epoch(epoch: int, total: int, metrics: dict) -> None:
        on_progress(stage="model_training", epoch=epoch, epochs=total, percent=60 + 25 * epoch // max(total, 1))

    on_progress(stage="model_training", percent=60)
    fitted: list = []  # the text pipeline in memory: evaluate and register need not read model.skops back
    model_training.run(paths.formatted, paths.raw, paths.model, params, on_epoch=on_epoch, on_model=fitted.append)
    candidate_model = fitted[0] if fitted else None
    on_progress(stage="evaluate", percent=86)
    champion = champion_get(project=project)
    champion_model = load_model_version(champion) if champion and project.task == "text_classification" else None
    holdout = evaluate.run(paths.model, paths.formatted, paths.raw, paths.metrics / "holdout.json",
                           paths.plots / "evaluate", params, champion_model=champion_model,
                           candidate_model=candidate_model)
    on_progress(stage="register", percent=92)
    registered = register.run(model_dir=paths.model, raw_dir=paths.raw, metrics_dir=paths.metrics,
                              kfold_file=paths.metrics / "kfold.json", tracking_uri=settings.MLFLOW_TRACKING_URI,
                              artifact_location=_artifact_location(project.slug), registered_model_name=project.slug,
                              tags=tags, plots_dir=paths.plots / "evaluate", kfold_table=paths.root / "kfold_results.csv",
                              registered_file=paths.root / "models" / "registered.json", model=candidate_model)
    return {"kfold": kfold, "holdout": holdout, "registered": registered,
            "manifest": json.loads((paths.raw / "manifest.json").read_text())}
