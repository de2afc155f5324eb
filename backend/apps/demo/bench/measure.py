"""The rows of `make bench`, each measured next to its reference in the same run."""
import json
import resource
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from apps.audit.bench import audit_append_rate, audit_chain_fill
from apps.audit.selectors import audit_chain_verify
from apps.feedback.models import Feedback
from apps.predictions.models import Prediction
from apps.predictions.services import predictions_create

from .in_process import InProcess
from .servers import KeepAlive, load, post_json


def _texts(project, count: int, tag: str) -> list[str]:
    """`count` new texts (never seen by the project), built from its pool texts so they look like real tickets."""
    from apps.items.models import Item

    base = list(Item.objects.filter(project=project).exclude(text="").values_list("text", flat=True)[:200]) or ["x"]
    return [f"{base[i % len(base)]} ({tag}-{i})" for i in range(count)]


def loadgen_cost(ref, *, duration: float) -> dict:
    """The generator against a trivial endpoint (the reference's GET /ping): how much CPU it needs per request."""
    step = load(ref.base + "/ping", connections=8, duration=duration)
    return {**step, "loadgen_cpu_ms_per_request": round(step["loadgen_cpu_s"] * 1000 / max(step["requests"], 1), 3)}


def single_text(ref, plat, project, token: str, *, connections: list[int], duration: float) -> list[dict]:
    """POST one new text per request; the same body to both servers, alternating server per step."""
    body = json.dumps({"text": f"{_texts(project, 1, 'bench')[0]} @N@ {uuid.uuid4().hex[:8]}"})
    steps = []
    for c in connections:
        reference = load(ref.base + "/predict", connections=c, duration=duration, body=body)
        before = Prediction.objects.filter(project=project).count()
        platform = load(f"{plat.base}/api/v1/projects/{project.slug}/predict/", connections=c, duration=duration,
                        body=body, headers={"Authorization": f"Token {token}"})
        platform["stored"] = Prediction.objects.filter(project=project).count() - before
        platform["answered"] = platform["ok"] + platform["warmup_ok"]  # the warm-up's predictions are stored too
        steps.append({"connections": c, "reference": reference, "platform": platform,
                      "ratio": round(platform["rps"] / reference["rps"], 3) if reference["rps"] else None})
    return steps


def batched(plat, project, model_dir: Path, token: str, *, size: int, repeats: int) -> dict:
    """`size` texts per request through the API, new and then the same texts again, vs predict_texts on the same
    texts in a process of its own that loaded the same model folder (in_process.py), timed alternately."""
    url, headers = f"{plat.base}/api/v1/projects/{project.slug}/predict/", {"Authorization": f"Token {token}"}
    path = url.removeprefix(plat.base)
    totals = {"new": 0.0, "known": 0.0, "in_process": 0.0}
    # Warm-up, not timed: concurrent requests on new connections reach both workers, each serving a batch of this
    # size once (a cold worker's first request loads the model: seconds); the in-process side runs once too.
    warm = _texts(project, size, f"warm-{uuid.uuid4().hex[:8]}")
    with InProcess(model_dir) as reference, KeepAlive(plat.base, headers) as client:
        reference.seconds(warm, project.labels)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda n: post_json(url, {"inputs": [{"text": f"{t} {n}"} for t in warm]}, headers),
                          range(8)))
        for _r in range(repeats):
            texts = _texts(project, size, f"batch-{uuid.uuid4().hex[:8]}")
            totals["in_process"] += reference.seconds(texts, project.labels)
            for kind in ("new", "known"):
                started = time.perf_counter()
                status, answer = client.post(path, {"inputs": [{"text": t} for t in texts]})
                totals[kind] += time.perf_counter() - started
                if status != 200 or len(answer["predictions"]) != size:
                    raise RuntimeError(f"batched predict answered {status}")
    rate = {k: round(size * repeats / v, 1) for k, v in totals.items()}
    return {"size": size, "repeats": repeats, "texts_per_s": rate,
            "ratio_new": round(rate["new"] / rate["in_process"], 3),
            "ratio_known": round(rate["known"] / rate["in_process"], 3)}


def feedback(plat, project, user, token: str, *, count: int, connections: int, duration: float) -> dict:
    """`count` fresh predictions, then one 'accept' per prediction at `connections`; rows counted before and after."""
    ids: list[int] = []
    texts = _texts(project, count, f"fb-{uuid.uuid4().hex[:8]}")
    for start in range(0, count, 1000):
        _, predictions = predictions_create(project=project, inputs=[{"text": t} for t in texts[start:start + 1000]],
                                            actor=user)
        ids += [p.pk for p in predictions]
    before = Feedback.objects.filter(project=project).count()
    step = load(urls=[f"{plat.base}/api/v1/predictions/{i}/feedback/" for i in ids], connections=connections,
                duration=duration, body=json.dumps({"verdict": "accept"}),
                headers={"Authorization": f"Token {token}"}, warmup=0)
    step["stored"] = Feedback.objects.filter(project=project).count() - before
    step["lost"] = step["ok"] - step["stored"]
    return step


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def audit_append(*, count: int, threads: int = 4) -> dict:
    """Events/s through the append service: one event per transaction (what a Django view's write costs), and in
    batches from concurrent threads, as the fast path's group commit appends (apps.audit.bench)."""
    return {"single": audit_append_rate(count=count), "batch": audit_append_rate(count=count * 4, batch=50, threads=threads)}


def audit_verify(*, events: int, workers: int) -> dict:
    """One pass in this process (its peak memory growth shows the walk is streamed), then the chain split over
    `workers` forked processes, as `manage.py audit_verify` runs by default (one per core, at most 8)."""
    added = audit_chain_fill(events)["events_added"]  # the real batch append: same lock, same hashing
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = audit_chain_verify()
    seconds = time.perf_counter() - started
    rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    started = time.perf_counter()
    split = audit_chain_verify(workers=workers)
    split_seconds = time.perf_counter() - started
    return {"events": report.events, "synthetic_added": added, "ok": report.ok and split == report,
            "seconds": round(seconds, 2), "events_per_s": round(report.events / seconds, 1) if seconds else None,
            "peak_rss_growth_mb": round(rss_growth, 1), "workers": workers, "split_seconds": round(split_seconds, 2),
            "split_events": split.events}


def detection(plat, project, model, token: str, *, images: int, batch: int) -> dict:
    """Pool images one per request and `batch` per request through the API (1 connection) vs predict_boxes on the
    same files in-process, one call per image and one call per batch."""
    from apps.items.images import image_open
    from apps.items.models import Item
    from apps.training.ml_detection import predict_boxes

    items = list(Item.objects.filter(project=project, split="pool").order_by("id")[:images])
    url, headers = f"{plat.base}/api/v1/projects/{project.slug}/predict/", {"Authorization": f"Token {token}"}
    chunks = [items[i:i + batch] for i in range(0, len(items), batch)]
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for item in items:
            path = Path(folder) / f"{item.pk}{Path(item.storage_key).suffix}"
            with image_open(item.storage_key) as source:
                path.write_bytes(source.read())
            paths.append(path)
        predict_boxes(model, paths[:2], project.labels)  # warm-up, as the API's cache is warmed below
        # Concurrent requests on new connections reach both gunicorn workers: each loads the detector once here,
        # not during the timed requests.
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda item: post_json(url, {"inputs": [{"item_id": item.pk}]}, headers),
                          (items * 8)[:16]))
        # Interleaved, request by request, so that both sides see the same load on a shared machine; the API's
        # requests on one keep-alive connection, as a client library sends them.
        seconds = {"in_process_single": 0.0, "api_single": 0.0, "in_process_batched": 0.0, "api_batched": 0.0}
        route = url.removeprefix(plat.base)
        with KeepAlive(plat.base, headers) as client:
            for item, path in zip(items, paths, strict=True):
                seconds["in_process_single"] += _timed(lambda path=path: predict_boxes(model, [path], project.labels))
                seconds["api_single"] += _timed(lambda item=item: client.post(route, {"inputs": [{"item_id": item.pk}]}))
            for start, chunk in zip(range(0, len(paths), batch), chunks, strict=True):
                seconds["in_process_batched"] += _timed(lambda start=start: predict_boxes(
                    model, paths[start:start + batch], project.labels))
                seconds["api_batched"] += _timed(lambda chunk=chunk: client.post(
                    route, {"inputs": [{"item_id": i.pk} for i in chunk]}))
    rate = {k: round(len(items) / v, 2) for k, v in seconds.items()}
    size = f"{items[0].width}x{items[0].height}" if items else None
    return {"images": len(items), "batch": batch, "image_size": size, "images_per_s": rate,
            "ratio_single": round(rate["api_single"] / rate["in_process_single"], 3),
            "ratio_batched": round(rate["api_batched"] / rate["in_process_batched"], 3)}
