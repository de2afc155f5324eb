"""The reference server: what a team would write in an afternoon instead of using the platform.

FastAPI under uvicorn (2 workers), loading the champion's scikit-learn pipeline from the same model folder the
platform serves (HITL_BENCH_MODEL_DIR, the MLflow model folder under VAR_DIR/model-cache), answering
POST /predict {"text": ...} with the label and probabilities. No authentication, no database, nothing logged.
GET /ping answers {} without touching the model: the load generator's own cost is measured against it.

    python -m apps.demo.bench.reference --port P --workers 2

binds the port with TCP_NODELAY (accepted connections inherit it) and starts that many `uvicorn --fd` processes on
it. Plain `uvicorn --workers 2` hands its workers a socket on which asyncio does not set TCP_NODELAY, so every
keep-alive response waits ~40 ms for a delayed ACK (Nagle): measured 44 ms per request on loopback, against about
1 ms with one worker. A team would find and fix that in the afternoon too.
"""
import os
import signal
import socket
import subprocess
import sys

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()
_model = None


def _load():
    global _model
    if _model is None:
        import mlflow.sklearn

        _model = mlflow.sklearn.load_model(os.environ["HITL_BENCH_MODEL_DIR"])
    return _model


class TextIn(BaseModel):
    text: str


@app.on_event("startup")
def _startup() -> None:
    _load()


@app.post("/predict")
def predict(body: TextIn) -> dict:
    model = _load()
    proba = model.predict_proba([body.text])[0]
    classes = [str(c) for c in model.classes_]
    best = int(proba.argmax())
    return {"label": classes[best], "probabilities": {c: float(p) for c, p in zip(classes, proba, strict=False)}}


@app.get("/ping")
def ping() -> dict:
    return {}


def main(argv: list[str]) -> None:
    import argparse

    args = argparse.ArgumentParser()
    args.add_argument("--port", type=int, required=True)
    args.add_argument("--workers", type=int, default=2)
    args = args.parse_args(argv)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(2048)
    uvicorn = os.path.join(os.path.dirname(sys.executable), "uvicorn")
    workers = [subprocess.Popen([uvicorn, "apps.demo.bench.reference:app", "--fd", str(sock.fileno()),
                                 "--no-access-log", "--log-level", "warning"], pass_fds=[sock.fileno()])
               for _ in range(args.workers)]

    def stop(*_):
        for worker in workers:
            worker.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        worker.wait()


if __name__ == "__main__":
    main(sys.argv[1:])
