"""The exported YOLO zip trains with Ultralytics as it is: a one-epoch CPU run on generated images.

Ultralytics runs in a subprocess with its own settings folder (the user's settings stay untouched), sync
and integrations off, YOLO_OFFLINE set and every socket connection refused and recorded: the test fails
if anything tries the network. ``data.yaml`` says ``path: .``, which Ultralytics resolves against the
working directory, so the run starts inside the unzipped folder.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from ai_models.formats import BoxRecord, ImageRecord, export_yolo_zip

# Not imported here: Ultralytics patches PIL.Image.open process-wide on import.
pytestmark = pytest.mark.skipif(importlib.util.find_spec("ultralytics") is None, reason="ultralytics not installed")

COLOURS = {"red": (220, 30, 30), "blue": (30, 60, 220)}

SCRIPT = r"""
import json, socket, sys

attempts = []

def refuse(*args, **kwargs):
    attempts.append(repr(args[:2]))
    raise OSError("network is off in this test")

socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

import ultralytics
import ultralytics.data.utils

off = ("clearml", "comet", "dvc", "hub", "mlflow", "neptune", "raytune", "tensorboard", "wandb")
ultralytics.settings.update({"sync": False, **{k: False for k in off if k in ultralytics.settings}})
ultralytics.data.utils.check_font = lambda *args, **kwargs: None  # a font download, only for plots

model = ultralytics.YOLO("yolo11n.yaml")
model.train(data="data.yaml", epochs=1, imgsz=64, batch=4, workers=0, device="cpu", amp=False, plots=False,
            val=True, project=sys.argv[1], name="t", exist_ok=True, seed=0, verbose=False)
trainer = model.trainer
train_labels = trainer.train_loader.dataset.labels
val_labels = trainer.validator.dataloader.dataset.labels
print("RESULT " + json.dumps({
    "attempts": attempts,
    "names": trainer.data["names"],
    "train": sorted((l["im_file"].rsplit("/", 1)[-1], len(l["cls"])) for l in train_labels),
    "val": sorted((l["im_file"].rsplit("/", 1)[-1], len(l["cls"])) for l in val_labels),
    "metrics": sorted(trainer.metrics),
}))
"""


def scene(index: int, rng: random.Random) -> tuple[ImageRecord, bytes]:
    """A 64 px PNG with one or two coloured rectangles, and its record."""
    image = Image.new("RGB", (64, 64), (235, 235, 225))
    draw = ImageDraw.Draw(image)
    boxes = []
    for _ in range(rng.randint(1, 2)):
        label = rng.choice(sorted(COLOURS))
        w, h = rng.randint(12, 30), rng.randint(12, 30)
        x, y = rng.randint(0, 64 - w), rng.randint(0, 64 - h)
        draw.rectangle((x, y, x + w - 1, y + h - 1), fill=COLOURS[label])
        boxes.append(BoxRecord(label, x, y, w, h))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    split = "holdout" if index == 0 else "pool"
    return ImageRecord(f"scene_{index}.png", 64, 64, tuple(boxes), split=split), buffer.getvalue()


def test_exported_zip_trains_with_ultralytics(tmp_path: Path) -> None:
    rng = random.Random(3)
    made = [scene(i, rng) for i in range(8)]
    records, files = [r for r, _ in made], {r.file_name: b for r, b in made}
    data = export_yolo_zip(records, files, ["red", "blue"], val_fraction=0.15, seed=5)
    dataset = tmp_path / "dataset"
    zipfile.ZipFile(io.BytesIO(data)).extractall(dataset)
    (tmp_path / "train.py").write_text(SCRIPT)
    env = {
        **os.environ,
        "YOLO_CONFIG_DIR": str(tmp_path / "config"),
        "YOLO_OFFLINE": "1",
        "MPLCONFIGDIR": str(tmp_path / "mpl"),
        "MLFLOW_TRACKING_URI": "",
    }
    run = subprocess.run(
        [sys.executable, str(tmp_path / "train.py"), str(tmp_path / "runs")],
        cwd=dataset,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    line = next(x for x in run.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    assert result["attempts"] == []
    assert result["names"] == {"0": "red", "1": "blue"}
    boxes = {r.file_name: len(r.boxes) for r in records}
    seen = dict(result["train"] + result["val"])
    assert seen == boxes  # every image found, with all its boxes (none dropped as corrupt)
    assert ["scene_0.png", boxes["scene_0.png"]] in result["val"]  # the holdout image validates
    assert len(result["val"]) == 2 and len(result["train"]) == 6
    assert any(k.startswith("metrics/mAP50") for k in result["metrics"])
    assert (tmp_path / "runs" / "t" / "weights" / "last.pt").exists()


GUARD = r"""
import socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args[:2]))
    raise OSError("network is off in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
"""


def test_unreadable_image_is_refused_even_with_ultralytics_imported(tmp_path: Path) -> None:
    """Ultralytics' Image.open patch would try to pip-install pi-heif for an unrecognised file."""
    with zipfile.ZipFile(tmp_path / "data.zip", "w") as archive:
        archive.writestr("data.yaml", "names: [red, blue]\n")
        archive.writestr("images/train/scene_0.png", b"GIF89a" + bytes(64))  # a .png name, not PNG data
    code = GUARD + (
        "import ultralytics\n"
        "from ai_models.formats import FormatError, parse_yolo_zip\n"
        "try:\n"
        "    parse_yolo_zip(open('data.zip', 'rb').read(), None)\n"
        "except FormatError as exc:\n"
        "    print('REFUSED', exc)\n"
        "assert attempts == [], attempts\n"
    )
    env = {**os.environ, "YOLO_CONFIG_DIR": str(tmp_path / "config"), "YOLO_OFFLINE": "1"}
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "REFUSED images/train/scene_0.png: not a readable image" in run.stdout
