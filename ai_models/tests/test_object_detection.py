"""Object detection on ultralytics YOLO: dataset writing, a real tiny training (CPU, offline),
prediction in original-image pixels, evaluation, fine-tuning, k-fold and an offline proof."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from PIL import Image

from ai_models.boxes import Box
from ai_models.demo_images import LABELS, generate_detection_demo
from ai_models.object_detection import (
    DetectionExample,
    DetectionParams,
    configure_offline,
    evaluate_detector,
    kfold_detector,
    load_detector,
    predict_images,
    train_detector,
    write_yolo_dataset,
)

TINY = DetectionParams(k_folds=2, epochs=2, batch_size=4, img_size=64, patience=5, kfold_epochs=1, val_fraction=0.25)
ROOT = Path(__file__).resolve().parents[1]


def examples_of(root: Path, rows: list[dict[str, Any]]) -> list[DetectionExample]:
    return [DetectionExample(root / r["file"], r["width"], r["height"], tuple(Box(**b) for b in r["boxes"])) for r in rows]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("det-demo")
    rows = generate_detection_demo(root, seed=3, n_labelled=12, n_pool=0, n_holdout=4, size=96)
    return {"root": root, "train": examples_of(root, rows["labelled"]), "holdout": examples_of(root, rows["holdout"])}


@pytest.fixture(scope="module")
def trained(demo: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    configure_offline(tmp_path_factory.mktemp("ultralytics-settings"))
    calls: list[tuple[int, int, dict[str, float]]] = []
    work = tmp_path_factory.mktemp("det-train")
    result = train_detector(demo["train"], LABELS, TINY, work_dir=work, on_epoch=lambda e, t, m: calls.append((e, t, m)))
    return {"result": result, "calls": calls, "work": work}


# --- parameters and dataset writing (no training) -------------------------------------------


def test_params_from_params_yaml() -> None:
    raw = yaml.safe_load((ROOT.parent / "params.yaml").read_text())
    params, section = DetectionParams.from_params(raw), raw["object_detection"]
    assert (params.epochs, params.batch_size, params.img_size, params.patience) == (
        raw["EPOCHS"], raw["BATCH_SIZE"], raw["IMG_SIZE"], raw["PATIENCE"])
    assert (params.model, params.val_fraction, params.conf, params.kfold_epochs) == (
        section["model"], section["val_fraction"], section["conf"], section["kfold_epochs"])
    assert DetectionParams.from_params(None) == DetectionParams()
    with pytest.raises(ValueError, match=">= 1"):
        DetectionParams.from_params({"EPOCHS": 0})


def test_write_yolo_dataset_layout_and_normalisation(tmp_path: Path) -> None:
    image = tmp_path / "photo.png"
    Image.new("RGB", (200, 100)).save(image)
    boxes = (Box("square", 10, 20, 50, 40), Box("circle", 0, 0, 200, 100))
    example = DetectionExample(image, 200, 100, boxes, weight=2.6)
    other = DetectionExample(image, 200, 100, ())
    out = tmp_path / "ds"
    (out / "images" / "train").mkdir(parents=True)
    (out / "images" / "train" / "stale.png").write_bytes(b"x")
    data = write_yolo_dataset([example], ["circle", "square"], out, val_fraction=0.2, seed=1, val_examples=[other])
    assert data == out.resolve() / "data.yaml"
    config = yaml.safe_load(data.read_text())
    assert config["names"] == ["circle", "square"] and config["train"] == "images/train"
    train_images = sorted(p.name for p in (out / "images" / "train").iterdir())
    assert len(train_images) == 3 and "stale.png" not in train_images  # round(2.6) copies, folder cleaned
    labels = sorted((out / "labels" / "train").iterdir())
    assert [p.stem for p in labels] == [Path(n).stem for n in train_images]
    lines = [line.split() for line in labels[0].read_text().splitlines()]
    assert lines == [
        ["1", "0.175000", "0.400000", "0.250000", "0.400000"],
        ["0", "0.500000", "0.500000", "1.000000", "1.000000"],
    ]
    assert len(list((out / "images" / "val").iterdir())) == 1
    assert (out / "labels" / "val").joinpath(f"{Path(next((out / 'images' / 'val').iterdir())).stem}.txt").read_text() == ""


def test_write_yolo_dataset_seeded_split_and_errors(tmp_path: Path) -> None:
    image = tmp_path / "upload"  # no suffix: the dataset copy gets one ultralytics recognises
    Image.new("RGB", (50, 40)).save(image, format="JPEG")
    examples = [DetectionExample(image, 50, 40, (Box("a", i, 0, 10, 10),)) for i in range(10)]

    def split(seed: int) -> list[str]:
        data = write_yolo_dataset(examples, ["a"], tmp_path / "ds", val_fraction=0.2, seed=seed)
        return sorted(p.read_text() for p in (data.parent / "labels" / "val").iterdir())

    assert len(split(1)) == 2 and split(1) == split(1) and split(1) != split(2)
    assert all(p.suffix == ".jpg" for p in (tmp_path / "ds" / "images" / "train").iterdir())
    with pytest.raises(ValueError, match="not in the project's label set"):
        write_yolo_dataset(examples, ["b"], tmp_path / "ds", val_fraction=0.2, seed=1)
    with pytest.raises(ValueError, match="declared size"):
        write_yolo_dataset([DetectionExample(image, 40, 50, ())], ["a"], tmp_path / "ds", val_fraction=0.2, seed=1)
    with pytest.raises(ValueError, match="outside"):
        write_yolo_dataset(
            [DetectionExample(image, 50, 40, (Box("a", 45, 0, 10, 10),))], ["a"], tmp_path / "ds", val_fraction=0.2, seed=1
        )


# --- a real tiny training ---------------------------------------------------------------------


def test_training_produces_weights_and_per_epoch_metrics(trained: dict[str, Any]) -> None:
    result = trained["result"]
    assert result.weights_path.is_file() and result.weights_path.name == "best.pt"
    assert result.weights_path.is_relative_to(trained["work"])
    assert result.epochs_run == 2
    assert [row["epoch"] for row in result.per_epoch] == [1, 2]
    assert {"map50", "map50_95", "precision", "recall", "box_loss", "cls_loss", "val_box_loss"} <= set(result.per_epoch[0])
    assert [(e, t) for e, t, _ in trained["calls"]] == [(1, 2), (2, 2)]  # no extra call for the final val
    live = trained["calls"][-1][2]
    assert live["map50"] == pytest.approx(result.per_epoch[-1]["map50"], abs=1e-4)
    assert live["box_loss"] == pytest.approx(result.per_epoch[-1]["box_loss"], rel=1e-4)


def test_predictions_are_in_original_pixels(trained: dict[str, Any], demo: dict[str, Any], tmp_path: Path) -> None:
    """A 64x48 image and its exact 2x upscale reach the network as the same 64x64 letterboxed
    tensor, so the boxes on the big one must be exactly twice the boxes on the small one."""
    source = Image.open(demo["holdout"][0].image_path).convert("RGB").crop((0, 0, 64, 48))
    small, big = tmp_path / "small.png", tmp_path / "big.png"
    source.save(small)
    source.resize((128, 96), Image.NEAREST).save(big)
    model = load_detector(trained["result"].weights_path)
    boxes_small, boxes_big = predict_images(model, [small, big], LABELS, conf=0.001, img_size=TINY.img_size)
    assert boxes_small, "an almost untrained model still proposes low-confidence boxes"
    assert len(boxes_small) == len(boxes_big)
    for a, b in zip(boxes_small, boxes_big, strict=True):
        assert a.label == b.label and a.label in LABELS
        assert a.confidence == pytest.approx(b.confidence, abs=1e-5)
        assert round(a.confidence, 6) == a.confidence and 0.001 <= a.confidence <= 1
        assert (b.x, b.y, b.w, b.h) == pytest.approx((2 * a.x, 2 * a.y, 2 * a.w, 2 * a.h), abs=1e-3)
        assert b.x >= 0 and b.y >= 0 and b.x + b.w <= 128 + 1e-6 and b.y + b.h <= 96 + 1e-6
    assert max(b.x + b.w for b in boxes_big) > TINY.img_size  # not in img_size coordinates
    assert predict_images(trained["result"].weights_path, [], LABELS, conf=0.25, img_size=64) == []


def test_evaluate_detector(trained: dict[str, Any], demo: dict[str, Any], tmp_path: Path) -> None:
    metrics = evaluate_detector(trained["result"].weights_path, demo["holdout"], LABELS, TINY, work_dir=tmp_path)
    assert set(metrics) == {"map50", "map50_95", "n", "per_class", "confusion_matrix"} and metrics["n"] == 4
    confusion = metrics["confusion_matrix"]
    assert confusion["labels"] == [*LABELS, "background"] and confusion["unit"] == "boxes"
    true_boxes = sum(len(e.boxes) for e in demo["holdout"])
    assert sum(sum(row) for row in confusion["matrix"][:-1]) == true_boxes  # every true box: matched or missed
    assert set(metrics["per_class"]) == set(LABELS)
    assert all(set(v) == {"ap50", "ap50_95"} for v in metrics["per_class"].values())
    assert 0 <= metrics["map50_95"] <= metrics["map50"] <= 1
    empty = evaluate_detector(trained["result"].weights_path, [], LABELS, TINY, work_dir=tmp_path)
    assert empty["n"] == 0 and empty["map50"] == 0.0


def test_fine_tune_from_produced_weights(trained: dict[str, Any], demo: dict[str, Any], tmp_path: Path) -> None:
    result = train_detector(
        demo["train"][:8], LABELS, TINY, work_dir=tmp_path, init_weights=trained["result"].weights_path, epochs=1
    )
    assert result.weights_path.is_file() and result.weights_path != trained["result"].weights_path
    assert result.epochs_run == 1
    with pytest.raises(FileNotFoundError):
        train_detector(demo["train"], LABELS, TINY, work_dir=tmp_path, init_weights=tmp_path / "yolo11n.pt")


def test_kfold_shape(demo: dict[str, Any], tmp_path: Path) -> None:
    folds_started: list[tuple[int, int]] = []
    out = kfold_detector(
        demo["train"][:8], LABELS, TINY, work_dir=tmp_path, on_fold=lambda i, k: folds_started.append((i, k))
    )
    assert out["k"] == 2 and folds_started == [(0, 2), (1, 2)]
    assert [(f["fold"], f["n_train"], f["n_val"]) for f in out["folds"]] == [(0, 4, 4), (1, 4, 4)]
    assert set(out["mean"]) == set(out["std"]) == {"map50", "map50_95"}
    assert "skipped" not in out
    skipped = kfold_detector(demo["train"][:3], LABELS, TINY, work_dir=tmp_path)
    assert skipped["k"] == 0 and skipped["folds"] == [] and "4 images" in skipped["skipped"]


# --- house rules ------------------------------------------------------------------------------

BLOCK_NETWORK = """
import socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args[:2]))
    raise OSError("network blocked by test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
"""

OFFLINE_CYCLE = """
from pathlib import Path
from ai_models.demo_images import LABELS, generate_detection_demo
from ai_models.object_detection import *
root = Path(sys.argv[1])
configure_offline(root / "settings")
rows = generate_detection_demo(root / "demo", n_labelled=6, n_pool=0, n_holdout=2, size=64)["labelled"]
examples = [DetectionExample(root / "demo" / r["file"], 64, 64, tuple(Box(**b) for b in r["boxes"])) for r in rows]
params = DetectionParams(epochs=1, batch_size=4, img_size=64)
result = train_detector(examples, LABELS, params, work_dir=root / "work")
predict_images(result.weights_path, [examples[0].image_path], LABELS, conf=0.1, img_size=64)
evaluate_detector(result.weights_path, examples[:2], LABELS, params, work_dir=root / "eval")
names = sorted(p.name for p in (root / "settings" / "Ultralytics").iterdir())
assert names == ["Arial.Unicode.ttf", "Arial.ttf", "settings.json"], names
assert not attempts, attempts
print("OFFLINE-OK")
"""


def test_training_cycle_runs_with_network_blocked(tmp_path: Path) -> None:
    """Plain python (not pytest: ultralytics mutes its telemetry under pytest), sockets blocked
    before anything is imported, a fresh settings dir (no fonts): train, predict, evaluate."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YOLO_", "PYTEST"))}
    proc = subprocess.run(
        [sys.executable, "-c", BLOCK_NETWORK + OFFLINE_CYCLE, str(tmp_path)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0 and "OFFLINE-OK" in proc.stdout, proc.stderr[-3000:]
    assert list(cwd.iterdir()) == []


def test_network_block_catches_unconfigured_ultralytics(tmp_path: Path) -> None:
    """Control: without configure_offline, importing ultralytics already tries the network."""
    code = BLOCK_NETWORK + "import ultralytics\nprint(len(attempts))\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YOLO_", "PYTEST"))}
    env["YOLO_CONFIG_DIR"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert int(proc.stdout.split()[-1]) > 0


def test_imports_are_light_and_side_effect_free(tmp_path: Path) -> None:
    modules = ["boxes", "object_detection", "demo_images", "detection_tracking"]
    code = (
        "import sys, os\n"
        + "".join(f"import ai_models.{m}\n" for m in modules)
        + "heavy = [m for m in ('torch', 'ultralytics', 'mlflow', 'scipy', 'matplotlib', 'django') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert os.listdir('.') == [], os.listdir('.')\n"
        "assert not any(k.startswith('YOLO_') for k in os.environ)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("YOLO_")}
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True)
