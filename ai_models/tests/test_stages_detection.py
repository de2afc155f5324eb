"""The pipeline stages (ai_models.stages) on a tiny detection project: 10 + 4 images of 64 px, 1-epoch YOLO
trainings on CPU, a champion fine-tuned and compared side by side, against a temporary MLflow store."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ai_models.demo_images import LABELS, generate_detection_demo
from ai_models.detection_tracking import download_detector_weights
from ai_models.object_detection import configure_offline
from ai_models.stages import (
    data_formatting,
    evaluate,
    kfold_data_formatting,
    kfold_model_training,
    model_training,
    raw,
    register,
)
from ai_models.stages.common import read_csv, read_json
from ai_models.stages.evaluation_files import headline, read_evaluation

PARAMS: dict[str, Any] = {
    "K_FOLDS": 2,
    "SEED": 1,
    "EPOCHS": 1,
    "BATCH_SIZE": 4,
    "IMG_SIZE": 64,
    "PATIENCE": 1,
    "object_detection": {"kfold_epochs": 1, "conf": 0.001, "model": "yolo11n.yaml", "val_fraction": 0.25},
}
NAME = "stages-detection"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("det-stages-demo")
    rows = generate_detection_demo(root, seed=5, n_labelled=10, n_pool=0, n_holdout=4, size=64)

    def convert(items: list[dict[str, Any]], first_id: int) -> list[dict[str, Any]]:
        return [{"item_id": first_id + i, "image": str(root / r["file"]), "width": r["width"], "height": r["height"],
                 "boxes": r["boxes"], "weight": 2.0 if i == 0 else 1.0} for i, r in enumerate(items)]

    return {"train": convert(rows["labelled"], 1), "holdout": convert(rows["holdout"], 101)}


def _write(out: Path, demo: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return raw.write_raw(out, **{"project": "tiny-shapes", "task": "object_detection", "labels": LABELS,
                                 "train": demo["train"], "holdout": demo["holdout"], "feedback_weight": 2.0, **kw})


@pytest.fixture(scope="module")
def pipeline(demo: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, mlflow_store: Any) -> dict[str, Any]:
    configure_offline(tmp_path_factory.mktemp("ultralytics-settings"))
    ws = tmp_path_factory.mktemp("det-ws")
    out: dict[str, Any] = {"ws": ws, "manifest": _write(ws / "data/raw", demo)}
    out["formatted"] = data_formatting.run(ws / "data/raw", ws / "data/formatted", PARAMS)
    out["folds"] = kfold_data_formatting.run(ws / "data/raw", ws / "data/kfold", PARAMS)
    out["kfold"] = kfold_model_training.run(
        ws / "data/raw", ws / "data/kfold/folds.json", ws / "data/kfold-work", ws / "metrics/kfold.json",
        ws / "kfold_results.csv", ws / "plots/kfold.csv", PARAMS,
    )
    epochs: list[tuple[int, int]] = []
    out["train"] = model_training.run(ws / "data/formatted", ws / "data/raw", ws / "models/final", PARAMS,
                                      on_epoch=lambda e, t, m: epochs.append((e, t)))
    out["epochs"] = epochs
    out["holdout"] = evaluate.run(ws / "models/final", ws / "data/formatted", ws / "data/raw",
                                  ws / "metrics/holdout.json", ws / "plots", PARAMS)
    out["registered"] = register.run(
        model_dir=ws / "models/final", raw_dir=ws / "data/raw", metrics_dir=ws / "metrics",
        kfold_file=ws / "metrics/kfold.json", tracking_uri=mlflow_store.tracking_uri,
        artifact_location=mlflow_store.artifact_location, registered_model_name=NAME, tags={"trigger": "test"},
    )
    return out


@pytest.fixture(scope="module")
def second_round(pipeline: dict[str, Any], demo: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
                 ) -> dict[str, Any]:
    """The next training of the project: the first model is the champion (raw/champion/model.pt)."""
    ws, first = tmp_path_factory.mktemp("det-ws2"), pipeline["ws"]
    champion = {"number": 1, "registered_model_name": NAME, "registered_version": 1}
    manifest = _write(ws / "data/raw", demo, champion=champion, champion_weights=first / "models/final/model.pt")
    data_formatting.run(ws / "data/raw", ws / "data/formatted", PARAMS)
    train = model_training.run(ws / "data/formatted", ws / "data/raw", ws / "models/final", PARAMS)
    holdout = evaluate.run(ws / "models/final", ws / "data/formatted", ws / "data/raw", ws / "metrics/holdout.json",
                           ws / "plots", PARAMS)
    return {"ws": ws, "manifest": manifest, "train": train, "holdout": holdout}


def test_write_raw_stores_images_by_hash(pipeline: dict[str, Any], demo: dict[str, Any], tmp_path: Path) -> None:
    root = pipeline["ws"] / "data/raw"
    rows = [line for line in (root / "train.jsonl").read_text().splitlines()]
    assert len(rows) == 10 and len(list((root / "images").iterdir())) == 14
    first = yaml.safe_load(rows[0])
    assert set(first) == {"item_id", "image", "width", "height", "boxes", "weight"}
    assert first["image"].startswith("images/") and len(Path(first["image"]).stem) == 64
    assert set(first["boxes"][0]) == {"label", "x", "y", "w", "h"}
    assert pipeline["manifest"]["champion"] is None
    # rewriting from its own output (images inside the folder) gives the same bytes
    rows_in_place = [{**r, "image": str(root / r["image"])} for r in raw.read_raw(root).train]
    _write(tmp_path / "copy", demo)
    before = _files(root)
    _write(root, demo, train=rows_in_place)
    assert _files(root) == before == _files(tmp_path / "copy")


def test_data_formatting_yolo_folders_and_determinism(pipeline: dict[str, Any], tmp_path: Path) -> None:
    formatted = pipeline["ws"] / "data/formatted"
    summary = read_json(formatted / "summary.json")
    assert summary["counts"] == {"train": 8, "val": 2, "holdout": 4}  # round(10 * 0.25) = 2 val images
    assert not set(summary["items"]["train"]) & set(summary["items"]["val"])
    config = yaml.safe_load((formatted / "data.yaml").read_text())
    assert config["names"] == LABELS
    assert len(list((formatted / "images/train").iterdir())) == 8 + (1 if 1 in summary["items"]["train"] else 0)
    assert len(list((formatted / "holdout/images/val").iterdir())) == 4
    assert yaml.safe_load((formatted / "holdout/data.yaml").read_text())["names"] == LABELS
    assert sum(summary["per_label"]["holdout"].values()) == sum(
        len(r["boxes"]) for r in raw.read_raw(pipeline["ws"] / "data/raw").holdout)
    before = _files(formatted)
    data_formatting.run(pipeline["ws"] / "data/raw", formatted, PARAMS)
    assert _files(formatted) == before


def test_kfold_folds_and_training(pipeline: dict[str, Any]) -> None:
    ws = pipeline["ws"]
    folds = read_json(ws / "data/kfold/folds.json")
    assert folds["k"] == 2 and [len(f["val"]) for f in folds["folds"]] == [5, 5]
    assert not set(folds["folds"][0]["val"]) & set(folds["folds"][1]["val"])
    kfold = pipeline["kfold"]
    assert read_json(ws / "metrics/kfold.json") == kfold and kfold["k"] == 2
    assert set(kfold["mean"]) == set(kfold["std"]) == {"map50", "map50_95"}
    assert [(f["fold"], f["n_train"], f["n_val"]) for f in kfold["folds"]] == [(0, 5, 5), (1, 5, 5)]
    assert list(read_csv(ws / "plots/kfold.csv")[0]) == ["fold", "map50", "map50_95"]
    assert len(read_csv(ws / "kfold_results.csv")) == 2
    assert sorted(p.name for p in (ws / "data/kfold-work/fold-0").iterdir()) == ["result.json"]


def test_model_training_from_yaml(pipeline: dict[str, Any]) -> None:
    final = pipeline["ws"] / "models/final"
    summary = read_json(final / "train_summary.json")
    assert summary["init"] == "yaml" and summary["init_weights"] == "yolo11n.yaml"
    assert summary["epochs"] == summary["epochs_run"] == 1 and len(summary["per_epoch"]) == 1
    assert (summary["n_train"], summary["n_val"]) == (8, 2) and summary["params"]["IMG_SIZE"] == 64
    assert pipeline["epochs"] == [(1, 1)]
    assert sorted(p.name for p in final.iterdir()) == ["model.pt", "registered.json", "train_summary.json"]


def test_evaluate_without_champion(pipeline: dict[str, Any]) -> None:
    ws, holdout = pipeline["ws"], pipeline["holdout"]
    assert holdout["champion"] is None and holdout["delta"] is None and holdout["metric"] == "map50_95"
    assert holdout["candidate"]["n"] == 4 and set(holdout["candidate"]["per_class"]) == set(LABELS)
    per_class = read_csv(ws / "plots/per_class_ap.csv")
    assert [r["label"] for r in per_class] == LABELS and per_class[0]["champion_ap50"] == ""
    assert holdout["model"] == PARAMS["object_detection"]["model"]
    assert read_json(ws / "metrics/holdout.json") == {
        "model": holdout["model"], "metric": "map50_95", "champion": None, "champion_number": None, "delta": None,
        "candidate": {k: holdout["candidate"][k] for k in ("map50", "map50_95", "n")}}
    boxes = read_csv(ws / "plots/confusion_matrix.csv")
    assert len(boxes) == sum(map(sum, holdout["candidate"]["confusion_matrix"]["matrix"]))
    assert read_evaluation(ws / "metrics/holdout.json", ws / "plots") == holdout


def test_champion_fine_tuned_and_compared_side_by_side(second_round: dict[str, Any], pipeline: dict[str, Any]
                                                       ) -> None:
    ws = second_round["ws"]
    assert second_round["manifest"]["champion"]["weights"] == "champion/model.pt"
    assert (ws / "data/raw/champion/model.pt").read_bytes() == (pipeline["ws"] / "models/final/model.pt").read_bytes()
    assert second_round["train"]["init"] == "champion"
    assert second_round["train"]["init_weights"] == "champion/model.pt"
    assert read_json(ws / "metrics/holdout.json") == headline(second_round["holdout"])
    holdout = read_evaluation(ws / "metrics/holdout.json", ws / "plots")
    assert holdout == second_round["holdout"]
    assert holdout["candidate"]["n"] == holdout["champion"]["n"] == 4 and holdout["champion_number"] == 1
    # the champion here is the first round's model: same holdout, same numbers
    assert holdout["champion"] == pipeline["holdout"]["candidate"]
    assert holdout["delta"] == round(holdout["candidate"]["map50_95"] - holdout["champion"]["map50_95"], 6)
    assert read_csv(ws / "plots/per_class_ap.csv")[0]["champion_ap50"] != ""


def test_register_detector(pipeline: dict[str, Any], mlflow_store: Any, tmp_path: Path) -> None:
    from mlflow.tracking import MlflowClient

    registered = pipeline["registered"]
    assert registered == read_json(pipeline["ws"] / "models/final/registered.json")
    assert registered["registered_model_name"] == NAME and registered["registered_version"] == 1
    client = MlflowClient(tracking_uri=mlflow_store.tracking_uri, registry_uri=mlflow_store.tracking_uri)
    parent = client.get_run(registered["run_id"])
    assert parent.data.tags["task"] == "object_detection"
    assert parent.data.tags["dataset_hash"] == pipeline["manifest"]["content_hash"]
    assert parent.data.params["EPOCHS"] == "1" and parent.data.params["object_detection.kfold_epochs"] == "1"
    assert parent.data.metrics["holdout_map50_95"] == pipeline["holdout"]["candidate"]["map50_95"]
    for label, scores in pipeline["holdout"]["candidate"]["per_class"].items():  # read from per_class_ap.csv
        assert parent.data.metrics[f"holdout_ap50_95_{label}"] == scores["ap50_95"]
    assert "kfold_mean_map50" in parent.data.metrics
    history = client.get_metric_history(parent.info.run_id, "val_map50")
    assert [m.step for m in history] == [1]
    children = client.search_runs([parent.info.experiment_id],
                                  filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert sorted(r.info.run_name for r in children) == ["fold-0", "fold-1"]
    assert all("map50_95" in r.data.metrics for r in children)
    assert "plots/per_class_ap.csv" in {a.path for a in client.list_artifacts(parent.info.run_id, "plots")}
    weights = download_detector_weights(tracking_uri=mlflow_store.tracking_uri, name=NAME, version=1, dst=tmp_path)
    assert weights.read_bytes() == (pipeline["ws"] / "models/final/model.pt").read_bytes()
    assert client.get_registered_model(NAME).aliases == {}


def test_kfold_data_formatting_main_via_subprocess(pipeline: dict[str, Any], tmp_path: Path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump({**PARAMS, "K_FOLDS": 9}))
    proc = subprocess.run(
        [sys.executable, "-m", "ai_models.stages.kfold_data_formatting", "--params", str(params), "--raw",
         str(pipeline["ws"] / "data/raw"), "--out", str(tmp_path / "kfold")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    folds = read_json(tmp_path / "kfold/folds.json")
    assert folds["k"] == 5 and sorted(i for f in folds["folds"] for i in f["val"]) == list(range(1, 11))
    shutil.rmtree(tmp_path / "kfold")


def test_evaluate_finds_a_champion_dropped_into_raw_champion(
    pipeline: dict[str, Any], demo: dict[str, Any], tmp_path: Path
) -> None:
    ws = pipeline["ws"]
    _write(tmp_path / "raw", demo)
    (tmp_path / "raw/champion").mkdir()
    shutil.copyfile(ws / "models/final/model.pt", tmp_path / "raw/champion/best.pt")
    holdout = evaluate.run(ws / "models/final", ws / "data/formatted", tmp_path / "raw", tmp_path / "holdout.json",
                           tmp_path / "plots", PARAMS, metric="map50")
    assert holdout["champion"] == holdout["candidate"] and holdout["delta"] == 0.0 and holdout["metric"] == "map50"
    assert holdout["champion_number"] is None  # not named by the manifest
