"""Synthetic detection demo: determinism, counts, exact boxes inside the images."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from ai_models.boxes import Box, validate_box
from ai_models.demo_images import LABELS, generate_detection_demo

Demo = dict[str, list[dict[str, Any]]]
SMALL = {"n_labelled": 16, "n_pool": 6, "n_holdout": 5, "size": 96}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Demo]:
    out = tmp_path_factory.mktemp("demo-images")
    return out, generate_detection_demo(out, seed=7, **SMALL)


def test_labels() -> None:
    assert LABELS == ["circle", "square", "triangle"]


def test_counts_files_and_manifest(small: tuple[Path, Demo]) -> None:
    out, demo = small
    assert {k: len(v) for k, v in demo.items()} == {"labelled": 16, "pool": 6, "holdout": 5}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {k: manifest[k] for k in demo} == demo
    files = [r["file"] for rows in demo.values() for r in rows]
    assert len(set(files)) == len(files)
    assert {Path(f).suffix for f in files} == {".png", ".jpg"}
    for rows in demo.values():
        for r in rows:
            assert set(r) == {"file", "width", "height", "boxes"}
            with Image.open(out / r["file"]) as im:
                assert im.size == (r["width"], r["height"]) == (96, 96)
            assert 1 <= len(r["boxes"]) <= 4


def test_boxes_are_valid_and_inside(small: tuple[Path, Demo]) -> None:
    _, demo = small
    labels_seen = set()
    for rows in demo.values():
        for r in rows:
            for b in r["boxes"]:
                assert set(b) == {"label", "x", "y", "w", "h"}
                assert all(isinstance(b[k], int) for k in "xywh")
                box = Box(**b)
                validate_box(box, r["width"], r["height"])
                assert b["x"] >= 0 and b["y"] >= 0
                assert b["x"] + b["w"] <= r["width"] and b["y"] + b["h"] <= r["height"]
                assert min(b["w"], b["h"]) >= 5
                labels_seen.add(b["label"])
    assert labels_seen == set(LABELS)


def test_boxes_are_exact(small: tuple[Path, Demo]) -> None:
    """On a solid background the pixels differing from the border colour are exactly the
    union of the shapes: every box edge row/column touches its shape."""
    out, demo = small
    checked = 0
    for r in demo["labelled"]:
        if not r["file"].endswith(".png"):
            continue
        pixels = np.asarray(Image.open(out / r["file"]).convert("RGB"), dtype=float)
        border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]]).mean(axis=0)
        if np.abs(np.concatenate([pixels[0], pixels[-1]]) - border).max() > 20:
            continue  # not a flat background (gradient, noise or stripes)
        shape = np.abs(pixels - border).max(axis=2) > 60
        for b in r["boxes"]:
            inside = shape[b["y"] : b["y"] + b["h"], b["x"] : b["x"] + b["w"]]
            assert inside[0].any() and inside[-1].any() and inside[:, 0].any() and inside[:, -1].any()
        checked += 1
    assert checked >= 2


def test_deterministic_by_seed(small: tuple[Path, Demo], tmp_path: Path) -> None:
    out, demo = small
    again = generate_detection_demo(tmp_path / "again", seed=7, **SMALL)
    assert again == demo
    for r in demo["labelled"]:
        assert (tmp_path / "again" / r["file"]).read_bytes() == (out / r["file"]).read_bytes()
    assert generate_detection_demo(tmp_path / "other", seed=8, **SMALL) != demo


def test_growing_a_split_keeps_the_others(small: tuple[Path, Demo], tmp_path: Path) -> None:
    _, demo = small
    bigger = generate_detection_demo(tmp_path, seed=7, **{**SMALL, "n_pool": 9})
    assert bigger["labelled"] == demo["labelled"] and bigger["pool"][:6] == demo["pool"]


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="32"):
        generate_detection_demo(tmp_path, size=16)
    with pytest.raises(ValueError, match=">= 0"):
        generate_detection_demo(tmp_path, n_pool=-1)
