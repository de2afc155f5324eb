"""Plain records that the import/export formats read and write, and helpers the format modules share.

The backend converts its ORM rows to these records (and back); nothing here knows about Django.
Boxes are in pixels of the stored image, ``(x, y)`` being the top-left corner.
"""

from __future__ import annotations

import io
import json
import math
import posixpath
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from ai_models.boxes import Box as BoxRecord  # one box type for geometry and formats: pixels, top-left origin
from ai_models.orientation import exif_orientation, shown_size

#: The image bytes of an export: a mapping ``file_name -> bytes`` or a callable that loads one file.
FileSource = Mapping[str, bytes] | Callable[[str], bytes]

#: Extensions read as images inside an archive (others are ignored).
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".bmp")

#: A fixed timestamp for zip members, so that the same export gives the same bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class ImageRecord:
    file_name: str
    width: int
    height: int
    boxes: tuple[BoxRecord, ...] = ()
    predictions: tuple[BoxRecord, ...] = ()
    split: str = "pool"
    subject_ref: str = ""
    item_id: int | None = None
    model_version: int | None = None


@dataclass(frozen=True)
class TextRecord:
    text: str
    label: str | None = None
    split: str = "pool"
    subject_ref: str = ""
    item_id: int | None = None
    predicted: str | None = None
    confidence: float | None = None


@dataclass
class ImportBundle:
    labels: list[str]
    images: list[ImageRecord]
    files: dict[str, bytes] = field(default_factory=dict)  # file_name -> bytes; empty when the format has none


class FormatError(ValueError):
    """A file that cannot be read or written in the format; the message names the file, entry or line."""


# --- helpers shared by the format modules -------------------------------------------------------


def base_name(path: str) -> str:
    """The last segment of a path or URL path, percent-decoded (``a/b%20c.jpg`` -> ``b c.jpg``)."""
    return posixpath.basename(unquote(path).replace("\\", "/"))


def finite_number(value: object) -> bool:
    """A JSON number that a float holds: int or float, not bool, not NaN/inf, not an int beyond any float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int past ~1e308
        return False


def load_json(data: bytes | bytearray | str, what: str) -> object:
    """Parsed JSON; bad JSON, bad UTF-8 and nesting too deep for the decoder are a FormatError naming ``what``."""
    try:
        return json.loads(data)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, an integer of more than 4300 digits
        raise FormatError(f"{what}: not valid JSON ({exc}).") from exc
    except RecursionError as exc:
        raise FormatError(f"{what}: not valid JSON (nested too deeply).") from exc


def load_file(files: FileSource, file_name: str) -> bytes:
    """The bytes of one image from a mapping or a loader; a missing file is a FormatError naming it."""
    try:
        data = files(file_name) if callable(files) else files[file_name]
    except (KeyError, FileNotFoundError) as exc:
        raise FormatError(f"{file_name}: image bytes not available for the export.") from exc
    if not isinstance(data, bytes | bytearray):
        raise FormatError(f"{file_name}: image bytes expected, got {type(data).__name__}.")
    return bytes(data)


def check_export_names(images: list[ImageRecord]) -> None:
    """Archive exports store images flat: names must be safe, plain file names (see formats.names) and unique."""
    from ai_models.formats.names import is_safe_file_name

    seen: set[str] = set()
    for image in images:
        name = image.file_name
        if not is_safe_file_name(name):
            raise FormatError(f"{name!r}: an image file name must be a plain name without folders, percent signs "
                              "or control characters.")
        if name in seen:
            raise FormatError(f"{name}: two images have this file name.")
        seen.add(name)


def check_box_labels(images: list[ImageRecord], labels: list[str]) -> None:
    """Every exported box names one of the project's labels."""
    if len(set(labels)) != len(labels):
        raise FormatError(f"labels: duplicate label names in {labels!r}.")
    known = set(labels)
    for image in images:
        for box in image.boxes + image.predictions:
            if box.label not in known:
                raise FormatError(f"{image.file_name}: box label {box.label!r} is not one of the project's labels.")


def _image_class(data: bytes) -> type | None:
    """The Pillow image class for the leading bytes (PNG, JPEG, WebP, BMP: the backend's formats), if any."""
    import importlib  # scoped: importing the formats stays light (no Pillow until an image is read)

    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        module, name = "PngImagePlugin", "PngImageFile"
    elif data.startswith(b"\xff\xd8\xff"):
        module, name = "JpegImagePlugin", "JpegImageFile"
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        module, name = "WebPImagePlugin", "WebPImageFile"
    elif data.startswith(b"BM"):
        module, name = "BmpImagePlugin", "BmpImageFile"
    else:
        return None
    return getattr(importlib.import_module(f"PIL.{module}"), name)


def image_size(name: str, data: bytes) -> tuple[int, int]:
    """``(width, height)`` as shown: EXIF orientation applied (read from the header, see ai_models.orientation),
    like the backend, which stores the image that way; boxes in an imported file refer to that image.

    The format's Pillow class reads the header directly, not ``PIL.Image.open``: Ultralytics, once
    imported, patches ``Image.open`` to pip-install a HEIF plugin whenever a file is not recognised.
    """
    cls = _image_class(data)
    if cls is None:
        raise FormatError(f"{name}: not a readable image (expected PNG, JPEG, WebP or BMP data).")
    try:
        with cls(io.BytesIO(data)) as probe:
            width, height = shown_size(*probe.size, exif_orientation(probe))
    except (OSError, SyntaxError, ValueError) as exc:
        raise FormatError(f"{name}: not a readable image ({exc}).") from exc
    if width <= 0 or height <= 0:
        raise FormatError(f"{name}: image size {width}x{height} is not positive.")
    return width, height


def zip_add(archive: zipfile.ZipFile, name: str, data: bytes | str, *, compress: bool = True) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def zip_add_dir(archive: zipfile.ZipFile, name: str) -> None:
    info = zipfile.ZipInfo(name.rstrip("/") + "/", date_time=_ZIP_DATE)
    info.external_attr = (0o40755 << 16) | 0x10
    archive.writestr(info, b"")
