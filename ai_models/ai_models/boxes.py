"""Bounding-box geometry and model-vs-human disagreement, framework-free.

Boxes are in pixels of the original image, ``(x, y)`` is the top-left corner and ``w``/``h``
the size. Provides IoU and Complete-IoU (Zheng et al., 2020, "Distance-IoU Loss"), an optimal
one-to-one matching of a model's boxes to a human's corrected boxes, and the disagreement flags
derived from that matching (moved, relabelled, removed and newly drawn boxes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DECIMALS = 6
EDGE_TOLERANCE = 0.5  # pixels a box may stick out of the image (rounding of drawn boxes)


@dataclass(frozen=True)
class Box:
    """One labelled box in pixels; ``confidence`` is set for model predictions only."""

    label: str
    x: float
    y: float
    w: float
    h: float
    confidence: float | None = None


@dataclass(frozen=True)
class Match:
    """A model box paired with a human box, with their IoU and CIoU (rounded to 6 places)."""

    model_index: int
    human_index: int
    iou: float
    ciou: float


def _r(value: float) -> float:
    return round(float(value), DECIMALS)


def _corners(b: Box) -> tuple[float, float, float, float]:
    return b.x, b.y, b.x + b.w, b.y + b.h


def _area(x1: float, y1: float, x2: float, y2: float) -> float:
    return max(0.0, x2 - x1) * max(0.0, y2 - y1)


def _iou_parts(a: Box, b: Box) -> tuple[float, tuple[float, ...], tuple[float, ...]]:
    ca, cb = _corners(a), _corners(b)
    inter = _area(max(ca[0], cb[0]), max(ca[1], cb[1]), min(ca[2], cb[2]), min(ca[3], cb[3]))
    union = _area(*ca) + _area(*cb) - inter
    value = inter / union if union > 0 else 0.0
    return min(1.0, max(0.0, value)), ca, cb


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes, in ``[0, 1]`` (0 when both are empty)."""
    return _iou_parts(a, b)[0]


def ciou(a: Box, b: Box) -> float:
    """Complete IoU: IoU minus a centre-distance and an aspect-ratio penalty, in ``[-1, 1]``.

    ``CIoU = IoU - rho^2 / c^2 - alpha * v`` with ``rho`` the distance between the centres,
    ``c`` the diagonal of the smallest enclosing box, ``v = 4 / pi^2 * (atan(w_b / h_b) -
    atan(w_a / h_a))^2`` and ``alpha = v / ((1 - IoU) + v)``. It is 1 only for identical boxes,
    never above the IoU and, unlike IoU, still ranks disjoint boxes by how far apart they are.
    The (theoretical) values below -1 of far-apart thin boxes are clipped to -1.
    """
    value, ca, cb = _iou_parts(a, b)
    rho2 = ((ca[0] + ca[2]) / 2 - (cb[0] + cb[2]) / 2) ** 2 + ((ca[1] + ca[3]) / 2 - (cb[1] + cb[3]) / 2) ** 2
    c2 = (max(ca[2], cb[2]) - min(ca[0], cb[0])) ** 2 + (max(ca[3], cb[3]) - min(ca[1], cb[1])) ** 2
    distance = rho2 / c2 if c2 > 0 else 0.0
    wa, ha, wb, hb = ca[2] - ca[0], ca[3] - ca[1], cb[2] - cb[0], cb[3] - cb[1]
    v = 4 / math.pi**2 * (math.atan2(max(wb, 0.0), max(hb, 0.0)) - math.atan2(max(wa, 0.0), max(ha, 0.0))) ** 2
    alpha = v / ((1 - value) + v) if v > 0 else 0.0
    return max(-1.0, min(value, value - distance - alpha * v))


def match_boxes(
    model: Sequence[Box], human: Sequence[Box], *, min_iou: float = 0.1
) -> tuple[list[Match], list[int], list[int]]:
    """Optimal one-to-one assignment of model to human boxes maximising the total IoU.

    Label-agnostic (a relabelled box still matches its original). Pairs with IoU below
    ``min_iou`` (or 0) are never matched. Returns ``(matches sorted by model index, unmatched
    model indices, unmatched human indices)``.
    """
    if not model or not human:
        return [], list(range(len(model))), list(range(len(human)))
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    scores = np.array([[iou(m, h) for h in human] for m in model], dtype=float)
    admissible = (scores >= min_iou) & (scores > 0)
    rows, cols = linear_sum_assignment(np.where(admissible, scores, 0.0), maximize=True)
    matches = [
        Match(int(i), int(j), _r(scores[i, j]), _r(ciou(model[i], human[j])))
        for i, j in zip(rows, cols, strict=True)
        if admissible[i, j]
    ]
    matches.sort(key=lambda m: m.model_index)
    used_model = {m.model_index for m in matches}
    used_human = {m.human_index for m in matches}
    return (
        matches,
        [i for i in range(len(model)) if i not in used_model],
        [j for j in range(len(human)) if j not in used_human],
    )


def disagreement_flags(
    model: Sequence[Box],
    human: Sequence[Box],
    *,
    low_overlap: float = 0.5,
    confident_removal: float = 0.75,
) -> list[dict[str, Any]]:
    """Findings where the human's boxes disagree with the model's (see :func:`match_boxes`).

    Order: per matched pair (by model index) ``label_changed`` then ``low_overlap``; then per
    removed model box ``false_positive`` (and ``confident_removal`` when its confidence is at
    least ``confident_removal``); then ``missed`` per human box no model box matched.
    """
    matches, removed, drawn = match_boxes(model, human)
    flags: list[dict[str, Any]] = []
    for m in matches:
        before, after = model[m.model_index], human[m.human_index]
        pair = {"model_index": m.model_index, "human_index": m.human_index}
        if before.label != after.label:
            flags.append({"flag": "label_changed", **pair, "from": before.label, "to": after.label})
        if m.iou < low_overlap:
            flags.append({"flag": "low_overlap", **pair, "iou": m.iou, "ciou": m.ciou})
    for i in removed:
        conf = model[i].confidence
        conf = None if conf is None else _r(conf)
        flags.append({"flag": "false_positive", "model_index": i, "confidence": conf})
        if conf is not None and conf >= confident_removal:
            flags.append({"flag": "confident_removal", "model_index": i, "confidence": conf})
    flags.extend({"flag": "missed", "human_index": j} for j in drawn)
    return flags


def validate_box(box: Box, width: int, height: int) -> None:
    """Raise ``ValueError`` unless ``box`` is a finite, non-empty box inside a ``width x height``
    image (it may stick out by at most ``EDGE_TOLERANCE`` px)."""
    if width <= 0 or height <= 0:
        raise ValueError(f"Image size must be positive, got {width}x{height}.")
    if not isinstance(box.label, str) or not box.label.strip():
        raise ValueError(f"Box label must be a non-empty string, got {box.label!r}.")
    coords = {"x": box.x, "y": box.y, "w": box.w, "h": box.h}
    loose = {k: v for k, v in coords.items() if isinstance(v, bool) or not isinstance(v, int | float)}
    if loose:
        raise ValueError(f"Box coordinates must be numbers, got {loose}.")
    # an int beyond 2**53 is no exact float (and past ~1e308 none at all): as unusable as inf
    bad = {k: v for k, v in coords.items() if (abs(v) > 2**53 if isinstance(v, int) else not math.isfinite(v))}
    if bad:
        raise ValueError(f"Box coordinates must be finite numbers, got {bad}.")
    if box.w <= 0 or box.h <= 0:
        raise ValueError(f"Box width and height must be positive, got w={box.w}, h={box.h}.")
    tol = EDGE_TOLERANCE
    if box.x < -tol or box.y < -tol or box.x + box.w > width + tol or box.y + box.h > height + tol:
        raise ValueError(f"Box (x={box.x}, y={box.y}, w={box.w}, h={box.h}) lies outside the {width}x{height} image.")
    conf = box.confidence
    if conf is not None and (isinstance(conf, bool) or not isinstance(conf, int | float)
                             or not (0 <= conf <= 1)):
        raise ValueError(f"Box confidence must be in [0, 1], got {box.confidence}.")
