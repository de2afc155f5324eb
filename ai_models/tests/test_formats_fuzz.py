"""Property tests: whatever bytes or structures a format parser gets, it returns records or raises FormatError.

Random bytes, random JSON/YAML structures, documents shaped like the format with random values in every
field, and valid archives with bytes flipped. Nothing else may escape (IndexError, KeyError, UnicodeError,
OverflowError, RecursionError, ...): the backend turns FormatError into a 400 and anything else into a 500.
Derandomized and bounded, so CI runs the same examples every time.
"""

from __future__ import annotations

import contextlib
import io
import json
import tracemalloc
import zipfile

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from ai_models.formats import (
    BoxRecord,
    FormatError,
    ImageRecord,
    export_coco_zip,
    export_yolo_zip,
    parse_coco,
    parse_coco_zip,
    parse_csv,
    parse_jsonl,
    parse_labelstudio,
    parse_yolo_zip,
)
from ai_models.formats.zips import ZipLimits

FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SMALL = ZipLimits(max_total_bytes=2 * 1024 * 1024, max_member_bytes=1024 * 1024, max_members=200)

# Scalars that break careless code: huge ints, non-finite floats, bools, odd strings.
nasty_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from([10**400, -(10**400), 2**63, -1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.sampled_from(["", " ", "1e1", " 5 ", "\x00", "\udfff", "²", "http://[", "-0", "nan"]),
)
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from([10**400, 2**63]), st.floats(allow_nan=False),
    st.text(max_size=20),
)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


def loose(keys: list[str], value: st.SearchStrategy = nasty_scalars) -> st.SearchStrategy[dict]:
    """Objects with some of ``keys`` (each holding anything) and maybe a stray key."""
    return st.fixed_dictionaries({}, optional={k: value for k in keys + ["zzz"]})


def deep(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


def expect_format_error_or_result(parse, *args, **kwargs) -> None:
    with contextlib.suppress(FormatError):  # anything else fails the test
        parse(*args, **kwargs)


# --- CSV and JSONL ---------------------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=400))
def test_csv_and_jsonl_random_bytes(data: bytes) -> None:
    expect_format_error_or_result(parse_csv, data)
    expect_format_error_or_result(parse_jsonl, data)


csv_cells = st.lists(st.sampled_from(list('ab ,"\r\n\x00é\u2028') + ["1e999", "nan", "0.5"]), max_size=8).map("".join)


@FUZZ
@given(st.lists(st.lists(csv_cells, min_size=1, max_size=7), min_size=1, max_size=6),
       st.sampled_from(["text,label,split,subject_ref,predicted,confidence", "text,confidence", "text", "label"]))
def test_csv_shaped(rows: list[list[str]], header: str) -> None:
    body = header + "\r\n" + "\r\n".join(",".join(row) for row in rows)
    expect_format_error_or_result(parse_csv, body.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.lists(st.one_of(loose(["text", "label", "split", "subject_ref", "predicted", "confidence"]), json_values),
                max_size=5))
def test_jsonl_shaped(rows: list) -> None:
    lines = "\n".join(json.dumps(row) for row in rows) + "\n"
    expect_format_error_or_result(parse_jsonl, lines.encode())


def test_deeply_nested_json_is_a_format_error() -> None:
    for parse in (parse_jsonl, parse_coco, lambda d: parse_labelstudio(d, kind="text")):
        expect_format_error_or_result(parse, deep())


# --- Label Studio ----------------------------------------------------------------------------------

ls_value = loose(["x", "y", "width", "height", "rotation", "rectanglelabels", "choices"])
ls_result = st.one_of(
    loose(["type", "original_width", "original_height", "image_rotation", "score", "id"]).map(
        lambda d: {**d, "type": d.get("type", "rectanglelabels")}),
    st.fixed_dictionaries({"type": st.sampled_from(["rectanglelabels", "choices", "labels"]),
                           "original_width": nasty_scalars, "original_height": nasty_scalars,
                           "value": st.one_of(ls_value, st.fixed_dictionaries({
                               "x": nasty_scalars, "y": nasty_scalars, "width": nasty_scalars,
                               "height": nasty_scalars, "rectanglelabels": st.lists(nasty_scalars, max_size=2),
                               "choices": st.lists(nasty_scalars, max_size=2)})),
                           "score": nasty_scalars}),
)
ls_entry = st.fixed_dictionaries({}, optional={"result": st.one_of(st.lists(ls_result, max_size=3), nasty_scalars),
                                               "was_cancelled": nasty_scalars, "updated_at": nasty_scalars,
                                               "created_at": nasty_scalars, "model_version": nasty_scalars,
                                               "score": nasty_scalars})
ls_task = st.one_of(
    json_values,
    st.fixed_dictionaries({"data": st.one_of(loose(["image", "text", "file_name", "split", "subject_ref"]),
                                             nasty_scalars)},
                          optional={"id": nasty_scalars, "annotations": st.one_of(st.lists(ls_entry, max_size=2),
                                                                                  nasty_scalars),
                                    "predictions": st.one_of(st.lists(ls_entry, max_size=2), nasty_scalars),
                                    "completions": st.lists(ls_entry, max_size=1)}),
)


@FUZZ
@given(st.one_of(st.lists(ls_task, max_size=3), json_values), st.sampled_from(["image", "text"]))
def test_labelstudio_shaped(tasks, kind: str) -> None:
    expect_format_error_or_result(parse_labelstudio, tasks, kind=kind)
    expect_format_error_or_result(parse_labelstudio, json.dumps(tasks).encode(), kind=kind)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(["image", "text"]))
def test_labelstudio_random_bytes(data: bytes, kind: str) -> None:
    expect_format_error_or_result(parse_labelstudio, data, kind=kind)


# --- COCO ------------------------------------------------------------------------------------------

coco_doc = st.fixed_dictionaries({}, optional={
    "images": st.one_of(st.lists(loose(["id", "file_name", "width", "height"]), max_size=3), nasty_scalars),
    "annotations": st.one_of(st.lists(st.one_of(
        loose(["id", "image_id", "category_id", "bbox", "score", "iscrowd"]),
        st.fixed_dictionaries({"id": nasty_scalars, "image_id": st.sampled_from([1, 2]), "category_id":
                               st.sampled_from([1, 2]), "bbox": st.lists(nasty_scalars, max_size=5),
                               "score": nasty_scalars, "iscrowd": nasty_scalars})), max_size=3), nasty_scalars),
    "categories": st.one_of(st.lists(loose(["id", "name"]), max_size=3), nasty_scalars),
})
valid_ids = st.fixed_dictionaries({
    "images": st.just([{"id": 1, "file_name": "a.png", "width": 10, "height": 10}]),
    "categories": st.just([{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}]),
    "annotations": st.lists(st.fixed_dictionaries({"id": st.integers(0, 9), "image_id": st.just(1),
                                                   "category_id": st.sampled_from([1, 2]),
                                                   "bbox": st.lists(nasty_scalars, min_size=4, max_size=4),
                                                   "score": nasty_scalars}), max_size=3),
})


@FUZZ
@given(st.one_of(coco_doc, valid_ids, json_values))
def test_coco_shaped(document) -> None:
    expect_format_error_or_result(parse_coco, document)
    expect_format_error_or_result(parse_coco, json.dumps(document).encode())
    expect_format_error_or_result(parse_coco, document, {"a.png": png(10, 10), "b.png": b"not an image"})


@FUZZ
@given(st.binary(max_size=300))
def test_coco_random_bytes(data: bytes) -> None:
    expect_format_error_or_result(parse_coco, data)


# --- zips (YOLO, COCO) -----------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 20, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


IMAGE_HEADS = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF\x00\x00\x00\x00WEBP", b"BM"]
member_names = st.one_of(
    st.sampled_from(["data.yaml", "sub/data.yml", "annotations.json", "x.json", "images/train/a.png",
                     "images/val/b.jpg", "labels/train/a.txt", "labels/val/b.txt", "images/a.bmp",
                     "__MACOSX/images/a.png", "images/", "a/images/b/images/c.webp", "labels/orphan.txt"]),
    st.lists(st.sampled_from(list("ab/._\\") + ["images", "labels", ".png", ".txt"]), min_size=1, max_size=8).map(
        "".join),
)
yaml_docs = st.one_of(
    st.fixed_dictionaries({"names": st.one_of(st.lists(nasty_scalars, max_size=3), st.dictionaries(
        nasty_scalars, nasty_scalars, max_size=3), nasty_scalars)}, optional={"nc": nasty_scalars}).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True).encode("utf-8", "surrogatepass")),
    st.sampled_from([b"names: [a, b]\nnc: 2\n", b"names: {0: a, .inf: b}\n", b"names: [2001-13-45]\n",
                     b"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\nnames: [*d]\n",
                     b"names: " + b"[" * 5000 + b"]" * 5000, b"names: !!python/object:os.system x\n",
                     b"\xff\xfe", b"names: [cat]\nnc: .nan\n"]),
    st.binary(max_size=60),
)
label_lines = st.lists(st.one_of(
    st.lists(nasty_scalars.map(str), min_size=5, max_size=5).map(" ".join),
    st.sampled_from(["0 0.5 0.5 0.2 0.2", "1 0.5 0.5 1e999 0.1", "0 nan 0.5 0.1 0.1", "９ 0.5 0.5 .1 .1", "0"]),
), max_size=4).map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass"))
member_data = st.one_of(st.binary(max_size=64), label_lines, yaml_docs, st.sampled_from(IMAGE_HEADS).flatmap(
    lambda head: st.binary(max_size=64).map(lambda tail: head + tail)), st.just(png(4, 3)),
    st.builds(lambda d: json.dumps(d).encode(), st.one_of(coco_doc, valid_ids)))


@st.composite
def zips(draw: st.DrawFn) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in draw(st.lists(member_names, max_size=6, unique=True)):
            info = zipfile.ZipInfo(name)
            info.compress_type = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
            archive.writestr(info, draw(member_data))
    return buffer.getvalue()


@FUZZ
@given(zips())
def test_zip_shaped(data: bytes) -> None:
    expect_format_error_or_result(parse_yolo_zip, data, limits=SMALL)
    expect_format_error_or_result(parse_yolo_zip, data, ["a", "cat"], limits=SMALL)
    expect_format_error_or_result(parse_coco_zip, data, limits=SMALL)


def _fixed_time(data: bytes) -> bytes:
    """The archive repacked with one timestamp: the exporters stamp the current time, and a derandomized
    search only finds the same examples everywhere (CI included) when it mutates the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            target.writestr(fixed, source.read(info))
    return buffer.getvalue()


def _valid_archives() -> list[bytes]:
    images = [ImageRecord("a.png", 8, 6, (BoxRecord("cat", 1, 1, 3, 3),)), ImageRecord("b.png", 8, 6, split="holdout")]
    files = {"a.png": png(8, 6), "b.png": png(8, 6)}
    return [_fixed_time(export_yolo_zip(images, files, ["cat"])), _fixed_time(export_coco_zip(images, files, ["cat"]))]


VALID = _valid_archives()


@FUZZ
@given(st.sampled_from([0, 1]), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
       st.one_of(st.none(), st.integers(0, 10**6)))
def test_damaged_archives(which: int, flips: list[tuple[int, int]], cut: int | None) -> None:
    data = bytearray(VALID[which])
    for at, value in flips:
        data[at % len(data)] = value
    data = data[: cut % len(data)] if cut is not None else data
    parse = parse_yolo_zip if which == 0 else parse_coco_zip
    expect_format_error_or_result(parse, bytes(data), limits=SMALL)


@FUZZ
@given(st.binary(max_size=300))
def test_zip_random_bytes(data: bytes) -> None:
    expect_format_error_or_result(parse_yolo_zip, b"PK\x03\x04" + data)
    expect_format_error_or_result(parse_coco_zip, data)


# --- what the fuzzing found, kept as plain regression cases -----------------------------------------


def _zip_with(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def _central_directory_after(data: bytes, shift: int) -> bytes:
    """The archive whose end record says its central directory starts `shift` bytes later than it does:
    zipfile still finds the directory but computes every entry's local header `shift` bytes too early."""
    offset = int.from_bytes(data[-6:-2], "little") + shift
    return data[:-6] + offset.to_bytes(4, "little") + data[-2:]


def _needs_version(data: bytes, version: int) -> bytes:
    """The archive with its first central-directory entry asking for a newer zip version to extract."""
    entry = data.find(b"PK\x01\x02")
    return data[: entry + 6] + bytes([version, 0]) + data[entry + 8 :]


LAUGHS = b"a: &a [x, x, x, x, x, x, x, x, x, x]\n" + b"".join(
    b"%c: &%c [%s]\n" % (98 + i, 98 + i, b", ".join([b"*%c" % (97 + i)] * 10)) for i in range(7)) + b"names: [*h]\n"


@pytest.mark.parametrize("parse,data", [
    (parse_coco, {"images": [{"id": 1, "file_name": "a.png", "width": 10, "height": 10}],
                  "categories": [{"id": 1, "name": "c"}],
                  "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [10**400, 0, 1, 1]}]}),
    (parse_coco, deep()), (parse_jsonl, deep()), (parse_jsonl, b'{"text": "a", "confidence": 1' + b"0" * 400 + b"}"),
    (parse_jsonl, b'{"text": "a", "confidence": ' + b"9" * 5000 + b"}"), (parse_coco, b"[" + b"9" * 5000 + b"]"),
    (parse_yolo_zip, _zip_with("data.yaml", b"names: {0: a, .inf: b}\n")),
    (parse_yolo_zip, _zip_with("data.yaml", b"names: [2001-13-45]\n")),
    (parse_yolo_zip, _zip_with("data.yaml", b"names: " + b"[" * 5000 + b"]" * 5000)),
    (parse_yolo_zip, _zip_with("data.yaml", LAUGHS)),
    (parse_coco_zip, _needs_version(VALID[1], 64)),  # "zip file version 6.4": NotImplementedError
    (parse_coco_zip, _central_directory_after(VALID[1], 65536)),  # a negative seek: ValueError (found in CI)
    (lambda d: parse_labelstudio(d, kind="image"), [{"data": {"image": "http://[x/a.png"}}]),
    (lambda d: parse_labelstudio(d, kind="image"), [{"data": {"image": "a.png"},
                                                     "predictions": [{"model_version": "²", "result": []}]}]),
])
def test_found_by_fuzzing(parse, data) -> None:
    tracemalloc.start()
    try:
        expect_format_error_or_result(parse, data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024  # the aliased YAML names once became a 500 MB label name
