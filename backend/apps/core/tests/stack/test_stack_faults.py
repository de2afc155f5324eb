"""Faults injected into the whole stack (scripts/stack.sh), driven through HTTP only; checked afterwards through the
API and, for "no acknowledged write lost", with psql on the stack's own database.

- worker killed (SIGKILL, its whole process group) mid-training: the run ends `failed` with the reason (or
  succeeded), never stuck in `running`; the champion keeps serving; no version of the killed run is promoted;
- broker down: predictions and feedback succeed and are stored; the retraining request waits in the outbox and is
  sent when Redis is back (beat's flush); /readyz names the broker;
- object storage down (moto paused: an outage that loses nothing): uploads are 503 and leave no row and no object;
  predictions on stored texts keep working, in every gunicorn worker (a worker that had not loaded the champion
  loads it from the machine's model cache);
- PostgreSQL restarted under load: 503s, fast, during the outage, success after, every 2xx answer's prediction and
  feedback exist afterwards.

These tests run on a stack of their own (`fault_stack`), with short heartbeat, reaper and outbox periods, so that
the faults here never disturb the other stack tests. Every loop is bounded in count and time; everything is on
127.0.0.1. Measured numbers are printed as `stack-fault: ...` lines (run with -s).
"""
import hashlib
import os
import random
import shutil
import signal
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from apps.core.tests.images import png
from apps.core.tests.live import require

from .harness import Stack, missing_binaries, wait_for

pytestmark = pytest.mark.stack

STALE_SECONDS = 12
FAULT_ENV = {
    "TRAINING_HEARTBEAT_SECONDS": "1", "TRAINING_STALE_SECONDS": str(STALE_SECONDS), "TRAINING_REAPER_SECONDS": "2",
    "OUTBOX_FLUSH_SECONDS": "2", "OUTBOX_RETRY_AFTER_SECONDS": "1",
}
LABELS = ["billing", "technical", "shipping"]
WORDS = {
    "billing": ["invoice", "refund", "charged", "payment", "price", "receipt", "subscription fee"],
    "technical": ["crash", "error", "bug", "login fails", "freezes", "update broke", "slow app"],
    "shipping": ["parcel", "delivery", "courier", "tracking", "package late", "shipped", "address label"],
}


def measure(**numbers) -> None:
    print("stack-fault:", ", ".join(f"{k}={v}" for k, v in numbers.items()), flush=True)


@pytest.fixture(scope="module")
def fault_stack(request):
    failed_before = request.session.testsfailed
    missing = missing_binaries()
    require(not missing, f"the native stack ({', '.join(missing)})")
    # A directory of its own name: other sessions on a shared machine clean up /tmp/hitl-stack-* leftovers.
    stack = Stack(Path(tempfile.mkdtemp(prefix="fault-stack-")), extra_env=FAULT_ENV)
    try:
        stack.up()
        measure(stack_up_s=stack.timings["up_s"])
        yield stack
    finally:
        stack.down()
        if os.environ.get("HITL_KEEP_STACK") or request.session.testsfailed > failed_before:
            print(f"fault stack (stopped) kept under {stack.root}: logs in stack/log/")
        else:
            shutil.rmtree(stack.root, ignore_errors=True)


def texts(n_per_label: int, *, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = [{"text": f"{' '.join(rng.sample(words, 3))} ticket {seed}-{label}-{i}", "label": label}
            for label, words in WORDS.items() for i in range(n_per_label)]
    rng.shuffle(rows)
    return rows


def finished_run(api, run_id: int):
    run = api.ok("GET", f"training-runs/{run_id}/")
    return run if run["status"] in ("succeeded", "failed") else None


def started_run(api, run_id: int):
    run = api.ok("GET", f"training-runs/{run_id}/")
    return run if run["status"] != "queued" else None


def trained_project(stack, slug: str, **policy) -> dict:
    """A text project with a champion (v1), trained on the training worker."""
    engineer = stack.api("engineer")
    engineer.ok("POST", "projects/", json={"slug": slug, "name": slug, "task": "text_classification",
                                           "labels": LABELS, "retrain_min_feedback": 0, **policy}, expect=201,
                retry_503=2)
    engineer.ok("POST", f"projects/{slug}/members/", json={"username": stack.api("annotator").username}, expect=201,
                retry_503=2)
    rows = texts(10, seed=len(slug)) + [{**r, "split": "holdout"} for r in texts(4, seed=len(slug) + 100)]
    engineer.ok("POST", f"projects/{slug}/items/", json={"items": rows}, expect=201, retry_503=2)
    run = engineer.ok("POST", f"projects/{slug}/training-runs/", json={}, expect=202, retry_503=2)
    run = wait_for(lambda: finished_run(engineer, run["id"]), timeout=240, what=f"{slug}'s first run", interval=1)
    assert run["status"] == "succeeded", run["error"]
    assert champion_number(stack, slug) == 1
    return run


def champion_number(stack, slug: str) -> int | None:
    versions = stack.api("engineer").ok("GET", f"projects/{slug}/model-versions/", params={"limit": 100})
    versions = versions["results"] if isinstance(versions, dict) else versions
    champions = [v["number"] for v in versions if v["status"] == "champion"]
    assert len(champions) <= 1, versions
    return champions[0] if champions else None


def predict(api, slug: str, text: str) -> requests.Response:
    return api.post(f"projects/{slug}/predict/", json={"text": text}, timeout=60)


def ids_stored(stack, table: str, ids: list[int]) -> int:
    if not ids:
        return 0
    return int(stack.psql(f"select count(*) from {table} where id in ({','.join(map(str, sorted(set(ids))))})"))


def readyz(stack) -> tuple[int, dict, float]:
    started = time.monotonic()
    response = requests.get(f"{stack.web_url}/readyz", timeout=60)
    return response.status_code, response.json(), round(time.monotonic() - started, 2)


# --- worker killed mid-training ----------------------------------------------------------------------------------
def test_a_worker_killed_mid_training_fails_the_run_and_the_champion_keeps_serving(fault_stack):
    stack, slug = fault_stack, "fault-kill"
    engineer, annotator = stack.api("engineer"), stack.api("annotator")
    trained_project(stack, slug)
    # More data: a run that lasts long enough to be caught `running`.
    engineer.ok("POST", f"projects/{slug}/items/", json={"items": texts(400, seed=7)}, expect=201)

    killed = None
    for attempt in range(3):  # bounded: if a run finishes before the kill lands, try once more
        run = engineer.ok("POST", f"projects/{slug}/training-runs/", json={}, expect=202)
        caught = wait_for(lambda run_id=run["id"]: started_run(engineer, run_id), timeout=120,
                          what="the run to start", interval=0.05)
        if caught["status"] != "running":
            continue
        stack.kill("worker-training", signal.SIGKILL)
        killed = (time.monotonic(), engineer.ok("GET", f"training-runs/{run['id']}/"), caught["progress"], attempt)
        break
    assert killed, "no run was caught running in 3 tries"
    killed_at, at_kill, caught_progress, attempt = killed
    wait_for(lambda: not stack.running("worker-training"), timeout=10, what="the killed training worker to be gone")

    # Predictions go on meanwhile, with the champion.
    served = predict(annotator, slug, "refund for my invoice please")
    assert served.status_code == 200 and served.json()["model_version"] == 1

    ended = wait_for(lambda: finished_run(engineer, run["id"]), timeout=STALE_SECONDS + 60,
                     what="the killed run to end", interval=0.5)
    ended_after = round(time.monotonic() - killed_at, 1)
    measure(kill_attempt=attempt + 1, kill_stage=at_kill["progress"].get("stage"), run_status=ended["status"],
            run_ended_after_kill_s=ended_after, stale_bound_s=STALE_SECONDS, error=repr(ended["error"][:160]))
    assert ended["status"] in ("failed", "succeeded")
    if ended["status"] == "failed":
        assert "heartbeat" in ended["error"], ended["error"]
        assert ended["model_version"] is None  # nothing of the killed run reached the gate
    assert champion_number(stack, slug) == 1 or ended["status"] == "succeeded"
    assert predict(annotator, slug, "where is my parcel").json()["model_version"] == champion_number(stack, slug)

    # The training worker comes back; the next run trains to the end (the killed run's leftovers are skipped).
    stack.stop("worker-training")
    restarted = time.monotonic()
    stack.start("worker-training")
    again = engineer.ok("POST", f"projects/{slug}/training-runs/", json={}, expect=202)
    again = wait_for(lambda: finished_run(engineer, again["id"]), timeout=240, what="the run after the restart",
                     interval=1)
    measure(run_after_restart=again["status"], restart_to_success_s=round(time.monotonic() - restarted, 1))
    assert again["status"] == "succeeded", again["error"]
    assert stack.api("admin").ok("GET", "audit/verify/", timeout=300)["ok"]


# --- broker down -------------------------------------------------------------------------------------------------
def test_broker_down_predictions_and_feedback_succeed_and_the_retrain_request_is_sent_when_redis_is_back(fault_stack):
    stack, slug = fault_stack, "fault-broker"
    engineer, annotator = stack.api("engineer"), stack.api("annotator")
    trained_project(stack, slug)
    engineer.ok("PATCH", f"projects/{slug}/", json={"retrain_min_feedback": 3}, retry_503=2)
    runs_before = engineer.ok("GET", f"projects/{slug}/training-runs/", params={"limit": 100})["count"]
    for n in range(8):  # every gunicorn worker loads the champion first: the timings below are the broker's
        assert predict(annotator, slug, f"warm up {n}").status_code == 200

    stack.stop("redis")
    down_at = time.monotonic()
    status, body, seconds = readyz(stack)
    assert status == 503 and "broker" in body["down"], body
    assert seconds < 10, f"/readyz took {seconds} s with the broker down"
    measure(readyz_broker_down_status=status, readyz_down=body["down"], readyz_s=seconds)

    predictions, feedbacks, predict_s, feedback_s = [], [], [], []
    for n in range(12):  # bounded
        started = time.monotonic()
        predicted = predict(annotator, slug, f"refund for invoice number {n}")
        assert predicted.status_code == 200, predicted.text
        predict_s.append(time.monotonic() - started)
        prediction = predicted.json()["predictions"][0]
        wrong = next(label for label in LABELS if label != prediction["label"])
        started = time.monotonic()
        answered = annotator.post(f"predictions/{prediction['id']}/feedback/",
                                  json={"verdict": "correct", "label": wrong})
        assert answered.status_code == 201, answered.text
        feedback_s.append(time.monotonic() - started)
        predictions.append(prediction["id"])
        feedbacks.append(answered.json()["id"])
    status, body, _ = readyz(stack)
    pending = body["checks"]["outbox"].get("pending")
    measure(broker_down_predictions=len(predictions), broker_down_feedbacks=len(feedbacks),
            broker_down_predict_max_s=round(max(predict_s), 2),
            broker_down_predict_median_s=round(sorted(predict_s)[len(predict_s) // 2], 2),
            broker_down_feedback_max_s=round(max(feedback_s), 2),
            broker_down_feedback_median_s=round(sorted(feedback_s)[len(feedback_s) // 2], 2), outbox_pending=pending)
    assert pending == 1  # one retrain check for the project, however many corrections
    assert engineer.ok("GET", f"projects/{slug}/training-runs/", params={"limit": 100})["count"] == runs_before

    stack.start("redis")
    back_at = time.monotonic()
    measure(redis_outage_s=round(back_at - down_at, 1))

    # No request from here on: beat's flush alone must send the kept request.
    def auto_run():
        runs = engineer.ok("GET", f"projects/{slug}/training-runs/", params={"limit": 100})["results"]
        return next((r for r in runs if r["trigger"] == "feedback_threshold"), None)

    with stack.explained("worker", "beat", "redis"):
        run = wait_for(auto_run, timeout=120, what="the retrain the outbox sends", interval=0.5)
    measure(retrain_requested_after_redis_back_s=round(time.monotonic() - back_at, 1))
    run = wait_for(lambda: finished_run(engineer, run["id"]), timeout=240, what="the feedback-triggered run",
                   interval=1)
    assert run["status"] == "succeeded", run["error"]
    ready = wait_for(lambda: (lambda r: r if r[0] == 200 else None)(readyz(stack)), timeout=60, what="ready again")
    assert ready[1]["checks"]["outbox"]["pending"] == 0
    assert ids_stored(stack, "predictions_prediction", predictions) == len(predictions)
    assert ids_stored(stack, "feedback_feedback", feedbacks) == len(feedbacks)


# --- object storage down -----------------------------------------------------------------------------------------
def test_object_storage_down_uploads_are_503_and_leave_nothing_while_text_predictions_go_on(fault_stack):
    stack, slug, images = fault_stack, "fault-s3", "fault-s3-images"
    engineer, annotator = stack.api("engineer"), stack.api("annotator")
    trained_project(stack, slug)
    engineer.ok("POST", "projects/", json={"slug": images, "name": images, "task": "object_detection",
                                           "labels": ["circle", "square"]}, expect=201)

    def upload(name: str, data: bytes) -> requests.Response:
        return engineer.post(f"projects/{images}/items/", files=[("files", (name, data, "image/png"))], json=None,
                             timeout=120)

    assert upload("first.png", png(40, 30, seed=1)).status_code == 201
    stored = engineer.ok("GET", f"projects/{slug}/items/", params={"limit": 30, "labelled": "true"})["results"]
    text_ids = [i["id"] for i in stored if i.get("text")][:10]
    # One keep-alive connection: one gunicorn worker loads the champion (and the machine's model cache has it).
    assert annotator.ok("POST", f"projects/{slug}/predict/", json={"inputs": [{"item_id": text_ids[0]}]})
    items_before = engineer.ok("GET", f"projects/{images}/items/", params={"limit": 1})["count"]

    stack.pause("s3")
    try:
        data = png(48, 36, seed=99)
        started = time.monotonic()
        refused = upload("during-outage.png", data)
        upload_s = round(time.monotonic() - started, 1)
        assert refused.status_code == 503, refused.text
        assert "Object storage is unavailable" in refused.json()["detail"]
        answers, latencies = [], []
        for item_id in text_ids:
            started = time.monotonic()
            # A new connection each time: any gunicorn worker, also one that never loaded the champion.
            answer = requests.post(annotator.url(f"projects/{slug}/predict/"), json={"inputs": [{"item_id": item_id}]},
                                   headers={"Authorization": annotator.session.headers["Authorization"]}, timeout=60)
            latencies.append(time.monotonic() - started)
            answers.append(answer)
        served = sum(a.status_code == 200 for a in answers)
        status, body, seconds = readyz(stack)
        measure(s3_down_upload_status=refused.status_code, s3_down_upload_s=upload_s,
                s3_down_text_predictions=f"{served}/{len(text_ids)}", s3_down_max_predict_s=round(max(latencies), 2),
                s3_down_statuses=dict(Counter(a.status_code for a in answers)), readyz_status=status,
                readyz_down=body["down"], readyz_s=seconds)
        assert served == len(text_ids), [a.text[:200] for a in answers if a.status_code != 200][:2]
        assert status == 503 and "storage" in body["down"]
        assert seconds < 10, f"/readyz took {seconds} s with the storage down"  # READYZ_TIMEOUT (5 s) bounds it
        assert engineer.ok("GET", f"projects/{images}/items/", params={"limit": 1})["count"] == items_before
    finally:
        stack.resume("s3")
    sha = hashlib.sha256(data).hexdigest()
    assert not [k for k in stack.bucket_keys("hitl-data") if sha in k]  # no orphan object either
    assert upload("after-outage.png", data).status_code == 201  # and uploads work again


# --- PostgreSQL restarted under load -----------------------------------------------------------------------------
def test_postgres_restarted_under_load_fails_fast_and_loses_no_acknowledged_write(fault_stack):
    stack, slug = fault_stack, "fault-pg"
    trained_project(stack, slug)
    annotator = stack.api("annotator")
    token = annotator.session.headers["Authorization"]
    stop = threading.Event()
    lock = threading.Lock()
    answers: list[tuple[str, int, float, float]] = []  # (kind, status, started, seconds)
    predictions, feedbacks = [], []

    def client(n: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = token
        for i in range(400):  # bounded in count; `stop` bounds it in time
            if stop.is_set():
                return
            started = time.monotonic()
            try:
                r = session.post(f"{stack.web_url}/api/v1/projects/{slug}/predict/",
                                 json={"text": f"parcel {n}-{i} never arrived"}, timeout=30)
            except requests.RequestException:
                with lock:
                    answers.append(("predict", 0, started, time.monotonic() - started))
                continue
            with lock:
                answers.append(("predict", r.status_code, started, time.monotonic() - started))
            if r.status_code != 200:
                time.sleep(0.2)
                continue
            prediction = r.json()["predictions"][0]
            with lock:
                predictions.append(prediction["id"])
            started = time.monotonic()
            try:
                f = session.post(f"{stack.web_url}/api/v1/predictions/{prediction['id']}/feedback/",
                                 json={"verdict": "accept"}, timeout=30)
            except requests.RequestException:
                with lock:
                    answers.append(("feedback", 0, started, time.monotonic() - started))
                continue
            with lock:
                answers.append(("feedback", f.status_code, started, time.monotonic() - started))
                if f.status_code == 201:
                    feedbacks.append(f.json()["id"])

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(8)]
    t0 = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(4)
    stack.stop("postgres")
    down_at = time.monotonic()
    time.sleep(5)
    stack.start("postgres")
    up_at = time.monotonic()
    time.sleep(8)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    statuses = Counter(status for _, status, _, _ in answers)
    during = [a for a in answers if down_at + 0.5 <= a[2] < up_at]
    refused = [a for a in answers if a[1] == 503]
    after = [a for a in answers if a[2] >= up_at + 3]
    first_ok_after = min((a[2] + a[3] for a in answers if a[2] >= up_at and a[1] in (200, 201)), default=None)
    measure(pg_load_requests=len(answers), pg_statuses=dict(statuses), pg_outage_s=round(up_at - down_at, 1),
            pg_503=len(refused), pg_max_503_s=round(max((a[3] for a in refused), default=0), 2),
            pg_requests_during_outage=len(during),
            pg_first_success_after_start_s=round(first_ok_after - up_at, 2) if first_ok_after else None,
            pg_after_ok=f"{sum(a[1] in (200, 201) for a in after)}/{len(after)}",
            pg_acknowledged=f"{len(predictions)} predictions, {len(feedbacks)} feedbacks", load_s=round(up_at - t0, 1))
    assert not [a for a in answers if a[1] >= 500 and a[1] != 503], statuses  # no 500s
    assert refused and max(a[3] for a in refused) < 10  # the outage was seen, and answered fast
    assert after and all(a[1] in (200, 201) for a in after), Counter(a[1] for a in after)
    # Every acknowledged write is there.
    assert ids_stored(stack, "predictions_prediction", predictions) == len(set(predictions))
    assert ids_stored(stack, "feedback_feedback", feedbacks) == len(set(feedbacks))
    assert stack.api("admin").ok("GET", "audit/verify/", timeout=300)["ok"]
