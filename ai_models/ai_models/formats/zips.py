"""Reading zip archives that strangers send, without letting a small archive become a large one in memory.

An archive is checked as a whole before any member is read (:func:`open_zip`): the number of
entries, each member's declared uncompressed size, their total, the compression ratio of large
members, entries that share their compressed data (the overlapping-entry bomb), duplicate names
and archives inside the archive. Members are then read in chunks (:func:`zip_read`), counting the
bytes that actually come out, and reading stops as soon as a limit is passed; nothing is inflated
before it is counted. Every refusal is a :class:`~ai_models.formats.records.FormatError`; those for what
the archive would unpack to are the subclass :class:`ArchiveLimitError`.

Limits are parameters (:class:`ZipLimits`) with defaults fit for a laptop; callers pass their own.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from ai_models.formats.records import FormatError

MiB = 1024 * 1024
_CHUNK = 64 * 1024
#: Member extensions that are archives themselves: never read, and refused so nothing is silently skipped.
NESTED_ARCHIVES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar", ".zst", ".lz4")
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's sizeFileHeader (30 bytes)


@dataclass(frozen=True)
class ZipLimits:
    """What one archive may hold once unpacked.

    ``max_ratio`` applies to members whose declared size is above ``ratio_floor_bytes``: small
    members compress well legitimately (label files), large ones at zlib's ceiling (~1030:1) are bombs.
    """

    max_total_bytes: int = 1024 * MiB
    max_member_bytes: int = 64 * MiB
    max_members: int = 20_000
    max_ratio: float = 250.0
    ratio_floor_bytes: int = 1 * MiB

    def __post_init__(self) -> None:
        for name in ("max_total_bytes", "max_member_bytes", "max_members", "ratio_floor_bytes"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 0:
                raise ValueError(f"ZipLimits.{name} must be a non-negative integer.")
        if not self.max_ratio > 0:
            raise ValueError("ZipLimits.max_ratio must be positive.")


DEFAULT_LIMITS = ZipLimits()


class ArchiveLimitError(FormatError):
    """An archive refused for what it would unpack to (sizes, entry count, compression ratio)."""


class LimitedZip(zipfile.ZipFile):
    """A checked archive and the budget of bytes its reads may still inflate."""

    limits: ZipLimits
    inflated: int


def _mib(n: int) -> str:
    return f"{n / MiB:.1f} MiB" if n >= MiB else f"{n} bytes"


def _check_overlaps(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], size: int, what: str) -> None:
    """Each entry's compressed data lies in its own span of the file: an entry whose local header sits
    inside another's data reuses it (a few KB inflating to gigabytes across thousands of names)."""
    spans = []
    for info in infos:
        start = info.header_offset
        if not 0 <= start < size:  # a damaged central directory can point before the file (a negative seek)
            raise FormatError(f"{what}: {info.filename}: its local header lies outside the archive.")
        archive.fp.seek(start)
        header = archive.fp.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size or header[:4] != zipfile.stringFileHeader:
            raise FormatError(f"{what}: {info.filename}: bad local header (a damaged or crafted archive).")
        fields = _LOCAL_HEADER.unpack(header)
        end = start + _LOCAL_HEADER.size + fields[10] + fields[11] + info.compress_size
        if end > size:
            raise FormatError(f"{what}: {info.filename}: its data runs past the end of the archive.")
        spans.append((start, end, info.filename))
    spans.sort()
    for (_, end, name), (start, _, other) in zip(spans, spans[1:], strict=False):
        if start < end:
            raise FormatError(f"{what}: entries {name} and {other} overlap (a zip bomb); refused.")


def open_zip(data: bytes, what: str, limits: ZipLimits | None = None) -> LimitedZip:
    """The archive in ``data``, refused (FormatError) unless it fits ``limits`` by what it declares."""
    limits = limits or DEFAULT_LIMITS
    if not isinstance(data, bytes | bytearray):
        raise FormatError(f"{what}: bytes of a zip archive expected, got {type(data).__name__}.")
    try:
        archive = LimitedZip(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError) as exc:
        raise FormatError(f"{what}: not a zip archive ({exc}).") from exc
    archive.limits, archive.inflated = limits, 0
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise ArchiveLimitError(f"{what}: {len(infos)} entries; at most {limits.max_members} are accepted.")
    names: set[str] = set()
    total = 0
    for info in infos:
        if info.filename in names:
            raise FormatError(f"{what}: the name {info.filename} appears twice in the archive.")
        names.add(info.filename)
        if info.is_dir():
            continue
        if info.filename.lower().endswith(NESTED_ARCHIVES):
            raise FormatError(f"{what}: {info.filename} is an archive inside the archive; unpack it first.")
        if info.file_size > limits.max_member_bytes:
            raise ArchiveLimitError(f"{what}: {info.filename} unpacks to {_mib(info.file_size)}; "
                                    f"at most {_mib(limits.max_member_bytes)} per file.")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveLimitError(f"{what}: unpacks to more than {_mib(limits.max_total_bytes)}; refused.")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise ArchiveLimitError(f"{what}: {info.filename} is compressed {ratio:.0f}:1, "
                                    f"beyond {limits.max_ratio:g}:1 (a zip bomb); refused.")
    _check_overlaps(archive, [i for i in infos if not i.is_dir()], len(data), what)
    return archive


def zip_members(archive: zipfile.ZipFile) -> list[str]:
    """File members, without folders and OS clutter (``__MACOSX/``, ``.DS_Store``, ``Thumbs.db``)."""
    names = []
    for info in archive.infolist():
        name = info.filename
        parts = name.split("/")
        if info.is_dir() or "__MACOSX" in parts or parts[-1] in {".DS_Store", "Thumbs.db"}:
            continue
        names.append(name)
    return names


def read_capped(stream: io.RawIOBase | io.BufferedIOBase, cap: int, name: str, what: str) -> bytes:
    """All of ``stream`` in chunks; FormatError as soon as more than ``cap`` bytes have come out."""
    chunks, count = [], 0
    while chunk := stream.read(min(_CHUNK, cap - count + 1)):
        count += len(chunk)
        if count > cap:
            raise ArchiveLimitError(f"{name}: unpacks to more than {_mib(cap)} ({what}); refused.")
        chunks.append(chunk)
    return b"".join(chunks)


def zip_read(archive: zipfile.ZipFile, member: str) -> bytes:
    """One member's bytes, read in chunks within the archive's remaining budget; a damaged member (bad CRC,
    bad compressed data) or one that inflates past a limit is a FormatError naming it."""
    limits = getattr(archive, "limits", DEFAULT_LIMITS)
    inflated = getattr(archive, "inflated", 0)
    left = limits.max_total_bytes - inflated
    cap, what = (limits.max_member_bytes, "the per-file limit") if limits.max_member_bytes <= left else (
        left, f"the {_mib(limits.max_total_bytes)} limit for the whole archive")
    try:
        with archive.open(member) as stream:
            data = read_capped(stream, cap, member, what)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, KeyError) as exc:
        raise FormatError(f"{member}: damaged in the zip ({exc}).") from exc
    if isinstance(archive, LimitedZip):
        archive.inflated = inflated + len(data)
    return data
