"""Image validation and storage: only real, complete, reasonably sized images reach object storage.

Refusals are 4xx with the file named: not an image of a supported type (only the JPEG, PNG, WebP and BMP
decoders ever run on uploaded bytes), truncated data, too many
bytes (IMAGE_MAX_BYTES, 413) or too many pixels (IMAGE_MAX_PIXELS: decompression bombs, 413).
The file name is made safe once, here (ai_models.formats.names: one plain segment, no `%`, the extension
of the real format). An EXIF orientation is applied on ingest: the stored bytes, width and height are those
of the image as shown (see ai_models.orientation), so boxes drawn on what a browser shows fit the stored image.
"""
import contextlib
import hashlib
import io
import secrets
import struct
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ai_models.formats.names import safe_file_name
from ai_models.orientation import ORIENTATION_TAG, exif_orientation, shown_size
from apps.core.exceptions import ApplicationError

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "BMP": "image/bmp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "BMP": "bmp"}
# Pillow reports a JPEG with a multi-picture extension (many phone photos) as MPO; it is a JPEG to everyone else.
ALIASES = {"MPO": "JPEG"}
# Only these decoders ever see uploaded bytes: Image.open(formats=...) never tries TIFF, PSD, EPS, ... plugins.
PILLOW_FORMATS = [*FORMATS]


@dataclass(frozen=True)
class CheckedImage:
    file_name: str
    data: bytes
    sha256: str
    width: int
    height: int
    content_type: str
    extension: str


def _pillow_open():
    """Pillow's own Image.open. Importing ultralytics replaces it with a wrapper that, on an unidentified file,
    tries to pip-install a HEIF plugin: never acceptable while validating an upload."""
    from PIL import Image

    patches = sys.modules.get("ultralytics.utils.patches")
    if patches is not None and Image.open is getattr(patches, "image_open", None):
        return patches._image_open
    return Image.open


def image_check(*, file_name: str, data: bytes) -> CheckedImage:
    from PIL import Image, UnidentifiedImageError

    pillow_open = _pillow_open()
    if len(data) > settings.IMAGE_MAX_BYTES:
        raise ApplicationError(f"{file_name}: {len(data)} bytes is over the {settings.IMAGE_MAX_BYTES} byte limit.",
                               status=413)
    if not data:
        raise ApplicationError(f"{file_name}: empty file.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with pillow_open(io.BytesIO(data), formats=PILLOW_FORMATS) as probe:  # lazy: reads the header only
                fmt, (width, height) = ALIASES.get(probe.format, probe.format), probe.size
                if width * height > settings.IMAGE_MAX_PIXELS:
                    raise ApplicationError(f"{file_name}: {width}x{height} pixels is over the "
                                           f"{settings.IMAGE_MAX_PIXELS} pixel limit.", status=413)
                probe.verify()
            with pillow_open(io.BytesIO(data), formats=PILLOW_FORMATS) as full:
                full.load()  # decodes every pixel: truncated files fail here
                orientation = exif_orientation(full)
                if orientation != 1:
                    data, (width, height) = _upright(full, fmt, orientation), shown_size(width, height, orientation)
    except ApplicationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ApplicationError(f"{file_name}: too many pixels (decompression bomb guard).", status=413) from exc
    except UnidentifiedImageError as exc:
        raise ApplicationError(f"{file_name}: not an image of a supported type ({', '.join(FORMATS)}).") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ApplicationError(f"{file_name}: damaged or truncated image ({exc}).") from exc
    if fmt not in FORMATS:
        raise ApplicationError(f"{file_name}: {fmt} images are not supported; use {', '.join(FORMATS)}.")
    return CheckedImage(file_name=safe_file_name(file_name, EXTENSIONS[fmt]), data=data,
                        sha256=hashlib.sha256(data).hexdigest(), width=width, height=height,
                        content_type=FORMATS[fmt], extension=EXTENSIONS[fmt])


def _upright(image, fmt: str, orientation: int) -> bytes:
    """The image as shown (EXIF `orientation` applied), re-encoded in its own format without the orientation tag:
    what browsers, annotation tools and the model see, so boxes, size and pixels agree everywhere after ingest."""
    from PIL.Image import Transpose

    turn = {2: Transpose.FLIP_LEFT_RIGHT, 3: Transpose.ROTATE_180, 4: Transpose.FLIP_TOP_BOTTOM,
            5: Transpose.TRANSPOSE, 6: Transpose.ROTATE_270, 7: Transpose.TRANSVERSE, 8: Transpose.ROTATE_90}
    upright = image.transpose(turn[orientation])  # as ImageOps.exif_transpose, which fails on unwritable EXIF
    options: dict = {}
    try:
        exif = image.getexif()
        exif.pop(ORIENTATION_TAG, None)
        options["exif"] = exif.tobytes()
    except (struct.error, TypeError, ValueError, KeyError, OSError):
        pass  # EXIF that cannot be written back is dropped, not the image
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]
    if fmt in ("JPEG", "WEBP"):
        options["quality"] = 95  # one lossy re-encode, once, on ingest
    buffer = io.BytesIO()
    upright.save(buffer, fmt, **options)
    return buffer.getvalue()


def image_store(*, project_slug: str, image: CheckedImage) -> tuple[str, bool]:
    """Write the bytes under a content-addressed key; returns (the key used, whether this call wrote it)."""
    key = f"projects/{project_slug}/images/{image.sha256[:2]}/{image.sha256}.{image.extension}"
    if default_storage.exists(key):
        return key, False
    return default_storage.save(key, ContentFile(image.data)), True


SEALED_FOLDER = "sealed"


def image_store_sealed(*, project_slug: str, image: CheckedImage, subject_ref: str) -> str:
    """Write the bytes sealed under the subject's key (apps.privacy.sealing) under a key of their own: never shared
    with another item, so erasing one never deletes another's object. Returns the key."""
    from apps.privacy.sealing import seal_bytes

    name = f"{image.sha256}-{secrets.token_hex(8)}.{image.extension}"
    key = f"projects/{project_slug}/{SEALED_FOLDER}/{image.sha256[:2]}/{name}"
    return default_storage.save(key, ContentFile(seal_bytes(image.data, subject_ref)))


def image_is_sealed(key: str) -> bool:
    parts = key.split("/")
    return len(parts) > 2 and parts[0] == "projects" and parts[2] == SEALED_FOLDER


def image_open(key: str):
    """A binary file of the image's plain bytes (a sealed one is opened in memory: it never lands on disk here)."""
    if image_is_sealed(key):
        from apps.privacy.sealing import open_bytes

        with default_storage.open(key, "rb") as handle:
            return io.BytesIO(open_bytes(handle.read()))
    return default_storage.open(key, "rb")


def image_local_path(key: str) -> Path | None:
    """The stored image's own file when object storage is a local folder (readers may use it in place), else None;
    None for a sealed image too (its file holds ciphertext: readers go through image_open)."""
    if image_is_sealed(key):
        return None
    try:
        return Path(default_storage.path(key))
    except NotImplementedError:  # S3 and other remote storages have no local path
        return None


def image_delete_quietly(keys: list[str]) -> None:
    """Best-effort clean-up of objects written for a request that was then refused."""
    for key in keys:
        with contextlib.suppress(Exception):  # clean-up must not hide the original error
            default_storage.delete(key)
