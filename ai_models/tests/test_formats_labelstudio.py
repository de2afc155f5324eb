"""Label Studio JSON tasks: round trips for images and texts, the documented export shape, refusals."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_models.formats import BoxRecord, FormatError, ImageRecord, TextRecord, export_labelstudio, parse_labelstudio

LABELS = ["Airplane", "Car", "Moonwalker"]


def box(confidence: bool) -> st.SearchStrategy[BoxRecord]:
    return st.builds(
        BoxRecord,
        label=st.sampled_from(LABELS),
        x=st.floats(0, 4000),
        y=st.floats(0, 4000),
        w=st.floats(0, 4000),
        h=st.floats(0, 4000),
        confidence=st.floats(0, 1) if confidence else st.none(),
    )


image_records = st.lists(
    st.builds(
        ImageRecord,
        file_name=st.sampled_from(["a.jpg", "b c.png", "ü.webp"]),
        width=st.integers(1, 4000),
        height=st.integers(1, 4000),
        boxes=st.lists(box(False), max_size=4).map(tuple),
        predictions=st.lists(box(True), max_size=3).map(tuple),
        split=st.sampled_from(["pool", "holdout"]),
        subject_ref=st.text(max_size=8),
        model_version=st.none() | st.integers(1, 99),
    ),
    max_size=5,
)


def assert_boxes(expected: tuple[BoxRecord, ...], got: tuple[BoxRecord, ...]) -> None:
    assert len(expected) == len(got)
    for a, b in zip(expected, got, strict=True):
        assert (a.label, a.confidence) == (b.label, b.confidence)
        assert (b.x, b.y, b.w, b.h) == pytest.approx((a.x, a.y, a.w, a.h), abs=1e-3)


@settings(max_examples=60, deadline=None, database=None)
@given(records=image_records, via_json=st.booleans())
def test_image_round_trip(records: list[ImageRecord], via_json: bool) -> None:
    tasks = export_labelstudio(records, LABELS)
    got, seen = parse_labelstudio(json.dumps(tasks).encode() if via_json else tasks, kind="image")
    assert len(got) == len(records)
    for a, b in zip(records, got, strict=True):
        assert (b.file_name, b.split, b.subject_ref, b.item_id) == (a.file_name, a.split, a.subject_ref, None)
        if a.boxes or a.predictions:
            assert (b.width, b.height) == (a.width, a.height)
        assert_boxes(a.boxes, b.boxes)
        assert_boxes(a.predictions, b.predictions)
        assert b.model_version == (a.model_version if a.predictions else None)
    assert set(seen) == {x.label for r in records for x in r.boxes + r.predictions}


texts = st.lists(
    st.builds(
        TextRecord,
        text=st.text(min_size=1),
        label=st.none() | st.sampled_from(LABELS),
        split=st.sampled_from(["pool", "holdout"]),
        predicted=st.none() | st.sampled_from(LABELS),
        confidence=st.none() | st.floats(0, 1),
    ),
    max_size=6,
)


@settings(max_examples=60, deadline=None, database=None)
@given(records=texts)
def test_text_round_trip(records: list[TextRecord]) -> None:
    got, _ = parse_labelstudio(json.dumps(export_labelstudio(records, LABELS)), kind="text")
    expected = [
        TextRecord(
            t.text, t.label, t.split, predicted=t.predicted, confidence=t.confidence if t.predicted is not None else None
        )
        for t in records
    ]
    assert got == expected


def test_export_shape() -> None:
    image = ImageRecord(
        "x.jpg",
        200,
        100,
        (BoxRecord("Car", 20, 10, 50, 25),),
        (BoxRecord("Car", 0, 0, 20, 10, 0.5), BoxRecord("Airplane", 0, 0, 2, 1, 0.25)),
        item_id=12,
        model_version=3,
    )
    [task] = export_labelstudio([image], LABELS, image_url=lambda im: f"https://files.example/{im.file_name}")
    assert task["id"] == 12 and task["data"]["image"] == "https://files.example/x.jpg"
    [result] = task["annotations"][0]["result"]
    assert result["type"] == "rectanglelabels" and (result["from_name"], result["to_name"]) == ("label", "image")
    assert (result["original_width"], result["original_height"]) == (200, 100)
    assert result["value"] == {
        "x": 10.0,
        "y": 10.0,
        "width": 25.0,
        "height": 25.0,
        "rotation": 0,
        "rectanglelabels": ["Car"],
    }
    [prediction] = task["predictions"]
    assert prediction["model_version"] == "3" and prediction["score"] == 0.375
    assert [r["score"] for r in prediction["result"]] == [0.5, 0.25]
    [text_task] = export_labelstudio([TextRecord("hi", "Car", predicted="Car", confidence=0.9)], LABELS)
    assert text_task["id"] == 1 and text_task["data"]["text"] == "hi"
    assert text_task["annotations"][0]["result"][0]["value"] == {"choices": ["Car"]}
    assert text_task["annotations"][0]["result"][0]["to_name"] == "text"
    assert text_task["predictions"][0]["result"][0]["score"] == 0.9
    assert export_labelstudio([ImageRecord("e.jpg", 5, 5)], LABELS)[0]["annotations"] == []


# A task as in Label Studio's documented JSON export (guide/task_format, tags/rectanglelabels).
DOC_TASK = {
    "id": 1,
    "data": {"image": "https://example.com/opensource/label-studio/1.jpg"},
    "annotations": [
        {"id": 1000, "result": [], "was_cancelled": False, "created_at": "2021-03-09T21:00:00Z"},
        {
            "id": 1001,
            "result": [
                {
                    "from_name": "tag",
                    "id": "Dx_aB91ISN",
                    "source": "$image",
                    "to_name": "img",
                    "type": "rectanglelabels",
                    "original_width": 1000,
                    "original_height": 500,
                    "image_rotation": 0,
                    "value": {
                        "height": 10.4,
                        "rectanglelabels": ["Moonwalker"],
                        "rotation": 0,
                        "width": 12.4,
                        "x": 50.8,
                        "y": 5.8,
                    },
                }
            ],
            "was_cancelled": False,
            "created_at": "2021-03-09T22:16:08.728353Z",
        },
        {"id": 1002, "result": [], "was_cancelled": True, "created_at": "2021-03-10T00:00:00Z"},
    ],
    "predictions": [
        {
            "model_version": "model 1",
            "score": 0.5,
            "result": [
                {
                    "from_name": "tag",
                    "to_name": "img",
                    "type": "rectanglelabels",
                    "original_width": 1000,
                    "original_height": 500,
                    "value": {"x": 0, "y": 0, "width": 10, "height": 20, "rectanglelabels": ["Car"]},
                }
            ],
        },
    ],
}


def test_documented_export() -> None:
    [record], seen = parse_labelstudio([DOC_TASK], kind="image")
    assert (record.file_name, record.width, record.height, record.model_version) == ("1.jpg", 1000, 500, None)
    assert_boxes((BoxRecord("Moonwalker", 508, 29, 124, 52),), record.boxes)  # latest, not the cancelled one
    assert_boxes((BoxRecord("Car", 0, 0, 100, 100, 0.5),), record.predictions)  # the prediction's score
    assert seen == ["Moonwalker", "Car"]


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/data/local-files/?d=photos/cat%201.jpg", "cat 1.jpg"),
        ("/data/upload/3/5e1f-dog.png", "5e1f-dog.png"),
        ("s3://bucket/a/b/c.webp", "c.webp"),
        ("https://x.example/img/d.jpg?token=abc", "d.jpg"),
    ],
)
def test_file_name_from_url(url: str, name: str) -> None:
    [record], _ = parse_labelstudio([{"id": 4, "data": {"image": url}}], kind="image")
    assert (record.file_name, record.width, record.height, record.boxes) == (name, 0, 0, ())


def broken(change: object) -> list[dict]:
    task = copy.deepcopy(DOC_TASK)
    task["id"] = 42
    change(task["annotations"][1]["result"][0])
    return [task]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.pop("original_width"), "task 42: a rectanglelabels result needs original_width"),
        (lambda r: r.update(type="polygonlabels"), "task 42: result type 'polygonlabels' is not supported"),
        (lambda r: r["value"].update(x="50%"), "task 42: value.x must be a number"),
        (lambda r: r["value"].update(rectanglelabels=[]), "task 42: value.rectanglelabels must hold exactly one"),
        (lambda r: r["value"].update(rotation=30), "task 42: rotated boxes are not supported"),
        (lambda r: r["value"].update(width=-3), "task 42: negative box width"),
        (lambda r: r.pop("value"), "task 42: a rectanglelabels result needs a 'value' object"),
        (lambda r: r.update(original_width=999), "task 42: results disagree on the image size"),
    ],
)
def test_image_refusals(change: object, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_labelstudio(broken(change), kind="image")


def test_other_refusals() -> None:
    with pytest.raises(FormatError, match="not valid JSON"):
        parse_labelstudio(b"[{", kind="image")
    with pytest.raises(FormatError, match="top level must be a list"):
        parse_labelstudio({"id": 1}, kind="image")  # type: ignore[arg-type]
    with pytest.raises(FormatError, match="task 3: a task must be an object with a 'data' object"):
        parse_labelstudio([{"id": 3}], kind="text")
    with pytest.raises(FormatError, match="task 5: result type 'rectanglelabels' is not supported"):
        parse_labelstudio([{"id": 5, "data": {"text": "t"}, "annotations": DOC_TASK["annotations"]}], kind="text")
    with pytest.raises(FormatError, match="task 6: 'result' must be a list"):
        parse_labelstudio([{"id": 6, "data": {"text": "t"}, "annotations": [{"result": "Car"}]}], kind="text")
    with pytest.raises(FormatError, match="task 7: data.text"):
        parse_labelstudio([{"id": 7, "data": {"a": 1}}], kind="text")
    with pytest.raises(FormatError, match="label 'Bus' is not one of the labels"):
        export_labelstudio([TextRecord("x", "Bus")], LABELS)
    with pytest.raises(TypeError):
        export_labelstudio([TextRecord("x"), ImageRecord("a.jpg", 1, 1)], LABELS)  # type: ignore[list-item]
