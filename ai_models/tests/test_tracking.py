"""Tracking tests against a temporary MLflow sqlite store (see the ``mlflow_store`` fixture)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from ai_models import tracking
from ai_models.datasets import dataset_hash
from ai_models.demo_data import LABELS
from ai_models.params import TextParams
from ai_models.text_classification import (
    TextExample,
    evaluate,
    kfold_evaluate,
    predict_texts,
    train_text_classifier,
)

MODEL_NAME = "support-tickets"
PROBE = [
    "I was charged twice for my order",
    "the parcel never arrived",
    "app keeps crashing",
]


@pytest.fixture(scope="module")
def logged(demo: dict[str, list[dict[str, str]]], mlflow_store: Any) -> dict[str, Any]:
    """Train once on the seed set and log/register it twice (versions 1 and 2)."""
    params = TextParams(k_folds=3)
    train = [TextExample(r["text"], r["label"]) for r in demo["labelled"]]
    holdout = [TextExample(r["text"], r["label"]) for r in demo["holdout"][:200]]
    model = train_text_classifier(train, LABELS, params)
    kwargs: dict[str, Any] = {
        "tracking_uri": mlflow_store.tracking_uri,
        "experiment": "text-classification",
        "artifact_location": mlflow_store.artifact_location,
        "registered_model_name": MODEL_NAME,
        "model": model,
        "params": {"K_FOLDS": 3, "text_classification": params.to_dict()},
        "kfold": kfold_evaluate(train, LABELS, params),
        "holdout_metrics": evaluate(model, holdout, LABELS),
        "dataset_hash": dataset_hash((e.text, e.label, e.weight) for e in train),
        "tags": {"project_id": "1", "trigger": "test"},
        "labels": LABELS,
    }
    first = tracking.log_text_training(**kwargs)
    second = tracking.log_text_training(**kwargs)
    return {"model": model, "first": first, "second": second, "kwargs": kwargs}


def test_log_and_register_twice(logged: dict[str, Any], mlflow_store: Any) -> None:
    first, second = logged["first"], logged["second"]
    assert (first.registered_version, second.registered_version) == (1, 2)
    assert first.run_id != second.run_id
    assert second.model_uri == f"models:/{MODEL_NAME}/2"
    assert not (mlflow_store.cwd / "mlruns").exists()
    assert any((mlflow_store.root / "artifacts").iterdir())


def test_run_contents(logged: dict[str, Any], mlflow_store: Any) -> None:
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=mlflow_store.tracking_uri)
    run = client.get_run(logged["first"].run_id)
    kwargs = logged["kwargs"]
    assert run.data.tags["dataset_hash"] == kwargs["dataset_hash"]
    assert run.data.tags["project_id"] == "1"
    assert run.data.params["text_classification.C"] == "4.0"
    assert json.loads(run.data.params["labels"]) == LABELS
    metrics = run.data.metrics
    assert metrics["holdout_accuracy"] == kwargs["holdout_metrics"]["accuracy"]
    assert metrics["kfold_mean_accuracy"] == kwargs["kfold"]["mean"]["accuracy"]
    assert {"holdout_f1_macro", "kfold_std_accuracy", "kfold_k"} <= set(metrics)
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"confusion_matrix.png", "metrics.json"} <= artifacts
    children = client.search_runs(
        [run.info.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{run.info.run_id}'",
    )
    assert len(children) == kwargs["kfold"]["k"] == 3
    assert {"accuracy", "f1_macro", "n_train", "n_val"} <= set(children[0].data.metrics)


def test_aliases(logged: dict[str, Any], mlflow_store: Any) -> None:
    uri = mlflow_store.tracking_uri
    assert (
        tracking.get_alias_version(
            tracking_uri=uri, name=MODEL_NAME, alias="production"
        )
        is None
    )
    assert (
        tracking.get_alias_version(tracking_uri=uri, name="no-such-model", alias="x")
        is None
    )
    tracking.set_alias(tracking_uri=uri, name=MODEL_NAME, alias="production", version=1)
    assert (
        tracking.get_alias_version(
            tracking_uri=uri, name=MODEL_NAME, alias="production"
        )
        == 1
    )
    tracking.set_alias(tracking_uri=uri, name=MODEL_NAME, alias="production", version=2)
    assert (
        tracking.get_alias_version(
            tracking_uri=uri, name=MODEL_NAME, alias="production"
        )
        == 2
    )


def test_load_model_predicts_the_same(
    logged: dict[str, Any], mlflow_store: Any
) -> None:
    loaded = tracking.load_model(
        tracking_uri=mlflow_store.tracking_uri, name=MODEL_NAME, version=2
    )
    assert predict_texts(loaded, PROBE, LABELS) == predict_texts(
        logged["model"], PROBE, LABELS
    )


def test_load_model_in_another_process(
    logged: dict[str, Any], mlflow_store: Any
) -> None:
    """The serving process loads what the training worker logged."""
    code = (
        "import json, sys\n"
        "from ai_models import tracking\n"
        f"m = tracking.load_model(tracking_uri={mlflow_store.tracking_uri!r}, "
        f"name={MODEL_NAME!r}, version=1)\n"
        f"print(json.dumps(m.predict_proba({PROBE!r}).round(6).tolist()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    expected = logged["model"].predict_proba(PROBE).round(6).tolist()
    assert json.loads(out.strip().splitlines()[-1]) == expected
