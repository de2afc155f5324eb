"""Memory ceiling: the worst inputs keep a real gunicorn worker's peak memory under a stated bound.

One gunicorn worker serves the test database. After a warm-up (a valid upload and a valid zip import, so that
every module is loaded), its peak resident memory (VmHWM, reset through /proc/<pid>/clear_refs) is measured
while it receives: an image decompression bomb, a large TIFF, an oversize multipart of many files, an oversize
single file (with a Content-Length, and chunked without one), and zip bombs to the YOLO and COCO imports.
Every answer must be a 4xx, and the peak must grow by less than MEMORY_CEILING_MB. Requests are sent on a raw
socket that stops sending as soon as the server answers, as a client does when the server refuses a body early.
"""
import io
import json
import select
import socket
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.db import connection
from PIL import Image

from apps.accounts.tokens import token_create
from apps.core.tests.fixtures import make_user
from apps.core.tests.images import png
from apps.projects.services import project_create

from .live import free_port, http_ok, start, stop, wait_for

pytestmark = pytest.mark.live
MEMORY_CEILING_MB = 100
MiB = 1024 * 1024
BOUNDARY = "hitl-memory-ceiling"


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.close()


@pytest.fixture(scope="module")
def server(committed, test_tmp):
    engineer = make_user("mem-eng", "ml_engineer")
    project_create(slug="mem-ceiling", name="Memory", task="object_detection", labels=["a", "b"], creator=engineer)
    port, log = free_port(), test_tmp / "gunicorn-memory.log"
    process = start(["gunicorn", "config.asgi:application", "-k", "uvicorn_worker.UvicornWorker",
                     "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120"], log)
    try:
        wait_for(lambda: http_ok(f"http://127.0.0.1:{port}/healthz"), timeout=60, what="gunicorn", log=log)
        workers = wait_for(lambda: _children(process.pid), timeout=30, what="the gunicorn worker", log=log)
        assert len(workers) == 1
        yield {"port": port, "master": process.pid, "worker": workers[0], "token": token_create(user=engineer)}
    finally:
        stop(process)


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


def _multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, bytes]:
    """(the parts before the last file's bytes, the closing bytes): files are sent as head + data + tail."""
    out = b""
    for name, value in fields.items():
        out += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    for field, file_name, data in files:
        out += (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{file_name}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    return out, f"--{BOUNDARY}--\r\n".encode()


def _post(port: int, path: str, token: str, body_parts, length: int | None, *,
          timeout: float = 120) -> tuple[int, dict]:
    """POST a multipart body of `length` bytes given as an iterable of chunks (None: chunked transfer encoding, the
    parts being the chunks); stop sending once the server answers."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    if length is None:
        body_parts = [b"%x\r\n%s\r\n" % (len(part), part) for part in body_parts] + [b"0\r\n\r\n"]
    with sock:
        sock.sendall((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {token}\r\n"
                      f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n{framing}\r\n"
                      "Connection: close\r\n\r\n").encode())
        for part in body_parts:
            for offset in range(0, len(part), 64 * 1024):
                if select.select([sock], [], [], 0)[0]:
                    break  # answered before reading everything
                try:
                    sock.sendall(part[offset:offset + 64 * 1024])
                except (BrokenPipeError, ConnectionResetError, TimeoutError):
                    break
            else:
                continue
            break
        response = b""
        try:
            while chunk := sock.recv(65536):
                response += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    head, _, body = response.partition(b"\r\n\r\n")
    assert head, "no response"
    status = int(head.split()[1])
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {"raw": body[:300].decode(errors="replace")}


def _send(server, path: str, fields: dict[str, str], files: list[tuple[str, str, bytes]], *,
          repeat_last: int = 1, chunked: bool = False) -> tuple[int, dict]:
    """`repeat_last`: the last file's bytes are sent that many times (a large file without holding it here)."""
    head, tail = _multipart(fields, files[:-1] + [(files[-1][0], files[-1][1], b"")])
    field, file_name, data = files[-1]
    head = head[: -len(b"\r\n")]  # the last file's data goes before its closing CRLF
    length = len(head) + len(data) * repeat_last + 2 + len(tail)
    parts = [head, *([data] * repeat_last), b"\r\n", tail]
    return _post(server["port"], path, server["token"], parts, None if chunked else length)


def png_bomb(side: int = 30_000) -> bytes:
    """A valid greyscale PNG of side x side pixels (900 Mpx; ~110 KB): zeros compress ~1000:1."""
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + 1-bit pixels
    compressor, idat = zlib.compressobj(9), b""
    for _ in range(side):
        idat += compressor.compress(row)
    idat += compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def tiff(side: int = 6000) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), (10, 20, 30)).save(buffer, "TIFF", compression="tiff_deflate")
    return buffer.getvalue()


def zip_bomb(kind: str, member_bytes: int = 1024 * MiB) -> bytes:
    """~1 MB holding one member that inflates to `member_bytes` (zeros), as a YOLO or COCO zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if kind == "yolo":
            archive.writestr("data.yaml", "names: [a, b]\n")
            name = "images/train/bomb.png"
        else:
            archive.writestr("annotations.json", json.dumps({
                "images": [{"id": 1, "file_name": "bomb.png", "width": 10, "height": 10}], "annotations": [],
                "categories": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]}))
            name = "images/bomb.png"
        zeros = b"\x00" * MiB
        with archive.open(name, "w", force_zip64=True) as member:
            for _ in range(member_bytes // MiB):
                member.write(zeros)
    return buffer.getvalue()


def test_worst_inputs_stay_under_the_memory_ceiling(server, capsys):
    items, imports = "/api/v1/projects/mem-ceiling/items/", "/api/v1/projects/mem-ceiling/import/"
    warm = _send(server, items, {}, [("files", "warm.png", png(seed=1))])
    assert warm[0] == 201, warm
    small_zip = io.BytesIO()
    with zipfile.ZipFile(small_zip, "w") as archive:
        archive.writestr("data.yaml", "names: [a, b]\n")
        archive.writestr("images/train/w.png", png(seed=2))
    assert _send(server, imports, {"format": "yolo"}, [("file", "w.zip", small_zip.getvalue())])[0] == 201
    bombs = {"yolo": zip_bomb("yolo"), "coco_zip": zip_bomb("coco_zip")}
    attacks = {
        "decompression bomb (900 Mpx PNG)": lambda: _send(server, items, {}, [("files", "bomb.png", png_bomb())]),
        "6000x6000 TIFF": lambda: _send(server, items, {}, [("files", "big.tif", tiff())]),
        "100 files x 1 MiB": lambda: _send(server, items, {}, [("files", f"{i}.png", png(seed=i) + b"\0" * MiB)
                                                                for i in range(100)]),
        "one 200 MiB file": lambda: _send(server, items, {}, [("files", "huge.png", png(seed=3) + b"\0" * (4 * MiB))],
                                          repeat_last=50),
        "200 MiB chunked, without Content-Length": lambda: _send(
            server, items, {}, [("files", "huge.png", png(seed=5) + b"\0" * (4 * MiB))], repeat_last=50, chunked=True),
        "one 30 MiB image under the request limit": lambda: _send(
            server, items, {}, [("files", "big.png", png(seed=4) + b"\0" * (3 * MiB))], repeat_last=10),
        "YOLO zip bomb (1 GiB member)": lambda: _send(server, imports, {"format": "yolo"},
                                                      [("file", "bomb.zip", bombs["yolo"])]),
        "COCO zip bomb (1 GiB member)": lambda: _send(server, imports, {"format": "coco_zip"},
                                                      [("file", "bomb.zip", bombs["coco_zip"])]),
    }
    worker = server["worker"]
    Path(f"/proc/{worker}/clear_refs").write_text("5")  # peak := current resident memory
    baseline = _status_kib(worker, "VmHWM")
    report, refused = [], {}
    for name, attack in attacks.items():
        status, body = attack()
        refused[name] = (status, body.get("detail", body))
        report.append(f"{name}: {status}, peak +{(_status_kib(worker, 'VmHWM') - baseline) / 1024:.1f} MB")
    growth_mb = (_status_kib(worker, "VmHWM") - baseline) / 1024
    with capsys.disabled():
        print(f"\nmemory ceiling: worker {worker}, baseline {baseline / 1024:.1f} MB, peak growth {growth_mb:.1f} MB "
              f"(bound {MEMORY_CEILING_MB} MB)\n  " + "\n  ".join(report))
    assert all(400 <= status < 500 for status, _ in refused.values()), refused
    assert _children(server["master"]) == [worker]  # the same worker served every request: none crashed or timed out
    assert growth_mb < MEMORY_CEILING_MB, report
