"""`make bench`'s pieces stay runnable: the reference server serves the champion's model file, the load generator
measures it, the audit rows run, and the table lands in results JSON and between the markers of the docs page."""
import json

import pytest

from apps.core.tests.fixtures import create_project, train_inline
from apps.demo.bench import measure, report
from apps.demo.bench.servers import load, post_json, reference_server
from apps.predictions.model_cache import serving_model
from apps.training.ml import predict_texts, text_model_folder

pytestmark = pytest.mark.django_db


def test_reference_server_loadgen_and_report(users, tmp_path):
    project = create_project(slug="bench", owner=users["engineer"])
    train_inline(project, users["engineer"])
    champion, model = serving_model(project)
    text = "my invoice was charged twice"
    with reference_server(text_model_folder(champion), workers=1) as ref:
        status, answer = post_json(ref.base + "/predict", {"text": text})
        step = load(ref.base + "/predict", connections=4, duration=1.0, warmup=0.2,
                    body=json.dumps({"text": f"{text} @N@"}))
        ping = measure.loadgen_cost(ref, duration=0.5)
        assert ref.worker_pids()
    # The same model file as the platform serves: the same label and probabilities as in-process.
    (expected,) = predict_texts(model, [text], project.labels)
    assert status == 200 and answer["label"] == expected.label
    assert answer["probabilities"] == pytest.approx({k: v for k, v in expected.probabilities.items() if v}, abs=1e-6)
    assert step["ok"] == step["requests"] > 10 and step["errors"] == 0
    assert 0 < step["p50_ms"] <= step["p95_ms"] <= step["p99_ms"] and 0.5 < step["seconds"] < 3
    assert ping["ok"] > 0 and ping["loadgen_cpu_ms_per_request"] > 0
    # TCP_NODELAY on the reference's socket: without it every keep-alive answer waited ~40 ms for a delayed ACK.
    assert ping["p50_ms"] < 30

    events = measure.audit_append(count=20, threads=1)  # the test's own transaction: other threads would wait on it
    assert events["single"]["events"] == 20 and events["batch"]["events"] == 80 and events["batch"]["batch"] == 50
    verify = measure.audit_verify(events=150)  # 100 appended above: tops the chain up with the batch append
    assert verify["ok"] and verify["events"] >= 150 and verify["synthetic_added"] > 0

    results = report.stamp({"single_text": [{"connections": 8, "reference": step, "ratio": 0.5,
                                              "platform": {**step, "stored": step["ok"]}}],
                            "audit_append": events, "audit_verify": verify, "chain_ok_after": verify["ok"]},
                           command="test")
    assert {"machine", "commit", "date", "database"} <= set(results) and results["machine"]["cores"] >= 1
    assert json.loads(json.dumps(results))["single_text"][0]["reference"]["ok"] == step["ok"]  # results.json
    docs = tmp_path / "performance.md"
    docs.write_text(f"# Performance\n\nHand-written.\n\n{report.BEGIN}\nold table\n{report.END}\n\nAfter.\n")
    report.update_docs(docs, results)
    report.update_docs(docs, results)
    page = docs.read_text()
    assert page.count(report.BEGIN) == 1 and "old table" not in page and "Hand-written." in page and "After." in page
    assert "predict 1 text/request, 8 conn" in page and "| 0.50× | ≥ 1.0×, p99 ≤ 25 ms | no |" in page
    assert "audit_verify over" in page and "`test`" in page
    assert "audit append, 1 event/transaction" in page and "as group commit appends" in page
