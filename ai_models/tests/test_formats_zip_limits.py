"""Zip archives are refused for what they would unpack to before anything is inflated (ai_models.formats.zips)."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile

import pytest
import yaml

from ai_models.formats import FormatError, parse_coco_zip, parse_yolo_zip
from ai_models.formats.zips import ArchiveLimitError, ZipLimits, open_zip, read_capped, zip_read

GiB, MiB = 1024**3, 1024**2
DATA_YAML = yaml.safe_dump({"names": ["cat"]}).encode()
COCO_JSON = b'{"images": [], "annotations": [], "categories": [{"id": 1, "name": "cat"}]}'


def zip_of(members: dict[str, bytes], *, level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """About 1 MB on the wire, a 1 GiB member inside: valid for both YOLO and COCO (data.yaml, annotations.json)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("data.yaml", DATA_YAML)
        archive.writestr("annotations.json", COCO_JSON)
        with archive.open("images/train/big.png", "w") as member:
            chunk = bytes(MiB)
            for _ in range(GiB // MiB):
                member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 2 * MiB
    return data


@pytest.mark.parametrize("parse", [parse_yolo_zip, parse_coco_zip], ids=["yolo", "coco"])
def test_a_one_gib_member_is_refused_quickly_without_inflating(bomb: bytes, parse) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ArchiveLimitError, match="big.png unpacks to 1024.0 MiB"):
            parse(bomb)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 4 * MiB  # the zip itself was allocated before; reading it costs next to nothing


@pytest.mark.parametrize("parse", [parse_yolo_zip, parse_coco_zip], ids=["yolo", "coco"])
def test_a_member_that_lies_about_its_size_is_stopped_while_streaming(bomb: bytes, parse) -> None:
    """The central directory says 1 KiB; the data inflates to 1 GiB: reading stops at the declared size."""
    data = bytearray(bomb)
    entry = data.rfind(b"PK\x01\x02")  # big.png is the last central-directory entry
    assert data[entry + 46 : entry + 46 + 20] == b"images/train/big.png"
    struct.pack_into("<L", data, entry + 24, 1024)  # uncompressed size
    tracemalloc.start()
    try:
        with pytest.raises(FormatError, match="big.png"):
            parse(bytes(data))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * MiB


def test_per_member_total_and_count_limits_are_checked_before_reading() -> None:
    members = {"data.yaml": DATA_YAML, "images/a.png": b"x" * 3000, "images/b.png": b"y" * 3000}
    archive = zip_of(members)
    with pytest.raises(ArchiveLimitError, match=r"images/a.png unpacks to 3000 bytes; at most 2000 bytes per file"):
        parse_yolo_zip(archive, limits=ZipLimits(max_member_bytes=2000))
    with pytest.raises(ArchiveLimitError, match="unpacks to more than 5000 bytes"):
        parse_yolo_zip(archive, limits=ZipLimits(max_total_bytes=5000))
    with pytest.raises(ArchiveLimitError, match="3 entries; at most 2 are accepted"):
        parse_coco_zip(archive, limits=ZipLimits(max_members=2))
    assert open_zip(archive, "ok", ZipLimits(max_member_bytes=3000, max_total_bytes=6100, max_members=3))


def test_a_member_at_zlib_ceiling_ratio_is_a_bomb_but_small_label_files_are_not() -> None:
    zeros = zip_of({"data.yaml": DATA_YAML, "images/flat.bmp": bytes(2 * MiB)}, level=9)
    with pytest.raises(ArchiveLimitError, match=r"flat.bmp is compressed \d+:1, beyond 250:1"):
        open_zip(zeros, "YOLO zip")
    labels = zip_of({"labels/a.txt": b"0 0.5 0.5 0.1 0.1\n" * 20_000})  # ~360 KB, compresses ~1000:1
    assert open_zip(labels, "YOLO zip")


def test_the_running_budget_counts_every_read() -> None:
    archive = open_zip(zip_of({"a.txt": b"a" * 1000}), "zip", ZipLimits(max_total_bytes=1500))
    assert zip_read(archive, "a.txt") == b"a" * 1000
    with pytest.raises(ArchiveLimitError, match="limit for the whole archive"):
        zip_read(archive, "a.txt")  # the second read would take the archive past 1500 bytes


def test_read_capped_stops_at_the_first_byte_over() -> None:
    assert read_capped(io.BytesIO(b"z" * 50), 50, "m", "the limit") == b"z" * 50
    stream = io.BytesIO(b"z" * (10 * MiB))
    with pytest.raises(ArchiveLimitError, match="m: unpacks to more than 100 bytes"):
        read_capped(stream, 100, "m", "the limit")
    assert stream.tell() <= 101


def _overlapping(names: tuple[str, str]) -> bytes:
    """Two central-directory entries whose data is the same bytes (Fifield's non-recursive zip bomb)."""
    data = bytearray(zip_of({names[0]: bytes(1000), names[1]: bytes(1000)}))
    second = data.rfind(b"PK\x01\x02")
    struct.pack_into("<L", data, second + 42, 0)  # local header offset: the first entry's
    return bytes(data)


def test_entries_sharing_their_data_are_refused() -> None:
    with pytest.raises(FormatError, match="overlap"):
        parse_coco_zip(_overlapping(("annotations.json", "images/a.png")))


def test_nested_archives_and_duplicate_names_are_refused() -> None:
    with pytest.raises(FormatError, match="inner.zip is an archive inside the archive"):
        parse_yolo_zip(zip_of({"data.yaml": DATA_YAML, "images/inner.zip": zip_of({"a.png": b"x"})}))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("data.yaml", DATA_YAML)
        archive.writestr("data.yaml", b"names: [dog]")
    with pytest.raises(FormatError, match="data.yaml appears twice"):
        parse_yolo_zip(buffer.getvalue())


@pytest.mark.parametrize("bad", [{"max_members": -1}, {"max_total_bytes": 1.5}, {"max_ratio": 0}])
def test_limits_are_checked(bad: dict) -> None:
    with pytest.raises(ValueError, match="ZipLimits"):
        ZipLimits(**bad)
