"""Stage register: log the training to MLflow and register the model. It NEVER sets the champion alias.

One parent run in experiment ``registered_model_name`` (or the caller's run, ``parent_run_id``) holding:

* params: the task's params.yaml keys as trained (``train_summary.json``), flattened (``text_classification.C``,
  ``EPOCHS``...), plus ``labels``;
* metrics (from ``metrics/holdout.json`` and, per class, the evaluate stage's plot files: see
  :func:`~ai_models.stages.evaluation_files.read_evaluation`): ``holdout_*`` of the candidate and
  ``champion_holdout_*`` of the champion (same names as :mod:`ai_models.tracking` /
  :mod:`ai_models.detection_tracking`), ``holdout_delta``, ``kfold_k``, ``kfold_{mean,std}_*``; detection also
  the per-epoch training metrics with ``step=epoch``;
* one child run per fold of ``kfold.json`` (``fold-<i>``: its metrics, n_train, n_val);
* tags: the caller's ``tags``, ``task``, ``project``, ``dataset_hash`` (manifest content_hash),
  ``holdout_hash``, ``git_commit`` (+ ``git_dirty``) when ``git rev-parse HEAD`` works in the cwd,
  ``dvc.<stage>.md5`` per stage of a ``dvc.lock`` in the cwd (md5 of the stage's canonical lock entry: command,
  deps, params, outs and their hashes), ``kfold_skipped`` when k-fold was skipped;
* artifacts: ``metrics/*.json`` (holdout.json, kfold.json...), ``kfold_results.csv``, ``plots/*`` (per-class
  table, candidate and champion confusion matrices, the text confusion PNG), ``train_summary.json``,
  ``dvc/dvc.lock``, ``model_card.json``;
* the model, registered as ``registered_model_name``: text via ``mlflow.sklearn`` in skops format, detection as
  the pyfunc wrapper of :mod:`ai_models.detection_tracking` (``artifacts={"weights": model.pt}``).

Writes ``model_dir/registered.json`` (or ``registered_file`` / ``--out``) = ``{"run_id", "registered_model_name",
"registered_version"}`` and returns it. Under DVC, prefer ``--out`` outside ``models/final``: a file added to
model_training's output folder marks that stage changed, and the next ``dvc repro`` retrains.

``main()`` takes the store from ``MLFLOW_TRACKING_URI`` (default ``sqlite:///<repo>/var/mlflow/mlflow.db``) and
artifacts under ``MLFLOW_ARTIFACT_ROOT/<name>`` (default ``<repo>/var/mlflow/artifacts``; not used with an
http(s) tracking server, which decides itself), like the backend.

    python -m ai_models.stages.register --params params.yaml --model models/final --raw data/raw \
      --metrics metrics --kfold metrics/kfold.json --plots plots/evaluate [--name SLUG] [--tag key=value ...]
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from ai_models.stages.common import (
    REPO_ROOT,
    TEXT,
    default_tracking_uri,
    print_result,
    read_json,
    stage_parser,
    write_json,
)
from ai_models.stages.evaluation_files import read_evaluation
from ai_models.stages.model_training import TRAIN_SUMMARY, load_text_model, model_path
from ai_models.stages.raw import read_raw

REGISTERED = "registered.json"
MODEL_CARD = "model_card.json"


def _git_tags() -> dict[str, str]:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True)
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                                text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return {}
    return {"git_commit": commit.stdout.strip(), "git_dirty": str(bool(status.stdout.strip())).lower()}


def dvc_lock_tags(lock_file: Path) -> dict[str, str]:
    """``{"dvc.<stage>.md5": md5 of the stage's canonical dvc.lock entry}`` ({} without a readable dvc.lock)."""
    import yaml

    try:
        data = yaml.safe_load(Path(lock_file).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    from ai_models.tracking import _metric_name

    stages = data.get("stages") if isinstance(data, dict) else None
    tags = {}
    for name, entry in (stages or {}).items():
        canonical = json.dumps(entry, sort_keys=True, default=str).encode("utf-8")
        tags[_metric_name(f"dvc.{name}.md5")] = hashlib.md5(canonical, usedforsecurity=False).hexdigest()
    return tags


def _metrics(task: str, holdout: dict[str, Any], kfold: dict[str, Any]) -> dict[str, float]:
    if task == TEXT:
        from ai_models.tracking import _training_metrics as summary
    else:
        from ai_models.detection_tracking import _summary_metrics as summary
    metrics = summary(holdout.get("candidate") or {}, kfold)
    champion = holdout.get("champion")
    if champion:
        metrics.update({f"champion_{k}": v for k, v in summary(champion, {}).items() if k.startswith("holdout_")})
    if holdout.get("delta") is not None:
        metrics["holdout_delta"] = float(holdout["delta"])
    return metrics


def _limitations(task: str, manifest: dict[str, Any], holdout: dict[str, Any], kfold: dict[str, Any],
                 summary: dict[str, Any]) -> list[str]:
    labels = manifest.get("labels", [])
    n_holdout = int((holdout.get("candidate") or {}).get("n", 0))
    notes = [f"Predicts only the project's labels {labels}; anything else is forced into one of them."]
    if n_holdout < 100:
        notes.append(f"Holdout of {n_holdout} items: its metrics are noisy estimates.")
    if kfold.get("skipped"):
        notes.append(f"No cross-validation estimate: {kfold['skipped']}.")
    if task == TEXT:
        notes.append("Bag-of-n-grams model (TF-IDF + logistic regression): no word order beyond n-grams, "
                     "no meaning of unseen words; trained on the project's language and domain only.")
    else:
        size = summary.get("params", {}).get("IMG_SIZE")
        notes.append(f"Images are resized to {size} px: small objects may be missed. Trained for "
                     f"{summary.get('epochs_run')} epochs from {summary.get('init')} weights.")
    notes.append("Labels come from human annotators and feedback; their errors are learned too.")
    return notes


def _text_model_tags(text_model: dict[str, Any] | None) -> dict[str, str]:
    """The text model family and, for embedding models, the encoder and its files' fingerprint as run tags."""
    if not text_model:
        return {}
    tags = {"text_model": str(text_model.get("model"))}
    if text_model.get("encoder"):
        tags["encoder"] = str(text_model["encoder"]["id"])
        tags["encoder_fingerprint"] = str(text_model["encoder"]["fingerprint"])
    return tags


def _model_card(task: str, manifest: dict[str, Any], summary: dict[str, Any], holdout: dict[str, Any],
                kfold: dict[str, Any], registered_model_name: str) -> dict[str, Any]:
    def headline(metrics: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if metrics is None else {k: v for k, v in metrics.items() if k != "confusion_matrix"}

    return {
        "model": {"registered_model_name": registered_model_name, "task": task, "labels": manifest.get("labels"),
                  "file": summary.get("model_file"), "init": summary.get("init"),
                  "init_weights": summary.get("init_weights"), "text_model": summary.get("text_model")},
        "data": {"project": manifest.get("project"), "content_hash": manifest.get("content_hash"),
                 "holdout_hash": manifest.get("holdout_hash"), "counts": manifest.get("counts"),
                 "feedback_weight": manifest.get("feedback_weight"), "n_train": summary.get("n_train"),
                 "n_val": summary.get("n_val"), "n_holdout": (holdout.get("candidate") or {}).get("n")},
        "params": summary.get("params"),
        "metrics": {"holdout": headline(holdout.get("candidate")), "champion": headline(holdout.get("champion")),
                    "champion_number": holdout.get("champion_number"), "metric": holdout.get("metric"),
                    "delta": holdout.get("delta"),
                    "kfold": {k: kfold.get(k) for k in ("k", "mean", "std", "skipped") if k in kfold}},
        "training": {"epochs": summary.get("epochs"), "epochs_run": summary.get("epochs_run")},
        "limitations": _limitations(task, manifest, holdout, kfold, summary),
    }


def _log_artifacts(files: list[tuple[Path, str | None]]) -> None:
    import mlflow

    for path, folder in files:
        if path.is_file():
            mlflow.log_artifact(str(path), artifact_path=folder)


def _log_model(task: str, model_dir: Path, summary: dict[str, Any], registered_model_name: str, model: Any) -> int:
    import mlflow

    if task == TEXT:
        import mlflow.sklearn

        from ai_models.text_classification import SKOPS_TRUSTED_TYPES, model_metadata
        from ai_models.tracking import MODEL_ARTIFACT_NAME, SERIALIZATION_FORMAT, _pip_requirements

        model = model if model is not None else load_text_model(model_path(model_dir, task))
        info = mlflow.sklearn.log_model(
            model,
            name=MODEL_ARTIFACT_NAME,
            serialization_format=SERIALIZATION_FORMAT,
            skops_trusted_types=SKOPS_TRUSTED_TYPES,
            registered_model_name=registered_model_name,
            pip_requirements=_pip_requirements(model_metadata(model)["encoder"] is not None),
        )
    else:
        import mlflow.pyfunc

        from ai_models.detection_tracking import MODEL_ARTIFACT_NAME as DET_NAME
        from ai_models.detection_tracking import WEIGHTS_KEY, _detector_python_model
        from ai_models.detection_tracking import _pip_requirements as det_requirements

        params = summary.get("params", {})
        config = {"labels": list(summary["labels"]), "img_size": params.get("IMG_SIZE"),
                  "conf": (params.get("object_detection") or {}).get("conf")}
        info = mlflow.pyfunc.log_model(
            name=DET_NAME,
            python_model=_detector_python_model(),
            artifacts={WEIGHTS_KEY: str(model_path(model_dir, task))},
            model_config={k: v for k, v in config.items() if v is not None},
            registered_model_name=registered_model_name,
            pip_requirements=det_requirements(),
        )
    return int(info.registered_model_version)


def run(
    *,
    model_dir: Path,
    raw_dir: Path,
    metrics_dir: Path,
    kfold_file: Path,
    tracking_uri: str,
    artifact_location: str | None,
    registered_model_name: str,
    tags: dict[str, str],
    parent_run_id: str | None = None,
    plots_dir: Path | None = None,
    kfold_table: Path | None = None,
    experiment: str | None = None,
    registered_file: Path | None = None,
    model: Any = None,
) -> dict[str, Any]:
    """Log + register (see the module doc); returns and writes ``registered_file`` (default
    ``model_dir/registered.json``).

    ``plots_dir`` (the evaluate stage's plot files) defaults to ``<metrics_dir>/../plots`` and ``kfold_table`` to
    ``<kfold_file>/../../kfold_results.csv`` (the DVC and backend layouts), ``experiment`` to ``registered_model_name``. With
    ``parent_run_id`` the run is resumed (left running when it is this process's active run, else ended) and
    ``artifact_location``/``experiment`` are not used. ``model`` (text): the fitted pipeline that ``model_dir``
    holds, when the caller has it in memory (else it is loaded from there).
    """
    import mlflow

    from ai_models.tracking import _flatten, configure, ensure_experiment

    model_dir, metrics_dir, kfold_file = Path(model_dir), Path(metrics_dir), Path(kfold_file)
    raw = read_raw(raw_dir)
    manifest, task = raw.manifest, raw.task
    summary = read_json(model_dir / TRAIN_SUMMARY)
    plots_dir = Path(plots_dir) if plots_dir is not None else metrics_dir.parent / "plots"
    holdout = read_evaluation(metrics_dir / "holdout.json", plots_dir)  # headline + per-class plot files
    kfold = read_json(kfold_file)
    kfold_table = Path(kfold_table) if kfold_table is not None else kfold_file.parent.parent / "kfold_results.csv"
    lock = Path.cwd() / "dvc.lock"
    all_tags = {
        **{k: str(v) for k, v in tags.items()},
        "task": task,
        "project": str(manifest.get("project", "")),
        "dataset_hash": str(manifest.get("content_hash", "")),
        "holdout_hash": str(manifest.get("holdout_hash", "")),
        "init": str(summary.get("init")),
        **_text_model_tags(summary.get("text_model")),
        **_git_tags(),
        **dvc_lock_tags(lock),
    }
    if kfold.get("skipped"):
        all_tags["kfold_skipped"] = str(kfold["skipped"])

    configure(tracking_uri)
    active = mlflow.active_run()
    own_run = parent_run_id is None
    resumed = not own_run and not (active is not None and active.info.run_id == parent_run_id)
    if own_run:
        experiment_id = ensure_experiment(experiment or registered_model_name, artifact_location)
        run_ctx = mlflow.start_run(experiment_id=experiment_id, run_name=f"{registered_model_name}-train")
    elif resumed:
        run_ctx = mlflow.start_run(run_id=parent_run_id, nested=active is not None)
    else:
        run_ctx = active
    try:
        run_id = run_ctx.info.run_id
        experiment_id = run_ctx.info.experiment_id
        mlflow.log_params({**_flatten(summary.get("params", {})), "labels": json.dumps(raw.labels)})
        mlflow.set_tags(all_tags)
        if task != TEXT:
            from ai_models.detection_tracking import _epoch_metric_name

            for row in summary.get("per_epoch", []):
                mlflow.log_metrics({_epoch_metric_name(k): float(v) for k, v in row.items() if k != "epoch"},
                                   step=int(row["epoch"]))
        mlflow.log_metrics(_metrics(task, holdout, kfold))
        fold_tags = {k: v for k, v in all_tags.items() if not k.startswith("dvc.")}
        for fold in kfold.get("folds", []):
            with mlflow.start_run(experiment_id=experiment_id, run_name=f"fold-{fold['fold']}", nested=True):
                mlflow.set_tags({**fold_tags, "fold": str(fold["fold"])})
                mlflow.log_metrics({k: float(v) for k, v in fold.items() if k != "fold"})
        _log_artifacts(
            [(p, "metrics") for p in sorted(metrics_dir.glob("*.json"))]
            + [(kfold_table, None), (model_dir / TRAIN_SUMMARY, None), (lock, "dvc")]
            + [(p, "plots") for p in sorted(plots_dir.glob("*")) if p.suffix in (".csv", ".png", ".json")]
        )
        mlflow.log_dict(_model_card(task, manifest, summary, holdout, kfold, registered_model_name), MODEL_CARD)
        version = _log_model(task, model_dir, summary, registered_model_name, model)
    except BaseException:
        if own_run or resumed:
            mlflow.end_run(status="FAILED")
        raise
    if own_run or resumed:
        mlflow.end_run()
    registered = {"run_id": run_id, "registered_model_name": registered_model_name, "registered_version": version}
    write_json(Path(registered_file) if registered_file is not None else model_dir / REGISTERED, registered)
    return registered


def _artifact_location(name: str, tracking_uri: str) -> str | None:
    if tracking_uri.startswith(("http://", "https://")):
        return None
    root = Path(os.environ.get("MLFLOW_ARTIFACT_ROOT", REPO_ROOT / "var" / "mlflow" / "artifacts"))
    return (root / name).resolve().as_uri()


def main(argv: list[str] | None = None) -> int:
    parser = stage_parser(__doc__)
    parser.add_argument("--model", type=Path, default=Path("models/final"))
    parser.add_argument("--raw", type=Path, default=Path("data/raw"))
    parser.add_argument("--metrics", type=Path, default=Path("metrics"))
    parser.add_argument("--kfold", type=Path, default=Path("metrics/kfold.json"))
    parser.add_argument("--plots", type=Path, default=None, help="default: <metrics>/../plots")
    parser.add_argument("--table", type=Path, default=None, help="default: <kfold>/../../kfold_results.csv")
    parser.add_argument("--name", default=None, help="registered model name (default: the manifest's project)")
    parser.add_argument("--tag", action="append", default=[], metavar="KEY=VALUE", help="extra run tag (repeatable)")
    parser.add_argument("--parent-run-id", default=None)
    parser.add_argument("--out", type=Path, default=None, help="registered.json (default: <model>/registered.json)")
    args = parser.parse_args(argv)  # --params is accepted for symmetry: the trained params come from train_summary
    tags = {"trigger": "dvc"}
    for item in args.tag:
        key, sep, value = item.partition("=")
        if not sep or not key:
            parser.error(f"--tag needs KEY=VALUE, got {item!r}")
        tags[key] = value
    name = args.name or read_raw(args.raw).manifest["project"]
    tracking_uri = default_tracking_uri()
    print_result(run(model_dir=args.model, raw_dir=args.raw, metrics_dir=args.metrics, kfold_file=args.kfold,
                     tracking_uri=tracking_uri, artifact_location=_artifact_location(name, tracking_uri),
                     registered_model_name=name, tags=tags, parent_run_id=args.parent_run_id, plots_dir=args.plots,
                     kfold_table=args.table, registered_file=args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
