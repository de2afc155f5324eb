"""Detector tracking against a temporary MLflow sqlite store (see the ``mlflow_store`` fixture):
log + register twice, read the runs back, download the weights and predict with them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ai_models import detection_tracking
from ai_models.boxes import Box
from ai_models.demo_images import LABELS, generate_detection_demo
from ai_models.object_detection import (
    DetectionExample,
    DetectionParams,
    configure_offline,
    evaluate_detector,
    predict_images,
    train_detector,
)

MODEL_NAME = "shapes-detector"
PARAMS = DetectionParams(k_folds=2, epochs=2, batch_size=4, img_size=64, val_fraction=0.25)


@pytest.fixture(scope="module")
def logged(mlflow_store: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Train a tiny detector once and log/register it twice (versions 1 and 2)."""
    configure_offline(tmp_path_factory.mktemp("ultralytics-settings"))
    root = tmp_path_factory.mktemp("track-demo")
    rows = generate_detection_demo(root, seed=5, n_labelled=8, n_pool=0, n_holdout=3, size=64)

    def examples(split: str) -> list[DetectionExample]:
        return [
            DetectionExample(root / r["file"], r["width"], r["height"], tuple(Box(**b) for b in r["boxes"]))
            for r in rows[split]
        ]

    work = tmp_path_factory.mktemp("track-train")
    result = train_detector(examples("labelled"), LABELS, PARAMS, work_dir=work / "train")
    holdout = evaluate_detector(result.weights_path, examples("holdout"), LABELS, PARAMS, work_dir=work / "eval")
    kfold = {
        "k": 2,
        "folds": [
            {"fold": 0, "n_train": 4, "n_val": 4, "map50": 0.1, "map50_95": 0.05},
            {"fold": 1, "n_train": 4, "n_val": 4, "map50": 0.3, "map50_95": 0.15},
        ],
        "mean": {"map50": 0.2, "map50_95": 0.1},
        "std": {"map50": 0.1, "map50_95": 0.05},
    }
    kwargs: dict[str, Any] = {
        "tracking_uri": mlflow_store.tracking_uri,
        "experiment": "object-detection",
        "artifact_location": mlflow_store.artifact_location,
        "registered_model_name": MODEL_NAME,
        "weights_path": result.weights_path,
        "params": {"K_FOLDS": 2, "object_detection": PARAMS.to_dict()},
        "kfold": kfold,
        "holdout_metrics": holdout,
        "per_epoch": result.per_epoch,
        "dataset_hash": "abc123",
        "tags": {"project_id": "7", "trigger": "test"},
        "labels": LABELS,
    }
    first = detection_tracking.log_detection_training(**kwargs)
    second = detection_tracking.log_detection_training(**kwargs)
    probe = [root / rows["holdout"][0]["file"], root / rows["labelled"][0]["file"]]
    return {"first": first, "second": second, "kwargs": kwargs, "result": result, "probe": probe}


def test_log_and_register_twice(logged: dict[str, Any], mlflow_store: Any) -> None:
    first, second = logged["first"], logged["second"]
    assert (first.registered_version, second.registered_version) == (1, 2)
    assert first.run_id != second.run_id
    assert second.model_uri == f"models:/{MODEL_NAME}/2"
    assert not (mlflow_store.cwd / "mlruns").exists()
    assert list(mlflow_store.cwd.iterdir()) == []


def test_run_contents(logged: dict[str, Any], mlflow_store: Any) -> None:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=mlflow_store.tracking_uri)
    run = client.get_run(logged["first"].run_id)
    kwargs = logged["kwargs"]
    assert run.data.tags["dataset_hash"] == "abc123" and run.data.tags["project_id"] == "7"
    assert run.data.params["object_detection.img_size"] == "64"
    assert json.loads(run.data.params["labels"]) == LABELS
    metrics = run.data.metrics
    assert metrics["holdout_map50"] == kwargs["holdout_metrics"]["map50"]
    assert metrics["kfold_mean_map50"] == 0.2 and metrics["kfold_k"] == 2
    assert {"holdout_map50_95", "holdout_n", "holdout_ap50_circle", "kfold_std_map50_95"} <= set(metrics)
    history = client.get_metric_history(run.info.run_id, "val_map50")
    assert sorted(m.step for m in history) == [1, 2]
    assert [m.step for m in client.get_metric_history(run.info.run_id, "train_box_loss")] == [1, 2]
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert "metrics.json" in artifacts
    children = client.search_runs([run.info.experiment_id], filter_string=f"tags.mlflow.parentRunId = '{run.info.run_id}'")
    assert sorted(c.info.run_name for c in children) == ["fold-0", "fold-1"]
    assert {c.data.metrics["map50"] for c in children} == {0.1, 0.3}


def test_download_weights_and_predict(logged: dict[str, Any], mlflow_store: Any, tmp_path: Path) -> None:
    weights = detection_tracking.download_detector_weights(
        tracking_uri=mlflow_store.tracking_uri, name=MODEL_NAME, version=2, dst=tmp_path
    )
    assert weights == tmp_path / "best.pt"
    assert weights.read_bytes() == logged["result"].weights_path.read_bytes()
    as_file = detection_tracking.download_detector_weights(
        tracking_uri=mlflow_store.tracking_uri, name=MODEL_NAME, version=1, dst=tmp_path / "v1" / "model.pt"
    )
    assert as_file == tmp_path / "v1" / "model.pt" and as_file.is_file()
    original = predict_images(logged["result"].weights_path, logged["probe"], LABELS, conf=0.001, img_size=64)
    downloaded = predict_images(weights, logged["probe"], LABELS, conf=0.001, img_size=64)
    assert downloaded == original
    assert list(mlflow_store.cwd.iterdir()) == []


def test_pyfunc_model_predicts_boxes(logged: dict[str, Any], mlflow_store: Any) -> None:
    import mlflow.pyfunc

    model = mlflow.pyfunc.load_model(logged["second"].model_uri, model_config={"conf": 0.001})
    out = model.predict([str(p) for p in logged["probe"]])
    expected = predict_images(logged["result"].weights_path, logged["probe"], LABELS, conf=0.001, img_size=64)
    assert len(out) == 2
    assert out[0] == [
        {"label": b.label, "x": b.x, "y": b.y, "w": b.w, "h": b.h, "confidence": b.confidence} for b in expected[0]
    ]


def test_weights_appear_whole_or_not_at_all(logged: dict[str, Any], mlflow_store: Any, tmp_path: Path,
                                            monkeypatch: Any) -> None:
    """A process scanning the cache for ``*.pt`` while another one downloads must never find half a file."""
    import shutil

    seen_during_copy: list[list[str]] = []
    real_copy = shutil.copyfile

    def copy_and_look(src: Any, dst: Any, **kwargs: Any) -> Any:
        result = real_copy(src, dst, **kwargs)
        if Path(dst).parent == tmp_path:  # our copy into the cache, not MLflow's own download
            seen_during_copy.append(sorted(p.name for p in tmp_path.rglob("*.pt")))
        return result

    monkeypatch.setattr(shutil, "copyfile", copy_and_look)
    weights = detection_tracking.download_detector_weights(
        tracking_uri=mlflow_store.tracking_uri, name=MODEL_NAME, version=2, dst=tmp_path
    )
    assert seen_during_copy == [[]]
    assert weights == tmp_path / "best.pt"
    assert weights.read_bytes() == logged["result"].weights_path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.pt"]
