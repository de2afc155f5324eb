"""YOLO zip export/import: round trips, the split, data.yaml, and every refusal."""

from __future__ import annotations

import io
import zipfile

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from ai_models.formats import BoxRecord, FormatError, ImageRecord, export_yolo_zip, parse_yolo_zip
from ai_models.formats.yolo import split_images

LABELS = ["cat", "dog", "bird"]


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


@st.composite
def boxes_in(draw: st.DrawFn, width: int, height: int) -> tuple[BoxRecord, ...]:
    """Boxes at least 1 px wide, inside the image (export clips, so outside boxes would not round-trip)."""
    out = []
    for _ in range(draw(st.integers(0, 4))):
        x = draw(st.floats(0, width - 1))
        y = draw(st.floats(0, height - 1))
        w = draw(st.floats(1, width - x)) if width - x > 1 else width - x
        h = draw(st.floats(1, height - y)) if height - y > 1 else height - y
        out.append(BoxRecord(draw(st.sampled_from(LABELS)), x, y, w, h))
    return tuple(out)


@st.composite
def image_sets(draw: st.DrawFn) -> list[ImageRecord]:
    images = []
    for i in range(draw(st.integers(1, 4))):
        # <= 1000 px: 6 normalised decimals keep every coordinate within 1e-3 px
        width, height = draw(st.integers(2, 1000)), draw(st.integers(2, 1000))
        split = draw(st.sampled_from(["pool", "holdout"]))
        images.append(ImageRecord(f"im{i}.png", width, height, draw(boxes_in(width, height)), split=split))
    return images


def assert_same_boxes(expected: tuple[BoxRecord, ...], got: tuple[BoxRecord, ...], tol: float = 1e-3) -> None:
    assert len(expected) == len(got)
    for a, b in zip(expected, got, strict=True):
        assert a.label == b.label
        for k in ("x", "y", "w", "h"):
            assert getattr(b, k) == pytest.approx(getattr(a, k), abs=tol), (k, a, b)


@settings(max_examples=40, deadline=None, database=None)
@given(images=image_sets(), seed=st.integers(0, 1000))
def test_round_trip(images: list[ImageRecord], seed: int) -> None:
    files = {im.file_name: png(im.width, im.height) for im in images}
    bundle = parse_yolo_zip(export_yolo_zip(images, files, LABELS, seed=seed), LABELS)
    assert bundle.labels == LABELS
    got = {im.file_name: im for im in bundle.images}
    assert sorted(got) == sorted(files)
    assert bundle.files == files
    for im in images:
        assert (got[im.file_name].width, got[im.file_name].height) == (im.width, im.height)
        assert_same_boxes(im.boxes, got[im.file_name].boxes)
        if im.split == "holdout":
            assert got[im.file_name].split == "holdout"  # holdout -> val -> holdout


def test_files_may_be_a_loader_and_zip_layout() -> None:
    images = [ImageRecord(f"p{i}.png", 20, 10, (BoxRecord("dog", 5, 2, 10, 4),)) for i in range(10)]
    images.append(ImageRecord("h.png", 20, 10, split="holdout"))
    data = export_yolo_zip(images, lambda name: png(20, 10), LABELS, val_fraction=0.2, seed=1)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert {"images/train/", "images/val/", "labels/train/", "labels/val/"} <= names
    assert "images/val/h.png" in names and "labels/val/h.txt" in names
    assert archive.read("labels/val/h.txt") == b""  # a negative image: empty label file
    assert len([n for n in names if n.startswith("images/val/") and n.endswith(".png")]) == 1 + 2
    line = archive.read(next(n for n in names if n.startswith("labels/train/p"))).decode()
    assert line == "1 0.500000 0.400000 0.500000 0.400000\n"
    assert yaml.safe_load(archive.read("data.yaml")) == {
        "path": ".",
        "train": "images/train",
        "val": "images/val",
        "nc": 3,
        "names": LABELS,
    }
    assert export_yolo_zip(images, lambda name: png(20, 10), LABELS, seed=1) == data  # deterministic bytes


def test_split_is_seeded_and_order_free() -> None:
    images = [ImageRecord(f"{i}.png", 8, 8) for i in range(20)]
    first = split_images(images, 0.25, seed=7)
    assert split_images(list(reversed(images)), 0.25, seed=7) == first
    assert sum(v == "val" for v in first.values()) == 5
    assert split_images(images, 0.25, seed=8) != first
    assert list(split_images(images[:2], 0.0, 1).values()) == ["train", "train"]
    assert sorted(split_images(images[:2], 0.01, 1).values()) == ["train", "val"]  # val never empty
    assert list(split_images(images[:1], 0.9, 1).values()) == ["train"]  # train never empty
    with pytest.raises(ValueError):
        split_images(images, 1.5, 1)


def test_boxes_are_clipped_and_predictions_left_out() -> None:
    image = ImageRecord(
        "a.png", 10, 10, (BoxRecord("cat", -2, 5, 6, 8), BoxRecord("cat", 20, 20, 3, 3)), (BoxRecord("dog", 0, 0, 1, 1),)
    )
    archive = zipfile.ZipFile(io.BytesIO(export_yolo_zip([image], {"a.png": png(10, 10)}, LABELS)))
    assert archive.read("labels/train/a.txt") == b"0 0.200000 0.750000 0.400000 0.500000\n"


def test_names_are_mapped_by_name_not_index() -> None:
    image = ImageRecord("a.png", 10, 10, (BoxRecord("bird", 1, 1, 2, 2), BoxRecord("cat", 3, 3, 2, 2)))
    data = export_yolo_zip([image], {"a.png": png(10, 10)}, ["bird", "cat"])
    bundle = parse_yolo_zip(data, ["cat", "dog", "bird"])
    assert bundle.labels == ["cat", "dog", "bird"]
    assert [b.label for b in bundle.images[0].boxes] == ["bird", "cat"]
    assert parse_yolo_zip(data, None).labels == ["bird", "cat"]


def rezip(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """A copy of a zip with members replaced, added (bytes) or removed (None)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            if name not in changes:
                archive.writestr(name, source.read(name))
        for name, content in changes.items():
            if content is not None:
                archive.writestr(name, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def good_zip() -> bytes:
    image = ImageRecord("a.png", 10, 10, (BoxRecord("cat", 1, 1, 2, 2),))
    return export_yolo_zip([image], {"a.png": png(10, 10)}, LABELS)


def test_roboflow_layout_and_wrapping_folder(good_zip: bytes) -> None:
    source = zipfile.ZipFile(io.BytesIO(good_zip))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("ds/data.yaml", source.read("data.yaml"))
        archive.writestr("ds/valid/images/a.png", source.read("images/train/a.png"))
        archive.writestr("ds/valid/labels/a.txt", source.read("labels/train/a.txt"))
    bundle = parse_yolo_zip(out.getvalue(), None)
    assert [(im.file_name, im.split, len(im.boxes)) for im in bundle.images] == [("a.png", "holdout", 1)]


@pytest.mark.parametrize(
    ("changes", "labels", "message"),
    [
        ({"data.yaml": None}, None, "data.yaml: missing"),
        (
            {"labels/train/a.txt": b"0 0.5 0.5 0.2 0.2\n7 0.5 0.5 0.2 0.2\n"},
            None,
            "labels/train/a.txt line 2: class index 7",
        ),
        ({"labels/train/a.txt": b"0 0.5 0.5 0.2 0.2\n\n0 0.5 0.5\n"}, None, "labels/train/a.txt line 3: expected"),
        ({"labels/train/a.txt": b"0 0.5 x 0.2 0.2\n"}, None, "labels/train/a.txt line 1: not numbers"),
        ({"labels/train/a.txt": b"0 0.5 0.5 1.7 0.2\n"}, None, "labels/train/a.txt line 1: coordinates"),
        ({"labels/val/ghost.txt": b"0 0.5 0.5 0.2 0.2\n"}, None, "labels/val/ghost.txt: label file without an image"),
        ({}, ["cat", "dog"], "data.yaml: classes ['bird'] are not among the project's labels"),
        ({"data.yaml": b"names: [a, b]\nnc: 3\n"}, None, "'nc: 3' does not match"),
        ({"data.yaml": b"names: [a, a]\n"}, None, "duplicate class names"),
        ({"data.yaml": b"names: [a\n"}, None, "data.yaml: not valid YAML"),
        ({"data.yaml": b"train: images/train\n"}, None, "no 'names'"),
        ({"images/train/a.png": b"not a png"}, None, "images/train/a.png: not a readable image"),
        ({"images/val/a.png": b"x", "labels/val/a.txt": b""}, None, "another image in the zip has the file name a.png"),
    ],
)
def test_refusals(good_zip: bytes, changes: dict[str, bytes | None], labels: list[str] | None, message: str) -> None:
    with pytest.raises(FormatError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_yolo_zip(rezip(good_zip, changes), labels)


def test_refuses_non_zip_and_bad_exports() -> None:
    with pytest.raises(FormatError, match="YOLO zip: not a zip archive"):
        parse_yolo_zip(b"PK? not really", None)
    a = ImageRecord("a.png", 10, 10, (BoxRecord("cow", 1, 1, 2, 2),))
    with pytest.raises(FormatError, match="'cow' is not one of the project's labels"):
        export_yolo_zip([a], {"a.png": png(10, 10)}, LABELS)
    with pytest.raises(FormatError, match="b.png: image bytes not available"):
        export_yolo_zip([ImageRecord("b.png", 10, 10)], {}, LABELS)
    with pytest.raises(FormatError, match="same label file name"):
        export_yolo_zip([ImageRecord("c.png", 10, 10), ImageRecord("c.jpg", 10, 10)], {}, LABELS)
    with pytest.raises(FormatError, match="plain name without folders"):
        export_yolo_zip([ImageRecord("../c.png", 10, 10)], {}, LABELS)


def test_names_as_mapping_and_damaged_member(good_zip: bytes) -> None:
    bundle = parse_yolo_zip(rezip(good_zip, {"data.yaml": b"names: {1: dog, 0: cat, 2: bird}\n"}), None)
    assert bundle.labels == ["cat", "dog", "bird"] and bundle.images[0].boxes[0].label == "cat"
    with pytest.raises(FormatError, match="'names' indices must be 0..1"):
        parse_yolo_zip(rezip(good_zip, {"data.yaml": b"names: {0: cat, 2: dog}\n"}), None)
    content = png(10, 10)
    at = good_zip.index(content) + len(content) // 2  # images are stored uncompressed: flip a byte of one
    damaged = good_zip[:at] + bytes([good_zip[at] ^ 0xFF]) + good_zip[at + 1 :]
    with pytest.raises(FormatError, match="images/train/a.png: damaged in the zip"):
        parse_yolo_zip(damaged, None)
