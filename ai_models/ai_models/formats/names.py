"""Safe image file names: what a name from an upload, a zip member or a COCO file becomes on ingest and in exports.

A safe name is one path segment: no separators (``/`` or ``\\``), no ``..``, no control or format characters,
no ``%`` (so nothing percent-decodes into a path later), a stem of at most :data:`MAX_STEM` characters and an
extension that matches the image's real format. Exports prefix it with the item id, which makes archive
names unique by construction. Nothing here reads files or knows about Django.
"""

from __future__ import annotations

import re
import unicodedata

MAX_STEM = 100
#: Extensions accepted as they are for each stored format (anything else gets the canonical one).
EXTENSION_ALIASES = {"jpg": ("jpg", "jpeg", "jpe"), "png": ("png",), "webp": ("webp",), "bmp": ("bmp", "dib")}
_ALLOWED_PUNCTUATION = frozenset(" -_.()+,=@[]")
_UNDERSCORES = re.compile(r"_{2,}")


def _safe_char(char: str) -> str:
    if char in _ALLOWED_PUNCTUATION:
        return char
    if unicodedata.category(char)[0] in "LN":  # letters and digits of any script
        return char
    return "_"


def safe_stem(stem: str) -> str:
    """``stem`` reduced to letters, digits and harmless punctuation; never empty, never dots only."""
    cleaned = "".join(_safe_char(c) for c in unicodedata.normalize("NFC", stem))
    cleaned = _UNDERSCORES.sub("_", cleaned).strip(" ._")[:MAX_STEM].rstrip(" .")
    return cleaned or "image"


def safe_file_name(name: str, extension: str) -> str:
    """The safe name of an image called ``name`` whose real format's canonical extension is ``extension``.

    Only the last path segment counts (``a/b.png`` and ``a\\b.png`` -> ``b.png``); the original extension is
    kept when it names the same format (``.JPEG`` -> ``.jpeg``), replaced when it names another image format
    (``x.png`` holding a JPEG -> ``x.jpg``), and otherwise kept in the stem (``scan.v2`` -> ``scan.v2.jpg``).
    """
    last = re.split(r"[/\\]", name or "")[-1]
    stem, dot, suffix = last.rpartition(".")
    suffix = suffix.lower()
    if not dot:
        stem, suffix = last, ""
    if suffix not in EXTENSION_ALIASES.get(extension, (extension,)):
        if not any(suffix in aliases for aliases in EXTENSION_ALIASES.values()):
            stem = last
        suffix = extension
    return f"{safe_stem(stem)}.{suffix}"


def is_safe_file_name(name: str) -> bool:
    """Whether ``name`` is a plain, safe name with an extension (any length), as archive exports require."""
    stem, dot, suffix = name.rpartition(".")
    return (bool(dot) and bool(stem) and all(_safe_char(c) == c for c in stem) and stem.strip(" ._") == stem
            and suffix.isascii() and suffix.isalnum())
