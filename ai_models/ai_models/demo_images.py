"""Deterministic SYNTHETIC object-detection demo: filled shapes on varied backgrounds.

Every image holds 1-4 filled shapes (``circle``, ``square``, ``triangle``) of varied size and
colour; squares and triangles are rotated by a random angle. Backgrounds are solid, linear
gradients, noise or stripes, and the shape colour always contrasts with them. Shapes may
overlap partially (box IoU at most ``MAX_OVERLAP``), so none is hidden. Boxes are EXACT: each
shape is rasterised into its own mask and its box is the mask's tight bounding box, in pixels,
``(x, y)`` = top-left corner, ``x + w`` / ``y + h`` exclusive.

Each image is drawn from its own RNG seeded by ``(seed, split, index)``, so the same seed always
yields the same files, and growing one split leaves the others unchanged. Nothing is
downloaded; images are written with Pillow (PNG, every fourth image JPEG).
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np

LABELS: list[str] = ["circle", "square", "triangle"]
SPLITS: tuple[str, ...] = ("labelled", "pool", "holdout")
IMAGES_DIR = "images"
MANIFEST = "manifest.json"
MAX_OVERLAP = 0.2  # max IoU between two boxes of one image
MIN_CONTRAST = 110.0  # min RGB distance between a shape and every background colour
JPEG_EVERY = 4


def _colour(rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 256, size=3).astype(float)


def _background(rng: np.random.Generator, size: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """An ``(size, size, 3)`` float image and the colours it is made of."""
    kind = rng.choice(["solid", "gradient", "noise", "stripes"])
    a, b = _colour(rng), _colour(rng)
    if kind == "solid":
        return np.broadcast_to(a, (size, size, 3)).copy(), [a]
    yy, xx = np.mgrid[0:size, 0:size].astype(float)
    if kind == "gradient":
        angle = rng.uniform(0, 2 * math.pi)
        t = xx * math.cos(angle) + yy * math.sin(angle)
        t = (t - t.min()) / max(t.max() - t.min(), 1e-9)
        return a + (b - a) * t[..., None], [a, b, (a + b) / 2]
    if kind == "noise":
        sigma = rng.uniform(10, 30)
        return a + rng.normal(0, sigma, size=(size, size, 3)), [a]
    period = int(rng.integers(4, 14))
    angle = rng.choice([0.0, math.pi / 2, math.pi / 4, -math.pi / 4])
    t = xx * math.cos(angle) + yy * math.sin(angle)
    mask = (np.floor(t / period) % 2).astype(bool)
    return np.where(mask[..., None], b, a), [a, b]


def _shape_colour(rng: np.random.Generator, avoid: list[np.ndarray]) -> np.ndarray:
    best, best_d = _colour(rng), -1.0
    for _ in range(200):
        c = _colour(rng)
        d = min(float(np.linalg.norm(c - v)) for v in avoid)
        if d >= MIN_CONTRAST:
            return c
        if d > best_d:
            best, best_d = c, d
    return best


def _outline(label: str, rng: np.random.Generator, extent: float) -> list[tuple[float, float]] | None:
    """Polygon vertices around (0, 0) for squares/triangles; ``None`` for circles."""
    if label == "circle":
        return None
    angle = rng.uniform(0, 2 * math.pi) if rng.random() < 0.7 else 0.0
    if label == "square":
        half = extent / 2 / math.sqrt(2) if angle else extent / 2
        corners = [(-half, -half), (half, -half), (half, half), (-half, half)]
    else:
        r = extent / 2
        corners = [(r * math.cos(a), r * math.sin(a)) for a in (-math.pi / 2, math.pi / 6, 5 * math.pi / 6)]
    c, s = math.cos(angle), math.sin(angle)
    return [(x * c - y * s, x * s + y * c) for x, y in corners]


def _mask(label: str, rng: np.random.Generator, size: int) -> Any:
    """A Pillow ``L`` mask with one shape fully inside the image."""
    from PIL import Image, ImageDraw

    extent = rng.uniform(0.15, 0.42) * size
    outline = _outline(label, rng, extent)
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    if outline is None:
        r = extent / 2
        cx, cy = rng.uniform(r + 1, size - r - 2, size=2)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=255)
        return mask
    xs, ys = [p[0] for p in outline], [p[1] for p in outline]
    cx = rng.uniform(1 - min(xs), size - 2 - max(xs))
    cy = rng.uniform(1 - min(ys), size - 2 - max(ys))
    draw.polygon([(x + cx, y + cy) for x, y in outline], fill=255)
    return mask


def _box_iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    iw = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def _draw_image(rng: np.random.Generator, size: int) -> tuple[Any, list[dict[str, Any]]]:
    from PIL import Image

    canvas, colours = _background(rng, size)
    boxes: list[dict[str, Any]] = []
    corners: list[tuple[int, int, int, int]] = []
    wanted = int(rng.integers(1, 5))
    for _ in range(60):
        if len(boxes) == wanted:
            break
        label = str(rng.choice(LABELS))
        mask = _mask(label, rng, size)
        bbox = mask.getbbox()
        if bbox is None or any(_box_iou(bbox, other) > MAX_OVERLAP for other in corners):
            continue
        alpha = (np.asarray(mask, dtype=float) / 255.0)[..., None]
        canvas = canvas * (1 - alpha) + _shape_colour(rng, colours) * alpha
        x0, y0, x1, y1 = bbox
        corners.append(bbox)
        boxes.append({"label": label, "x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0})
    canvas = canvas + rng.normal(0, 3, size=canvas.shape)  # mild sensor noise everywhere
    image = Image.fromarray(np.clip(np.rint(canvas), 0, 255).astype(np.uint8), mode="RGB")
    return image, boxes


def generate_detection_demo(
    out_dir: Path,
    *,
    seed: int = 7,
    n_labelled: int = 40,
    n_pool: int = 120,
    n_holdout: int = 30,
    size: int = 160,
) -> dict[str, list[dict[str, Any]]]:
    """Write the demo images under ``out_dir/images/<split>/`` and ``out_dir/manifest.json``.

    Returns ``{"labelled": [...], "pool": [...], "holdout": [...]}``, each row
    ``{"file": path relative to out_dir, "width", "height", "boxes": [{"label", "x", "y", "w",
    "h"}]}``. ``out_dir/images`` is replaced, so stale files from other seeds never linger.
    """
    if size < 32:
        raise ValueError(f"Demo images must be at least 32 px, got size={size}.")
    counts = dict(zip(SPLITS, (n_labelled, n_pool, n_holdout), strict=True))
    if any(n < 0 for n in counts.values()):
        raise ValueError(f"Split sizes must be >= 0, got {counts}.")
    out_dir = Path(out_dir)
    images_root = out_dir / IMAGES_DIR
    if images_root.exists():
        shutil.rmtree(images_root)
    result: dict[str, list[dict[str, Any]]] = {}
    for split_no, split in enumerate(SPLITS):
        folder = images_root / split
        folder.mkdir(parents=True, exist_ok=True)
        rows: list[dict[str, Any]] = []
        for i in range(counts[split]):
            rng = np.random.default_rng([seed, split_no, i])
            image, boxes = _draw_image(rng, size)
            suffix = ".jpg" if i % JPEG_EVERY == JPEG_EVERY - 1 else ".png"
            path = folder / f"{split}_{i:04d}{suffix}"
            if suffix == ".jpg":
                image.save(path, quality=92)
            else:
                image.save(path)
            rows.append(
                {
                    "file": path.relative_to(out_dir).as_posix(),
                    "width": size,
                    "height": size,
                    "boxes": boxes,
                }
            )
        result[split] = rows
    manifest = {"labels": LABELS, "seed": seed, "size": size, **result}
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return result
