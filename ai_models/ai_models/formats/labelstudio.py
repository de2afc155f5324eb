"""Label Studio JSON tasks: ``rectanglelabels`` for image projects, ``choices`` for text projects.

Rectangles are in percent of the image (``value.x/y/width/height`` in 0..100, top-left corner) with
``original_width``/``original_height`` in pixels beside them; they are written unrounded (full float
precision), so a round trip loses nothing but float error.
Export: the task id is the item id (else its 1-based position); an item without boxes (or label) gets no
annotation, so Label Studio shows it as still to label; predictions carry a ``score`` per result and, on
the prediction, the mean of those scores. ``data`` also holds ``file_name``, ``split`` and ``subject_ref``.
Import: the latest annotation that was not cancelled (by ``updated_at``/``created_at``, else list order)
and likewise the latest prediction; the file name is ``data.file_name`` if present, else the last path
segment of the image URL (the ``?d=`` path for local-files URLs); ``item_id`` is left unset.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal
from urllib.parse import parse_qs, urlparse

from ai_models.formats.records import (
    BoxRecord,
    FormatError,
    ImageRecord,
    TextRecord,
    base_name,
    check_box_labels,
    finite_number,
    load_json,
)

RECT, CHOICES = "rectanglelabels", "choices"


def _rect(box: BoxRecord, image: ImageRecord, rid: str, from_name: str, to_name: str, pred: bool) -> dict:
    result = {
        "id": rid,
        "type": RECT,
        "from_name": from_name,
        "to_name": to_name,
        "original_width": image.width,
        "original_height": image.height,
        "image_rotation": 0,
        "value": {
            "x": box.x * 100 / image.width,
            "y": box.y * 100 / image.height,
            "width": box.w * 100 / image.width,
            "height": box.h * 100 / image.height,
            "rotation": 0,
            "rectanglelabels": [box.label],
        },
    }
    if pred and box.confidence is not None:
        result["score"] = box.confidence
    return result


def _prediction(results: list[dict], scores: list[float], model_version: int | None) -> dict:
    prediction: dict[str, Any] = {"model_version": "" if model_version is None else str(model_version)}
    if scores:
        prediction["score"] = sum(scores) / len(scores)
    prediction["result"] = results
    return prediction


def _image_task(task_id: int, im: ImageRecord, url: str, from_name: str, to_name: str) -> dict:
    if (im.boxes or im.predictions) and (im.width <= 0 or im.height <= 0):
        raise FormatError(f"{im.file_name}: image size {im.width}x{im.height} is not positive.")
    data = {"image": url, "file_name": im.file_name, "split": im.split, "subject_ref": im.subject_ref}
    task: dict[str, Any] = {"id": task_id, "data": data, "annotations": [], "predictions": []}
    if im.boxes:
        result = [_rect(b, im, f"{task_id}-{i}", from_name, to_name, False) for i, b in enumerate(im.boxes)]
        task["annotations"].append({"result": result})
    if im.predictions:
        result = [_rect(b, im, f"{task_id}-p{i}", from_name, to_name, True) for i, b in enumerate(im.predictions)]
        scores = [b.confidence for b in im.predictions if b.confidence is not None]
        task["predictions"].append(_prediction(result, scores, im.model_version))
    return task


def _choice(rid: str, label: str, from_name: str, to_name: str, score: float | None) -> dict:
    result = {"id": rid, "type": CHOICES, "from_name": from_name, "to_name": to_name, "value": {"choices": [label]}}
    if score is not None:
        result["score"] = score
    return result


def _text_task(task_id: int, t: TextRecord, from_name: str, to_name: str) -> dict:
    data = {"text": t.text, "split": t.split, "subject_ref": t.subject_ref}
    task: dict[str, Any] = {"id": task_id, "data": data, "annotations": [], "predictions": []}
    if t.label is not None:
        task["annotations"].append({"result": [_choice(f"{task_id}-0", t.label, from_name, to_name, None)]})
    if t.predicted is not None:
        result = [_choice(f"{task_id}-p0", t.predicted, from_name, to_name, t.confidence)]
        task["predictions"].append(_prediction(result, [] if t.confidence is None else [t.confidence], None))
    return task


def export_labelstudio(
    items: Sequence[ImageRecord] | Sequence[TextRecord],
    labels: list[str],
    *,
    image_url: Callable[[ImageRecord], str] | None = None,
    from_name: str = "label",
    to_name: str | None = None,
) -> list[dict]:
    """Tasks for Label Studio's JSON import; ``to_name`` defaults to ``"image"`` or ``"text"``.

    ``image_url`` gives each image's URL (default: its file name, for a Label Studio file source).
    """
    images = [i for i in items if isinstance(i, ImageRecord)]
    texts = [i for i in items if isinstance(i, TextRecord)]
    if len(images) + len(texts) != len(items) or (images and texts):
        raise TypeError("export_labelstudio takes a list of ImageRecord or a list of TextRecord, not a mix.")
    if images:
        check_box_labels(images, labels)
        url = image_url or (lambda im: im.file_name)
        target = to_name or "image"
        return [
            _image_task(im.item_id if im.item_id is not None else n, im, url(im), from_name, target)
            for n, im in enumerate(images, start=1)
        ]
    known = set(labels)
    for t in texts:
        for value in (t.label, t.predicted):
            if value is not None and value not in known:
                raise FormatError(f"text {t.item_id or t.text[:40]!r}: label {value!r} is not one of the labels.")
    target = to_name or "text"
    return [_text_task(t.item_id if t.item_id is not None else n, t, from_name, target) for n, t in enumerate(texts, 1)]


# --- import ------------------------------------------------------------------------------------


def _latest(entries: object, where: str, key: str) -> dict | None:
    """The newest entry not cancelled: by ``updated_at``/``created_at`` (ISO strings), ties by position."""
    if entries is None:
        return None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise FormatError(f"{where}: '{key}' must be a list of objects.")
    live = [(str(e.get("updated_at") or e.get("created_at") or ""), n, e) for n, e in enumerate(entries)]
    live = [x for x in live if not x[2].get("was_cancelled")]
    return max(live, key=lambda x: x[:2])[2] if live else None


def _results(entry: dict | None, where: str) -> list[dict]:
    if entry is None:
        return []
    result = entry.get("result")
    if not isinstance(result, list) or not all(isinstance(r, dict) for r in result):
        raise FormatError(f"{where}: 'result' must be a list of objects.")
    return result


def _num(value: object, where: str, name: str) -> float:
    if not finite_number(value):
        raise FormatError(f"{where}: {name} must be a number, got {value!r}.")
    return float(value)


def _score(result: dict, entry: dict, where: str) -> float | None:
    score = result.get("score", entry.get("score"))
    return None if score is None else _num(score, where, "score")


def _one_label(value: dict, key: str, where: str) -> str:
    names = value.get(key)
    if not (isinstance(names, list) and len(names) == 1 and isinstance(names[0], str) and names[0]):
        raise FormatError(f"{where}: value.{key} must hold exactly one label, got {names!r}.")
    return names[0]


def _box(result: dict, entry: dict, where: str, size: list[int]) -> BoxRecord:
    if result.get("type") != RECT:
        raise FormatError(f"{where}: result type {result.get('type')!r} is not supported (only {RECT}).")
    width, height = result.get("original_width"), result.get("original_height")
    if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
        raise FormatError(f"{where}: a {RECT} result needs original_width and original_height (pixels).")
    if size and size != [width, height]:
        raise FormatError(f"{where}: results disagree on the image size ({size} vs {[width, height]}).")
    size[:] = [width, height]
    value = result.get("value")
    if not isinstance(value, dict):
        raise FormatError(f"{where}: a {RECT} result needs a 'value' object.")
    x, y, w, h = (_num(value.get(k), where, f"value.{k}") for k in ("x", "y", "width", "height"))
    if w < 0 or h < 0:
        raise FormatError(f"{where}: negative box width or height.")
    for name, angle in (("value.rotation", value.get("rotation", 0)), ("image_rotation", result.get("image_rotation", 0))):
        if _num(angle or 0, where, name) % 360:
            raise FormatError(f"{where}: rotated boxes are not supported ({name} = {angle}).")
    label = _one_label(value, RECT, where)
    return BoxRecord(
        label, x * width / 100, y * height / 100, w * width / 100, h * height / 100, confidence=_score(result, entry, where)
    )


def _choice_of(result: dict, where: str) -> str:
    if result.get("type") != CHOICES:
        raise FormatError(f"{where}: result type {result.get('type')!r} is not supported (only {CHOICES}).")
    value = result.get("value")
    if not isinstance(value, dict):
        raise FormatError(f"{where}: a {CHOICES} result needs a 'value' object.")
    return _one_label(value, CHOICES, where)


def _source(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    if value is None:
        strings = [v for k, v in data.items() if isinstance(v, str) and k not in {"file_name", "split", "subject_ref"}]
        value = strings[0] if len(strings) == 1 else None
    if not isinstance(value, str):
        raise FormatError(f"{where}: data.{key} (the {key} URL or content) is missing.")
    return value


def _file_name(data: dict, url: str, where: str) -> str:
    if isinstance(data.get("file_name"), str) and data["file_name"]:
        return base_name(data["file_name"])
    try:
        parsed = urlparse(url)
    except ValueError as exc:  # e.g. "http://[": an unclosed IPv6 host
        raise FormatError(f"{where}: not a usable image URL {url!r} ({exc}).") from exc
    local = parse_qs(parsed.query).get("d")  # Label Studio local-files: /data/local-files/?d=folder/name.jpg
    name = base_name(local[0] if local else parsed.path)
    if not name:
        raise FormatError(f"{where}: no file name in the image URL {url!r}.")
    return name


def _model_version(entry: dict | None) -> int | None:
    version = str((entry or {}).get("model_version", "")).strip()
    return int(version) if version.isdecimal() and len(version) < 19 else None  # not "²", nor past a bigint


def parse_labelstudio(
    tasks: list | bytes | str, *, kind: Literal["image", "text"]
) -> tuple[list[ImageRecord] | list[TextRecord], list[str]]:
    """Records from a Label Studio JSON export, and the labels seen (in order of first appearance)."""
    if kind not in ("image", "text"):
        raise ValueError(f"kind must be 'image' or 'text', got {kind!r}.")
    if isinstance(tasks, bytes | bytearray | str):
        tasks = load_json(tasks, "Label Studio JSON")
    if not isinstance(tasks, list):
        raise FormatError("Label Studio JSON: the top level must be a list of tasks.")
    seen: dict[str, None] = {}
    records: list[Any] = []
    for n, task in enumerate(tasks):
        where = f"task {task.get('id', f'#{n}')}" if isinstance(task, dict) else f"task #{n}"
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise FormatError(f"{where}: a task must be an object with a 'data' object.")
        data = task["data"]
        annotation = _latest(task.get("annotations", task.get("completions")), where, "annotations")
        prediction = _latest(task.get("predictions"), where, "predictions")
        split, ref = str(data.get("split") or "pool"), str(data.get("subject_ref") or "")
        if kind == "image":
            size: list[int] = []
            boxes = tuple(_box(r, annotation or {}, where, size) for r in _results(annotation, where))
            preds = tuple(_box(r, prediction or {}, where, size) for r in _results(prediction, where))
            for box in boxes + preds:
                seen.setdefault(box.label)
            url = _source(data, "image", where)
            width, height = size or [0, 0]  # no boxes: the size is unknown (0), to be read from the image
            records.append(
                ImageRecord(
                    _file_name(data, url, where),
                    width,
                    height,
                    boxes,
                    preds,
                    split,
                    ref,
                    model_version=_model_version(prediction),
                )
            )
        else:
            labels = [_choice_of(r, where) for r in _results(annotation, where)]
            guesses = [(_choice_of(r, where), _score(r, prediction or {}, where)) for r in _results(prediction, where)]
            if len(labels) > 1 or len(guesses) > 1:
                raise FormatError(f"{where}: more than one choices result in an annotation or prediction.")
            for label in labels + [g[0] for g in guesses]:
                seen.setdefault(label)
            predicted, confidence = guesses[0] if guesses else (None, None)
            records.append(
                TextRecord(
                    _source(data, "text", where),
                    labels[0] if labels else None,
                    split,
                    ref,
                    predicted=predicted,
                    confidence=confidence,
                )
            )
    return records, list(seen)
