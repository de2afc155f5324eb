"""The embedding_lr text model family: same API as TF-IDF, through the stages and MLflow, encoder named in the model."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import skops.io

from ai_models import hard_corpus, tracking
from ai_models.encoders.features import EncoderMismatchError
from ai_models.encoders.files import MINILM_L6, EncoderFilesError, encoder_dir
from ai_models.params import TextParams
from ai_models.stages import data_formatting, evaluate, kfold_data_formatting, kfold_model_training, model_training, register
from ai_models.stages import raw as raw_stage
from ai_models.stages.common import effective_params, read_json
from ai_models.text_classification import (
    TextExample,
    model_metadata,
    predict_texts,
    train_text_classifier,
)
from ai_models.text_classification import (
    evaluate as evaluate_model,
)

LABELS = hard_corpus.labels()
EMBEDDING = TextParams(k_folds=2, model="embedding_lr")


@pytest.fixture(scope="module", autouse=True)
def encoder_installed() -> None:
    try:
        encoder_dir(MINILM_L6.id)
    except EncoderFilesError as exc:
        if os.environ.get("HITL_REQUIRE_SERVICES"):
            pytest.fail(f"the text encoder is required here: {exc}")
        pytest.skip(str(exc))


def _examples(rows: list[dict[str, str]]) -> list[TextExample]:
    return [TextExample(r["text"], r["label"]) for r in rows]


def test_params_choose_the_family() -> None:
    assert TextParams().model == "tfidf_lr"
    assert TextParams.from_params({"text_classification": {"model": "embedding_lr"}}).model == "embedding_lr"
    with pytest.raises(ValueError, match="text_classification.model must be one of"):
        TextParams.from_params({"text_classification": {"model": "bert_finetune"}})


def test_embedding_beats_tfidf_with_few_labels_on_the_hard_corpus() -> None:
    rows = hard_corpus.generate(700, seed=5)
    train, holdout = _examples(rows[:300]), _examples(rows[300:])
    tfidf = evaluate_model(train_text_classifier(train, LABELS, TextParams()), holdout, LABELS)
    embedding = evaluate_model(train_text_classifier(train, LABELS, EMBEDDING), holdout, LABELS)
    assert embedding["accuracy"] > tfidf["accuracy"] + 0.1, (embedding["accuracy"], tfidf["accuracy"])


def test_weights_predictions_and_metadata(tmp_path: Path) -> None:
    texts = ["cancel my card", "stop my debit card", "where is my parcel", "track my package"]
    labels = ["cancel_card", "cancel_card", "track_order", "track_order"]
    examples = [TextExample(t, label) for t, label in zip(texts, labels, strict=True)]
    model = train_text_classifier(examples, LABELS, TextParams(model="embedding_lr", C=10.0))
    (cancel, track) = predict_texts(model, ["terminate the visa card", "any news on my shipment"], LABELS)
    assert (cancel.label, track.label) == ("cancel_card", "track_order")
    assert sum(cancel.probabilities.values()) == pytest.approx(1.0) and cancel.probabilities["pay_loan"] == 0.0
    meta = model_metadata(model)
    assert meta["model"] == "embedding_lr" and meta["encoder"]["id"] == MINILM_L6.id
    assert meta["encoder"]["files_sha256"] == dict(MINILM_L6.files)
    # Heavier weight on the one ambiguous example decides it.
    ambiguous = TextExample("card parcel", "track_order", weight=50.0)
    weighted = train_text_classifier([*examples, ambiguous], LABELS, TextParams(model="embedding_lr"))
    assert predict_texts(weighted, ["card parcel"], LABELS)[0].label == "track_order"

    path = tmp_path / "model.skops"
    skops.io.dump(model, path)
    loaded = model_training.load_text_model(path)
    assert np.allclose(loaded.predict_proba(texts), model.predict_proba(texts))
    loaded.named_steps["sentenceembedding"].encoder_fingerprint_ = "0" * 64
    with pytest.raises(EncoderMismatchError, match="retrain the model"):
        loaded.predict(texts)


def test_stages_train_register_and_serve_an_embedding_model(tmp_path: Path, mlflow_store: Any) -> None:
    keep = {"cancel_card", "replace_card", "cancel_order", "track_order"}
    rows = [r for r in hard_corpus.generate(1200, seed=9, noise=0.0) if r["label"] in keep][:80]
    ids = iter(range(1, 10_000))
    as_raw = [{"item_id": next(ids), "text": r["text"], "label": r["label"]} for r in rows]
    params = {"K_FOLDS": 2, "SEED": 1, "text_classification": {"model": "embedding_lr", "val_fraction": 0.25}}
    labels = sorted({r["label"] for r in rows})
    ws = tmp_path
    raw_stage.write_raw(ws / "data/raw", project="hard-text", task="text_classification", labels=labels,
                        train=as_raw[:60], holdout=as_raw[60:], feedback_weight=2.0)
    data_formatting.run(ws / "data/raw", ws / "data/formatted", params)
    kfold_data_formatting.run(ws / "data/raw", ws / "data/kfold", params)
    kfold = kfold_model_training.run(ws / "data/raw", ws / "data/kfold/folds.json", ws / "data/kfold-work",
                                     ws / "metrics/kfold.json", ws / "kfold_results.csv", ws / "plots/kfold.csv",
                                     params)
    summary = model_training.run(ws / "data/formatted", ws / "data/raw", ws / "models/final", params)
    holdout = evaluate.run(ws / "models/final", ws / "data/formatted", ws / "data/raw", ws / "metrics/holdout.json",
                           ws / "plots", params)
    assert kfold["k"] == 2 and holdout["candidate"]["n"] > 0
    assert holdout["model"] == read_json(ws / "metrics/holdout.json")["model"] == "embedding_lr"  # dvc metrics show
    assert summary["text_model"]["encoder"]["fingerprint"] == MINILM_L6.fingerprint
    assert effective_params(params, "text_classification")["text_classification"]["model"] == "embedding_lr"
    registered = register.run(model_dir=ws / "models/final", raw_dir=ws / "data/raw", metrics_dir=ws / "metrics",
                              kfold_file=ws / "metrics/kfold.json", tracking_uri=mlflow_store.tracking_uri,
                              artifact_location=mlflow_store.artifact_location,
                              registered_model_name="stages-embedding", tags={"trigger": "test"})
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=mlflow_store.tracking_uri, registry_uri=mlflow_store.tracking_uri)
    run = client.get_run(registered["run_id"])
    assert run.data.tags["text_model"] == "embedding_lr" and run.data.tags["encoder"] == MINILM_L6.id
    card = json.loads(Path(client.download_artifacts(run.info.run_id, "model_card.json")).read_text())
    assert card["model"]["text_model"]["encoder"]["files_sha256"]["model.safetensors"] == \
        MINILM_L6.files["model.safetensors"]
    assert read_json(ws / "models/final/train_summary.json")["text_model"]["model"] == "embedding_lr"
    # Serving loads the downloaded folder as the backend's model cache does: MLmodel records the type skops must trust.
    folder = tracking.download_model(tracking_uri=mlflow_store.tracking_uri, name="stages-embedding",
                                     version=registered["registered_version"], dst=tmp_path / "dl")
    served = tracking.load_model_dir(folder)
    texts = ["cancel my credit card", "where is my parcel"]
    assert np.allclose(served.predict_proba(texts), model_training.load_text_model(
        ws / "models/final/model.skops").predict_proba(texts))
