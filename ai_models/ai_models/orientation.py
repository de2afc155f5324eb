"""EXIF orientation, read from an image's header without decoding a pixel.

The platform's convention: an image's size and its boxes are those of the image *as shown* — EXIF
orientation applied, as browsers, annotation tools (Label Studio, CVAT) and Ultralytics' loaders show
it. The backend applies the orientation on ingest and stores the transposed pixels without the tag, so
stored images carry no orientation; these helpers let the format readers and the training data check
see an orientation the same way the backend does. This module must not decode pixels (bombs).
"""

from __future__ import annotations

import struct
from typing import Any, BinaryIO

ORIENTATION_TAG = 0x0112
#: Orientations that swap width and height (rotated by 90 or 270 degrees, with or without a mirror).
SWAPS_SIZE = frozenset({5, 6, 7, 8})
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_MAX_CHUNKS = 10_000  # bounds the walk over a hostile file's chunk list


def _png_exif(fp: BinaryIO) -> bytes | None:
    """The ``eXIf`` chunk of a PNG wherever it lies (Pillow only sees it before ``IDAT`` without decoding)."""
    position = fp.tell()
    try:
        fp.seek(0)
        if fp.read(8) != _PNG_SIGNATURE:
            return None
        for _ in range(_PNG_MAX_CHUNKS):
            header = fp.read(8)
            if len(header) < 8:
                return None
            length, kind = struct.unpack(">I4s", header)
            if kind == b"eXIf":
                return fp.read(length)
            if kind == b"IEND":
                return None
            fp.seek(length + 4, 1)  # data and CRC
        return None
    finally:
        fp.seek(position)


def exif_orientation(image: Any) -> int:
    """The EXIF orientation (1..8) of an opened Pillow image; 1 when it has none or an invalid one."""
    from PIL import Image

    raw = image.info.get("exif")
    if raw is None and image.format == "PNG" and getattr(image, "fp", None) is not None:
        raw = _png_exif(image.fp)
    if not raw:
        return 1
    exif = Image.Exif()
    try:
        exif.load(raw)
        value = exif.get(ORIENTATION_TAG, 1)
    except (OSError, SyntaxError, ValueError, struct.error, TypeError, KeyError):
        return 1  # unreadable EXIF: nobody can apply it, so the image is shown as stored
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def shown_size(width: int, height: int, orientation: int) -> tuple[int, int]:
    """``(width, height)`` of the image as shown, once ``orientation`` is applied."""
    return (height, width) if orientation in SWAPS_SIZE else (width, height)
