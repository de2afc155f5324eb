"""COCO JSON and COCO zip: round trips, pycocotools compatibility, and every refusal."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from ai_models.formats import (
    BoxRecord,
    FormatError,
    ImageRecord,
    export_coco,
    export_coco_zip,
    parse_coco,
    parse_coco_zip,
)

LABELS = ["person", "car", "tree"]


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


boxes = st.builds(
    BoxRecord,
    label=st.sampled_from(LABELS),
    x=st.floats(0, 5000),
    y=st.floats(0, 5000),
    w=st.floats(0, 5000),
    h=st.floats(0, 5000),
)
images = st.lists(
    st.builds(
        ImageRecord,
        file_name=st.just(""),
        width=st.integers(1, 5000),
        height=st.integers(1, 5000),
        boxes=st.lists(boxes, max_size=4).map(tuple),
    ),
    max_size=5,
).map(lambda ims: [ImageRecord(f"i{n}.jpg", im.width, im.height, im.boxes) for n, im in enumerate(ims)])


def assert_same(expected: list[ImageRecord], got: list[ImageRecord]) -> None:
    assert [(im.file_name, im.width, im.height) for im in got] == [(im.file_name, im.width, im.height) for im in expected]
    for a, b in zip(expected, got, strict=True):
        assert len(a.boxes) == len(b.boxes)
        for p, q in zip(a.boxes, b.boxes, strict=True):
            assert p.label == q.label
            assert (q.x, q.y, q.w, q.h) == pytest.approx((p.x, p.y, p.w, p.h), abs=1e-3)


@settings(max_examples=60, deadline=None, database=None)
@given(records=images, as_bytes=st.booleans())
def test_round_trip(records: list[ImageRecord], as_bytes: bool) -> None:
    document = export_coco(records, LABELS)
    bundle = parse_coco(json.dumps(document).encode() if as_bytes else document)
    assert bundle.labels == LABELS and bundle.files == {}
    assert_same(records, bundle.images)


@settings(max_examples=15, deadline=None, database=None)
@given(records=images)
def test_zip_round_trip(records: list[ImageRecord]) -> None:
    records = [ImageRecord(im.file_name, im.width % 300 + 1, im.height % 300 + 1, ()) for im in records]
    records = [
        ImageRecord(im.file_name, im.width, im.height, (BoxRecord("car", 0.5, 0.25, 1.125, im.height / 3),))
        for im in records
    ]
    files = {im.file_name: png(im.width, im.height) for im in records}
    bundle = parse_coco_zip(export_coco_zip(records, files, LABELS))
    assert bundle.labels == LABELS and bundle.files == files
    assert_same(records, bundle.images)


def test_shape_of_the_export() -> None:
    image = ImageRecord("a.jpg", 40, 30, (BoxRecord("tree", 1.5, 2, 10, 4), BoxRecord("person", 0, 0, 5, 5)))
    document = export_coco([image, ImageRecord("b.jpg", 8, 8)], LABELS)
    assert document["images"] == [
        {"id": 1, "file_name": "a.jpg", "width": 40, "height": 30},
        {"id": 2, "file_name": "b.jpg", "width": 8, "height": 8},
    ]
    assert document["annotations"][0] == {
        "id": 1,
        "image_id": 1,
        "category_id": 3,
        "bbox": [1.5, 2, 10, 4],
        "area": 40,
        "iscrowd": 0,
        "segmentation": [],
    }
    assert [(c["id"], c["name"]) for c in document["categories"]] == [(1, "person"), (2, "car"), (3, "tree")]


def test_pycocotools_loads_the_export(tmp_path: Path) -> None:
    from pycocotools.coco import COCO

    records = [
        ImageRecord("a.jpg", 40, 30, (BoxRecord("tree", 1.5, 2, 10, 4), BoxRecord("person", 0, 0, 5, 5))),
        ImageRecord("b.jpg", 8, 8),
        ImageRecord("c.jpg", 100, 50, (BoxRecord("car", 10, 20, 30, 25.5),)),
    ]
    path = tmp_path / "annotations.json"
    path.write_text(json.dumps(export_coco(records, LABELS)))
    coco = COCO(str(path))
    assert [c["name"] for c in coco.loadCats(coco.getCatIds())] == LABELS
    by_name = {im["file_name"]: im["id"] for im in coco.loadImgs(coco.getImgIds())}
    for record in records:
        anns = coco.loadAnns(coco.getAnnIds(imgIds=[by_name[record.file_name]]))
        got = [(coco.loadCats(a["category_id"])[0]["name"], *a["bbox"]) for a in anns]
        assert got == [(b.label, b.x, b.y, b.w, b.h) for b in record.boxes]
    assert coco.getAnnIds(catIds=[2]) == [3]


def test_crowd_skipped_score_kept_and_categories_sorted_by_id() -> None:
    document = {
        "images": [{"id": 5, "file_name": "sub/dir/x.png", "width": 10, "height": 10}],
        "annotations": [
            {"id": 1, "image_id": 5, "category_id": 9, "bbox": [1, 1, 2, 2], "iscrowd": 1},
            {"id": 2, "image_id": 5, "category_id": 2, "bbox": [1, 1, 2, 2], "score": 0.75},
        ],
        "categories": [{"id": 9, "name": "zebra"}, {"id": 2, "name": "ant"}],
    }
    bundle = parse_coco(document)
    assert bundle.labels == ["ant", "zebra"]
    assert bundle.images == [ImageRecord("x.png", 10, 10, (BoxRecord("ant", 1, 1, 2, 2, 0.75),))]


GOOD = {
    "images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
    "annotations": [{"id": 7, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]}],
    "categories": [{"id": 1, "name": "person"}],
}


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("annotations", 0, "image_id"), 99, "annotation 7 refers to unknown image 99"),
        (("annotations", 0, "category_id"), 4, "annotation 7 refers to unknown category 4"),
        (("annotations", 0, "bbox"), [1, 2, 3], "annotation 7 needs a bbox of 4 numbers"),
        (("annotations", 0, "bbox"), [1, 2, -3, 4], "annotation 7 has a negative bbox"),
        (("annotations", 0, "id"), "x", "annotation #0 has no integer 'id'"),
        (("images", 0, "width"), None, "image 1 \\(a.jpg\\) needs positive integer width and height"),
        (("images", 0, "file_name"), "", "image 1 has no file_name"),
        (("categories", 0, "name"), None, "category 1 has no name"),
        (("categories",), "oops", "'categories' must be a list"),
    ],
)
def test_refusals(path: tuple, value: object, message: str) -> None:
    document = copy.deepcopy(GOOD)
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(FormatError, match=message):
        parse_coco(document)


def test_refusals_of_whole_files() -> None:
    with pytest.raises(FormatError, match="not valid JSON"):
        parse_coco(b"{nope")
    with pytest.raises(FormatError, match="top level must be an object"):
        parse_coco(b"[]")
    twice = copy.deepcopy(GOOD)
    twice["images"].append({"id": 1, "file_name": "b.jpg", "width": 1, "height": 1})
    with pytest.raises(FormatError, match="image id 1 is used twice"):
        parse_coco(twice)
    with pytest.raises(FormatError, match="image 1: a.jpg is not among the files"):
        parse_coco(GOOD, files={})
    with pytest.raises(FormatError, match="COCO zip: not a zip archive"):
        parse_coco_zip(b"nope")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("images/a.jpg", png(10, 10))
    with pytest.raises(FormatError, match="expected annotations.json or a single .json file"):
        parse_coco_zip(out.getvalue())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("export/_annotations.coco.json", json.dumps(GOOD))
    with pytest.raises(FormatError, match="export/_annotations.coco.json: image 1: a.jpg is not among the files"):
        parse_coco_zip(out.getvalue())
    with pytest.raises(FormatError, match="'cow' is not one of the project's labels"):
        export_coco([ImageRecord("a.jpg", 4, 4, (BoxRecord("cow", 0, 0, 1, 1),))], LABELS)
