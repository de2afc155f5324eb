"""The production topology end to end, through HTTP only (scripts/stack.sh, apps/core/tests/stack/harness.py).

- the loop: texts and images in, predict, correct, train on the training worker, promote, predict with the new
  version; the audit chain verifies; items' bytes and the models are in S3, the runs in the MLflow server;
- no loss under load: 32 clients, 5,000 predictions and 5,000 feedbacks at once → exactly that many rows and
  audit events, no 5xx, the chain verifies;
- backup and restore with the documented scripts (scripts/backup.sh, scripts/restore.sh): wipe, restore, the
  chain verifies and the champion serves the same predictions.

Measured numbers go to the terminal (`-s`) as `stack-measure: ...` lines.
"""
import json
import os
import random
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from apps.core.tests.images import shapes_image

from .harness import REPO_DIR, wait_for

pytestmark = pytest.mark.stack

LABELS = ["billing", "technical", "shipping"]
WORDS = {
    "billing": ["invoice", "refund", "charged", "payment", "price", "receipt", "subscription fee"],
    "technical": ["crash", "error", "bug", "login fails", "freezes", "update broke", "slow app"],
    "shipping": ["parcel", "delivery", "courier", "tracking", "package late", "shipped", "address label"],
}
# HITL_STACK_LOAD=N: fewer predictions and feedbacks for a quick run (the number is the default).
LOAD_TOTAL = int(os.environ.get("HITL_STACK_LOAD", 5000))
PROBE = ["refund for my invoice", "the app crashes on login", "where is my parcel", "charged twice, payment error"]


def measure(**numbers) -> None:
    print("stack-measure:", ", ".join(f"{k}={v}" for k, v in numbers.items()))


def texts(n_per_label: int, *, seed: int) -> list[dict]:
    rng = random.Random(seed)
    rows = [{"text": f"{' '.join(rng.sample(words, 3))} ticket {seed}-{label}-{i}", "label": label}
            for label, words in WORDS.items() for i in range(n_per_label)]
    rng.shuffle(rows)
    return rows


def new_project(stack, slug: str, *, task: str = "text_classification", labels=LABELS, **policy) -> dict:
    engineer = stack.api("engineer")
    project = engineer.ok("POST", "projects/", json={"slug": slug, "name": slug, "task": task, "labels": labels,
                                                      **policy}, expect=201)
    for name in ("annotator", "admin"):
        engineer.ok("POST", f"projects/{slug}/members/", json={"username": stack.api(name).username}, expect=201)
    return project


def train(stack, slug: str, timeout: float = 240) -> dict:
    engineer = stack.api("engineer")
    run = engineer.ok("POST", f"projects/{slug}/training-runs/", json={}, expect=202)

    def finished():
        current = engineer.ok("GET", f"training-runs/{run['id']}/")
        return current if current["status"] in ("succeeded", "failed") else None

    started = time.monotonic()
    run = wait_for(finished, timeout=timeout, what=f"training run {run['id']} of {slug}", interval=1)
    assert run["status"] == "succeeded", run["error"]
    measure(**{f"train_{slug}_s": round(time.monotonic() - started, 1)})
    return run


def promote(stack, version: dict) -> dict:
    if version["status"] == "champion":
        return version
    return stack.api("engineer").ok("POST", f"model-versions/{version['id']}/promote/", json={"reason": "stack test"})


def predict(api, slug: str, inputs: list[str]) -> dict:
    return api.ok("POST", f"projects/{slug}/predict/", json={"inputs": [{"text": t} for t in inputs]})


def audit_verify(stack) -> dict:
    report = stack.api("admin").ok("GET", "audit/verify/", timeout=300)
    assert report["ok"], report
    return report


def audit_count(stack, **filters) -> int:
    return stack.api("admin").ok("GET", "audit/events/", params={**filters, "limit": 1})["count"]


def test_the_loop_through_the_training_worker(stack):
    slug = "stack-loop"
    engineer, annotator = stack.api("engineer"), stack.api("annotator")
    new_project(stack, slug, require_approval=True, retrain_min_feedback=0)
    rows = texts(10, seed=1) + [{**r, "split": "holdout"} for r in texts(4, seed=2)]
    imported = engineer.ok("POST", f"projects/{slug}/items/", json={"items": rows}, expect=201)
    assert imported["created"] == len(rows), imported

    first = train(stack, slug)
    # The folds ran on the worker of the training queue (scripts/stack.sh names it training@host).
    assert first["kfold"]["workers"] and all(w.startswith("training@") for w in first["kfold"]["workers"]), first
    v1 = promote(stack, first["model_version"])
    assert v1["status"] == "champion"

    served = predict(annotator, slug, [f"{t} please" for t in PROBE])
    assert served["model_version"] == 1
    # Correct every prediction to a different label: new, corrected training data.
    for prediction in served["predictions"]:
        wrong = next(label for label in LABELS if label != prediction["label"])
        annotator.ok("POST", f"predictions/{prediction['id']}/feedback/", json={"verdict": "correct", "label": wrong},
                     expect=201)
    second = train(stack, slug)
    assert second["dataset_version"] != first["dataset_version"]
    v2 = second["model_version"]
    assert v2["number"] == 2 and v2["status"] != "champion"  # require_approval: a human promotes it
    assert promote(stack, v2)["status"] == "champion"
    assert predict(annotator, slug, PROBE)["model_version"] == 2

    # Images: uploaded into the S3 bucket, a detector trained on the training worker, predict and correct.
    shapes = "stack-shapes"
    new_project(stack, shapes, task="object_detection", labels=["circle", "square", "triangle"])
    uploaded = {}
    for split, seeds in (("pool", range(12)), ("holdout", range(100, 104))):
        images = {f"{split}-{seed}.png": shapes_image(seed) for seed in seeds}
        upload = engineer.ok("POST", f"projects/{shapes}/items/", expect=201, data={
            "split": split, "boxes": json.dumps({name: boxes for name, (_, boxes) in images.items()})},
            files=[("files", (name, data, "image/png")) for name, (data, _) in images.items()])
        assert len(upload["items"]) == len(images), upload
        uploaded.update(zip(upload["items"], (data for data, _ in images.values()), strict=True))
    item_id, data = next(iter(uploaded.items()))
    assert engineer.get(f"items/{item_id}/image/").content == data
    detector = train(stack, shapes, timeout=420)
    assert all(w.startswith("training@") for w in detector["kfold"]["workers"]), detector["kfold"]
    promote(stack, detector["model_version"])
    probe, _ = shapes_image(999)
    detected = annotator.ok("POST", f"projects/{shapes}/predict/",
                            files=[("files", ("probe.png", probe, "image/png"))])
    assert detected["model_version"] == 1 and len(detected["predictions"]) == 1
    annotator.ok("POST", f"predictions/{detected['predictions'][0]['id']}/feedback/", expect=201, json={
        "verdict": "correct", "boxes": [{"label": "square", "x": 10, "y": 10, "w": 20, "h": 20}]})

    report = audit_verify(stack)
    events = {action: audit_count(stack, project=slug, action=action, actor="annotator")
              for action in ("predictions.created", "feedback.submitted")}  # not the system's queue scoring
    assert events["feedback.submitted"] == len(PROBE) and events["predictions.created"] == 2, events

    data_keys = stack.bucket_keys(stack.env["S3_BUCKET"])
    assert len([k for k in data_keys if k.startswith(f"projects/{shapes}/images/")]) == len(uploaded) + 1, data_keys
    # Each run is in the MLflow server (PostgreSQL store); its dataset record (the model card's content hash of the
    # training set, the MLflow run's dataset_hash tag) and the registered model's files are in the artifacts bucket.
    bucket = stack.env["MLFLOW_ARTIFACTS_BUCKET"]
    artifact_keys = stack.bucket_keys(bucket)
    assert len([k for k in artifact_keys if k.endswith("/model.skops")]) == 2, artifact_keys
    mlflow = stack.env["MLFLOW_TRACKING_URI"]
    runs = {first["mlflow_run_id"], second["mlflow_run_id"]}
    dataset_hashes = set()
    for run_id in runs:
        found = requests.get(f"{mlflow}/api/2.0/mlflow/runs/get", params={"run_id": run_id}, timeout=30)
        assert found.status_code == 200 and found.json()["run"]["info"]["status"] == "FINISHED", found.text[:300]
        tags = {t["key"]: t["value"] for t in found.json()["run"]["data"]["tags"]}
        card_key = next(k for k in artifact_keys if k.endswith(f"{run_id}/artifacts/model_card.json"))
        card = json.loads(stack.s3().get_object(Bucket=bucket, Key=card_key)["Body"].read())
        assert card["data"]["content_hash"] == tags["dataset_hash"] and card["data"]["project"] == slug
        dataset_hashes.add(tags["dataset_hash"])
    assert len(dataset_hashes) == 2  # the corrections made a new dataset version
    registered = requests.get(f"{mlflow}/api/2.0/mlflow/registered-models/get", params={"name": slug}, timeout=30)
    assert registered.status_code == 200, registered.text[:300]
    assert registered.json()["registered_model"]["aliases"][0] == {"alias": "champion", "version": "2"}
    measure(loop_audit_events=report["events"], data_objects=len(data_keys), artifact_objects=len(artifact_keys))


def test_no_loss_under_load(stack):
    """32 clients at once; each unit predicts BATCH texts in one request, then gives feedback on each prediction."""
    slug, clients, total, batch = "stack-load", 32, LOAD_TOTAL, 5
    new_project(stack, slug, retrain_min_feedback=0)
    engineer = stack.api("engineer")
    engineer.ok("POST", f"projects/{slug}/items/", json={"items": texts(8, seed=3)}, expect=201)
    promote(stack, train(stack, slug)["model_version"])
    token = stack.api("annotator").token
    statuses: Counter = Counter()
    errors: list[str] = []
    lock = threading.Lock()
    local = threading.local()
    deadline = time.monotonic() + 420
    base = stack.web_url + "/api/v1/"

    def send(method_path: str, body: dict, expect: int) -> requests.Response | None:
        if getattr(local, "session", None) is None:
            local.session = requests.Session()
            local.session.headers["Authorization"] = f"Token {token}"
        if time.monotonic() > deadline:  # bounded: what is not sent is counted, and fails the test
            with lock:
                statuses["not sent (deadline)"] += 1
            return None
        response = local.session.post(base + method_path, json=body, timeout=60)
        with lock:
            statuses[response.status_code] += 1
            if response.status_code != expect:
                errors.append(f"{method_path}: {response.status_code} {response.text[:200]}")
        return response if response.status_code == expect else None

    def unit(u: int) -> None:
        inputs = [{"text": f"load {u}-{i} {WORDS[LABELS[i % 3]][(u + i) % 7]}"} for i in range(batch)]
        response = send(f"projects/{slug}/predict/", {"inputs": inputs}, 200)
        for n, prediction in enumerate(response.json()["predictions"] if response else []):
            body = {"verdict": "accept"} if n % 2 else {
                "verdict": "correct", "label": next(x for x in LABELS if x != prediction["label"])}
            send(f"predictions/{prediction['id']}/feedback/", body, 201)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(unit, range(total // batch)))
    elapsed = time.monotonic() - started
    requests_sent = sum(v for k, v in statuses.items() if isinstance(k, int))
    measure(load_predictions=total, load_requests=requests_sent, load_s=round(elapsed, 1),
            load_rps=round(requests_sent / elapsed, 1), load_statuses=dict(statuses))
    assert not errors, errors[:10]
    assert statuses == {200: total // batch, 201: total}, statuses

    # Exactly that many rows and audit events: nothing lost, nothing doubled.
    project_id = stack.psql(f"select id from projects_project where slug = '{slug}'")
    annotator_id = stack.psql("select id from auth_user where username = 'annotator'")
    mine = f"project_id = {project_id} and actor_id = {annotator_id}"
    assert stack.psql(f"select count(*) from predictions_prediction where {mine}") == str(total)
    assert stack.psql(f"select count(*) from feedback_feedback where project_id = {project_id}") == str(total)
    # Group commit logs one event per caller and batch, listing its prediction ids: at most one per request, and
    # every stored prediction listed exactly once.
    assert 1 <= audit_count(stack, project=slug, action="predictions.created", actor="annotator") <= total // batch
    listed = ("select (jsonb_array_elements_text(details->'ids'))::bigint as id from audit_auditevent "
              f"where project_slug = '{slug}' and action = 'predictions.created'")
    assert stack.psql(f"select count(*), count(distinct e.id) from ({listed}) e join predictions_prediction p "
                      f"on p.id = e.id where p.project_id = {project_id} and p.actor_id = {annotator_id}"
                      ) == f"{total}|{total}"
    assert stack.psql("select sum((details->>'count')::int) from audit_auditevent "
                      f"where project_slug = '{slug}' and action = 'predictions.created' "
                      f"and object_id in (select id::text from predictions_prediction where {mine})") == str(total)
    assert audit_count(stack, project=slug, action="feedback.submitted", actor="annotator") == total
    started = time.monotonic()
    report = audit_verify(stack)
    measure(verify_events=report["events"], verify_s=round(time.monotonic() - started, 1))


def test_backup_wipe_restore(stack, tmp_path):
    slug = "stack-loop" if stack.api("engineer").get("projects/stack-loop/").status_code == 200 else "stack-backup"
    if slug == "stack-backup":  # run alone: a project with a champion of its own
        new_project(stack, slug)
        stack.api("engineer").ok("POST", f"projects/{slug}/items/", json={"items": texts(8, seed=4)}, expect=201)
        promote(stack, train(stack, slug)["model_version"])
    engineer, annotator = stack.api("engineer"), stack.api("annotator")
    subject_text = "Philippa Dunmore-Askew wrote from Quillhaven"  # sealed under the subject's key
    engineer.ok("POST", f"projects/{slug}/items/", json={"items": [{"text": subject_text,
                                                                   "subject_ref": "stack-subject-1"}]}, expect=201)
    subject_item = stack.psql("select id from items_item where subject_ref = 'stack-subject-1'")
    assert "Dunmore" not in stack.psql(f"select text from items_item where id = {subject_item}")
    before = predict(annotator, slug, PROBE)
    chain = audit_verify(stack)
    env = stack.app_env()
    backup_dir = tmp_path / "backup"

    started = time.monotonic()
    run(["scripts/backup.sh", str(backup_dir)], env)
    measure(backup_s=round(time.monotonic() - started, 1),
            backup_bytes=sum(p.stat().st_size for p in backup_dir.rglob("*") if p.is_file()))

    app_services = ("beat", "worker-training", "worker", "web", "mlflow")
    for service in app_services:
        stack.stop(service)
    # The disaster: both databases and both buckets gone.
    stack.psql("DROP DATABASE hitl WITH (FORCE)", database="admin")
    stack.psql("DROP DATABASE mlflow WITH (FORCE)", database="admin")
    s3 = stack.s3()
    for bucket in (stack.env["S3_BUCKET"], stack.env["MLFLOW_ARTIFACTS_BUCKET"]):
        for key in stack.bucket_keys(bucket):
            s3.delete_object(Bucket=bucket, Key=key)
        assert stack.bucket_keys(bucket) == []

    started = time.monotonic()
    run(["scripts/restore.sh", str(backup_dir)], env)
    measure(restore_s=round(time.monotonic() - started, 1))
    for service in reversed(app_services):
        stack.start(service)
    stack.wait_ready()

    after_chain = audit_verify(stack)
    assert (after_chain["events"], after_chain["head_hash"]) == (chain["events"], chain["head_hash"])
    after = predict(annotator, slug, PROBE)
    assert after["model_version"] == before["model_version"]
    # The subject keys came back from their own dump (hitl.dump holds none), and new keys get new ids.
    assert (backup_dir / "subject-keys.dump").exists()
    assert engineer.get(f"items/{subject_item}/").json()["text"] == subject_text
    engineer.ok("POST", f"projects/{slug}/items/", json={"items": [{"text": "a later subject's text",
                                                                   "subject_ref": "stack-subject-2"}]}, expect=201)
    assert stack.psql("select count(*) from privacy_subjectkey") == "2"
    assert [(p["label"], p["probabilities"]) for p in after["predictions"]] == \
        [(p["label"], p["probabilities"]) for p in before["predictions"]]


def run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
