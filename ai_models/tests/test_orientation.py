"""EXIF orientation read from the header: the size an image is shown at, which the formats' readers and the
training data check use, like the backend that stores images upright."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image

from ai_models.formats.records import image_size
from ai_models.orientation import exif_orientation, shown_size


def oriented(fmt: str, orientation: int, size: tuple[int, int] = (96, 64)) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def png_with_late_exif(orientation: int) -> bytes:
    """A PNG whose eXIf chunk comes after the image data (allowed; Pillow only sees it after decoding)."""
    data = oriented("PNG", orientation)
    start = data.index(b"eXIf") - 4
    (length,) = struct.unpack(">I", data[start : start + 4])
    chunk, rest = data[start : start + 12 + length], data[:start] + data[start + 12 + length :]
    end = rest.index(b"IEND") - 4
    return rest[:end] + chunk + rest[end:]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize(("orientation", "expected"), [(1, (96, 64)), (3, (96, 64)), (6, (64, 96)), (8, (64, 96)),
                                                       (5, (64, 96))])
def test_image_size_is_the_size_as_shown(fmt, orientation, expected):
    assert image_size("x", oriented(fmt, orientation)) == expected


def test_late_png_exif_is_found_without_decoding():
    data = png_with_late_exif(6)
    with Image.open(io.BytesIO(data)) as probe:
        assert "exif" not in probe.info  # Pillow has not seen it
        assert exif_orientation(probe) == 6
    assert image_size("late.png", data) == (64, 96)


def test_no_or_invalid_orientation_is_as_stored():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 20)).save(buffer, "JPEG")
    with Image.open(buffer) as probe:
        assert exif_orientation(probe) == 1
    with Image.open(io.BytesIO(oriented("JPEG", 9))) as probe:
        assert exif_orientation(probe) == 1
    assert shown_size(10, 20, 1) == (10, 20)
