"""Byte search for the erasure tests: every value of every table, every object of a bucket, every file of a folder,
with gzip, tar and zip contents opened (a compressed copy would otherwise hide what it holds)."""
import contextlib
import gzip
import io
import json
import tarfile
import zipfile
from pathlib import Path

from django.db import connection


def expanded(data: bytes, depth: int = 0) -> bytes:
    """`data` plus the contents of what it packs (gzip, tar, zip), recursively."""
    if depth > 3:
        return data
    parts = [data]
    if data[:2] == b"\x1f\x8b":
        with contextlib.suppress(OSError, EOFError):
            parts.append(expanded(gzip.decompress(data), depth + 1))
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                parts.extend(expanded(archive.read(n), depth + 1) for n in archive.namelist())
        except zipfile.BadZipFile:
            pass
    if len(data) > 512 and data[257:262] == b"ustar":
        try:
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                parts.extend(expanded(tar.extractfile(m).read(), depth + 1) for m in tar.getmembers() if m.isfile())
        except tarfile.TarError:
            pass
    return b"\x00".join(parts)


def _as_bytes(value) -> bytes:
    if value is None:
        return b""
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).encode()
    return str(value).encode()


def database_hits(needles: dict[str, bytes]) -> list[str]:
    """`table.column: needle name` for every value of every table holding a needle (this connection: it sees the
    test's uncommitted rows, which a pg_dump from another connection would not)."""
    hits = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {quote(table)}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    data = _as_bytes(value)
                    hits += [f"{table}.{column}: {name}" for name, needle in needles.items() if needle in data]
    return hits


def bucket_hits(server, needles: dict[str, bytes]) -> list[str]:
    client = server.client()
    hits = []
    for key in server.keys():  # noqa: SIM118 - MotoServer.keys() lists the bucket, not a dict
        data = expanded(client.get_object(Bucket=server.bucket, Key=key)["Body"].read())
        hits += [f"{key}: {name}" for name, needle in needles.items() if needle in data]
    return hits


def folder_hits(root: Path, needles: dict[str, bytes]) -> list[str]:
    hits = []
    for path in sorted(p for p in Path(root).rglob("*") if p.is_file() and not p.is_symlink()):
        data = expanded(path.read_bytes())
        hits += [f"{path}: {name}" for name, needle in needles.items() if needle in data]
    return hits
