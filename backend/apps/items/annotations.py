"""Validate boxes given by people (imports, feedback, reviews) against the image and the project's labels."""
import math

from apps.core.exceptions import ApplicationError

_TOLERANCE = 0.5  # pixels: rounding in other tools must not make an edge box "outside"


def box_validate(box, *, labels: list[str], width: int, height: int, where: str) -> dict:
    if not isinstance(box, dict):
        raise ApplicationError(f"{where}: a box must be an object with label, x, y, w, h.")
    unknown = sorted(set(box) - {"label", "x", "y", "w", "h", "confidence"})
    if unknown:
        raise ApplicationError(f"{where}: unknown field(s) {', '.join(unknown)}.")
    label = box.get("label")
    if label not in labels:
        raise ApplicationError(f"{where}: unknown label {label!r}; the project's labels are {', '.join(labels)}.")
    missing = [k for k in ("x", "y", "w", "h") if k not in box]
    if missing:
        raise ApplicationError(f"{where}: {', '.join(missing)} missing; a box needs label, x, y, w and h.")
    # JSON numbers only: float() would also take true, "1e1" and " 5 " and store them as given. A confidence
    # is dropped, so null (none) is fine there.
    given = {k: box[k] for k in ("x", "y", "w", "h", "confidence") if k in box and (k != "confidence" or box[k] is not None)}
    for key, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ApplicationError(f"{where}: {key} must be a number, not {value!r}.")
    try:
        x, y, w, h = (float(box[k]) for k in ("x", "y", "w", "h"))
    except OverflowError as exc:  # an integer beyond any float
        raise ApplicationError(f"{where}: coordinates must be finite numbers.") from exc
    if not all(math.isfinite(v) for v in (x, y, w, h)):
        raise ApplicationError(f"{where}: coordinates must be finite numbers.")
    if w <= 0 or h <= 0:
        raise ApplicationError(f"{where}: width and height must be positive.")
    if x < -_TOLERANCE or y < -_TOLERANCE or x + w > width + _TOLERANCE or y + h > height + _TOLERANCE:
        raise ApplicationError(f"{where}: box ({x:g}, {y:g}, {w:g}, {h:g}) lies outside the {width}x{height} image.")
    x, y = max(x, 0.0), max(y, 0.0)
    return {"label": label, "x": round(x, 2), "y": round(y, 2), "w": round(min(w, width - x), 2),
            "h": round(min(h, height - y), 2)}


def boxes_validate(boxes, *, labels: list[str], width: int, height: int, where: str) -> list[dict]:
    if not isinstance(boxes, list):
        raise ApplicationError(f"{where}: boxes must be a list (an empty list means nothing is here).")
    return [box_validate(b, labels=labels, width=width, height=height, where=f"{where} box {i}")
            for i, b in enumerate(boxes)]
