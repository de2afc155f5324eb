"""Both servers on loopback, started as their users would start them, and the load generator's runs against them."""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process (its own process group), ready when `ready_path` answers 200; stopped on exit."""

    def __init__(self, name: str, argv: list[str], port: int, ready_path: str, env: dict | None = None):
        self.name, self.argv, self.port, self.ready_path = name, argv, port, ready_path
        self.env = {**os.environ, **(env or {})}
        self.log = settings.VAR_DIR / "bench" / f"{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(self.argv, cwd=settings.BASE_DIR, env=self.env, stdout=self.log.open("w"),
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(self.base + self.ready_path, timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not become ready; see {self.log}")
            time.sleep(0.3)

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()  # gunicorn's master and the reference's launcher stop their workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> list[int]:
        """The master's children (gunicorn or uvicorn workers); the process itself when it serves alone."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        found = [int(p) for p in children.read_text().split()] if children.exists() else []
        return found or [pid]


def reference_server(model_dir: Path, workers: int = 2) -> Server:
    port = free_port()
    return Server("reference", [sys.executable, "-m", "apps.demo.bench.reference", "--port", str(port),
                                "--workers", str(workers)],
                  port, "/ping", env={"HITL_BENCH_MODEL_DIR": str(model_dir)})


def platform_server() -> Server:
    """gunicorn as scripts/run.sh starts it (`make run`): 2 uvicorn workers (config.asgi), with its access log."""
    port = free_port()
    log_dir = settings.VAR_DIR / "bench"
    return Server("platform", [str(BIN / "gunicorn"), "config.asgi:application", "-k", "uvicorn_worker.UvicornWorker",
                               "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120", "--keep-alive", "10",
                               "--access-logfile", str(log_dir / "platform-access.log")],
                  port, "/healthz")


def load(url: str | None = None, *, connections: int, duration: float, body: str | None = None,
         headers: dict | None = None, urls: list[str] | None = None, warmup: float = 1.0) -> dict:
    """One load step by the load generator, in a process of its own (see loadgen.py)."""
    spec = {"url": url, "urls": urls, "body": body, "headers": headers or {}, "connections": connections,
            "duration": duration, "warmup": warmup}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(spec, f)
    try:
        out = subprocess.run([sys.executable, "-m", "apps.demo.bench.loadgen", f.name], cwd=settings.BASE_DIR,
                             capture_output=True, text=True, check=True, timeout=duration + warmup + 120)
    finally:
        os.unlink(f.name)
    return json.loads(out.stdout)


def post_json(url: str, payload: dict, headers: dict | None = None, timeout: float = 300) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, json.loads(response.read())


class KeepAlive:
    """Sequential JSON POSTs over one keep-alive connection, as a client library (requests.Session, httpx.Client)
    sends them: the timed rows measure the API, not a TCP handshake per request. Reconnects once if the server
    closed the idle connection."""

    def __init__(self, base: str, headers: dict | None = None, timeout: float = 300):
        parts = urllib.parse.urlsplit(base)
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self._headers = {"Content-Type": "application/json", **(headers or {})}

    def post(self, path: str, payload: dict) -> tuple[int, dict]:
        body = json.dumps(payload).encode()
        for attempt in (1, 2):
            try:
                self._connection.request("POST", path, body=body, headers=self._headers)
                response = self._connection.getresponse()
                return response.status, json.loads(response.read())
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._connection.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._connection.close()


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None
