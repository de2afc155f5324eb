"""The pipeline stages (ai_models.stages) on a tiny text project, end to end against a temporary MLflow store."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ai_models import tracking
from ai_models.params import TextParams
from ai_models.stages import (
    data_formatting,
    evaluate,
    kfold_data_formatting,
    kfold_model_training,
    model_training,
    raw,
    register,
)
from ai_models.stages.common import read_csv, read_json
from ai_models.stages.evaluation_files import headline, read_evaluation
from ai_models.text_classification import kfold_evaluate, train_text_classifier

LABELS = ["billing", "shipping", "tech"]
PARAMS: dict[str, Any] = {
    "K_FOLDS": 2,
    "SEED": 1,
    "EPOCHS": 1,
    "BATCH_SIZE": 4,
    "IMG_SIZE": 64,
    "PATIENCE": 1,
    "text_classification": {"val_fraction": 0.25, "max_iter": 500},
    "object_detection": {"kfold_epochs": 1, "conf": 0.001, "model": "yolo11n.yaml", "val_fraction": 0.25},
}
WORDS = {
    "billing": ["invoice", "charged", "refund", "payment", "card", "price"],
    "shipping": ["parcel", "delivery", "courier", "tracking", "package", "arrived"],
    "tech": ["crash", "login", "error", "app", "password", "update"],
}
FILLER = ["please", "help", "my", "the", "today", "again", "thanks", "order"]
ROOT = Path(__file__).resolve().parents[2]


def _texts(n_per_label: int, seed: int, first_id: int, weights: bool) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n_per_label * len(LABELS)):
        label = LABELS[i % len(LABELS)]
        words = rng.sample(WORDS[label], 3) + rng.sample(FILLER, 3)
        rng.shuffle(words)
        row = {"item_id": first_id + i, "text": " ".join(words), "label": label}
        if weights:
            row["weight"] = 2.0 if i % 5 == 0 else 1.0
        rows.append(row)
    return rows


TRAIN = _texts(14, 0, 1, True)  # 42 texts, 14 per label
HOLDOUT = _texts(4, 1, 1001, False)  # 12 texts


def _write(out: Path, **kw: Any) -> dict[str, Any]:
    args = {"project": "tiny-text", "task": "text_classification", "labels": LABELS, "train": TRAIN,
            "holdout": HOLDOUT, "feedback_weight": 2.0}
    return raw.write_raw(out, **{**args, **kw})


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory, mlflow_store: Any) -> dict[str, Any]:
    """Every stage once, in dvc.yaml's order, in a DVC-like workspace."""
    ws = tmp_path_factory.mktemp("text-ws")
    manifest = _write(ws / "data/raw")
    out: dict[str, Any] = {"ws": ws, "manifest": manifest}
    out["formatted"] = data_formatting.run(ws / "data/raw", ws / "data/formatted", PARAMS)
    out["folds"] = kfold_data_formatting.run(ws / "data/raw", ws / "data/kfold", PARAMS)
    out["kfold"] = kfold_model_training.run(
        ws / "data/raw", ws / "data/kfold/folds.json", ws / "data/kfold-work", ws / "metrics/kfold.json",
        ws / "kfold_results.csv", ws / "plots/kfold.csv", PARAMS,
    )
    out["train"] = model_training.run(ws / "data/formatted", ws / "data/raw", ws / "models/final", PARAMS)
    out["holdout"] = evaluate.run(ws / "models/final", ws / "data/formatted", ws / "data/raw",
                                  ws / "metrics/holdout.json", ws / "plots", PARAMS)
    out["registered"] = register.run(
        model_dir=ws / "models/final", raw_dir=ws / "data/raw", metrics_dir=ws / "metrics",
        kfold_file=ws / "metrics/kfold.json", tracking_uri=mlflow_store.tracking_uri,
        artifact_location=mlflow_store.artifact_location, registered_model_name="stages-text",
        tags={"trigger": "test"},
    )
    return out


def test_write_raw_contract(tmp_path: Path) -> None:
    manifest = _write(tmp_path / "a", champion={"number": 3, "registered_model_name": "x", "registered_version": 7,
                                                "ignored": True})
    assert set(manifest) == {"project", "task", "labels", "content_hash", "holdout_hash", "counts", "feedback_weight",
                             "champion"}
    assert manifest["champion"] == {"number": 3, "registered_model_name": "x", "registered_version": 7}
    assert manifest["counts"]["per_label"] == dict.fromkeys(LABELS, 14)
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["holdout.jsonl", "manifest.json", "train.jsonl"]
    train = [json.loads(line) for line in (tmp_path / "a/train.jsonl").read_text().splitlines()]
    holdout = [json.loads(line) for line in (tmp_path / "a/holdout.jsonl").read_text().splitlines()]
    assert [r["item_id"] for r in train] == sorted(r["item_id"] for r in TRAIN)
    assert set(train[0]) == {"item_id", "text", "label", "weight"} and set(holdout[0]) == {"item_id", "text", "label"}
    # same data in another order -> byte-identical files; a changed label -> another content hash
    _write(tmp_path / "b", champion={"number": 3, "registered_model_name": "x", "registered_version": 7},
           train=list(reversed(TRAIN)))
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    changed = [dict(TRAIN[0], label="tech"), *TRAIN[1:]]
    assert _write(tmp_path / "c", train=changed)["content_hash"] != manifest["content_hash"]
    with pytest.raises(ValueError, match="not in the project's label set"):
        _write(tmp_path / "d", train=[*TRAIN, {"item_id": 999, "text": "x", "label": "nope", "weight": 1.0}])


def test_data_formatting_table_and_determinism(pipeline: dict[str, Any], tmp_path: Path) -> None:
    ws = pipeline["ws"]
    rows = read_csv(ws / "data/formatted/table.csv")
    assert list(rows[0]) == ["item_id", "text", "label", "weight", "split", "provenance"]
    counts = pipeline["formatted"]["counts"]
    assert counts == {"train": 30, "val": 12, "holdout": 12}  # round(14 * 0.25) = 4 val rows per label
    assert pipeline["formatted"]["per_label"]["val"] == dict.fromkeys(LABELS, 4)
    assert sum(r["split"] == "holdout" for r in rows) == 12
    summary = read_json(ws / "data/formatted/summary.json")
    assert not set(summary["items"]["train"]) & set(summary["items"]["val"])
    before = _files(ws / "data/formatted")
    data_formatting.run(ws / "data/raw", ws / "data/formatted", PARAMS)
    assert _files(ws / "data/formatted") == before
    other = data_formatting.run(ws / "data/raw", tmp_path / "f", {**PARAMS, "SEED": 2})
    assert other["counts"] == counts and (tmp_path / "f/table.csv").read_bytes() != before["table.csv"]


def test_folds_partition_the_training_rows(pipeline: dict[str, Any]) -> None:
    folds = read_json(pipeline["ws"] / "data/kfold/folds.json")
    assert folds["k"] == 2 and folds["seed"] == 1 and len(folds["folds"]) == 2
    vals = [set(f["val"]) for f in folds["folds"]]
    assert not vals[0] & vals[1]
    assert vals[0] | vals[1] == {r["item_id"] for r in TRAIN}
    for fold in folds["folds"]:
        assert not set(fold["train"]) & set(fold["val"])


def test_kfold_outputs_match_kfold_evaluate(pipeline: dict[str, Any]) -> None:
    ws, kfold = pipeline["ws"], pipeline["kfold"]
    assert read_json(ws / "metrics/kfold.json") == kfold
    assert set(kfold) == {"k", "folds", "mean", "std"} and kfold["k"] == 2
    assert set(kfold["folds"][0]) == {"fold", "n_train", "n_val", "accuracy", "f1_macro"}
    expected = kfold_evaluate(raw.text_examples(TRAIN), LABELS, TextParams.from_params(PARAMS))
    assert kfold == expected  # same splits, same models, same numbers as the library's k-fold
    table = read_csv(ws / "kfold_results.csv")
    assert [r["fold"] for r in table] == ["0", "1"] and list(table[0]) == ["fold", "n_train", "n_val", "accuracy",
                                                                           "f1_macro"]
    plot = read_csv(ws / "plots/kfold.csv")
    assert list(plot[0]) == ["fold", "accuracy", "f1_macro"] and len(plot) == 2
    assert (ws / "data/kfold-work/fold-1/result.json").is_file()


def test_train_fold_and_aggregate_in_any_order(pipeline: dict[str, Any], tmp_path: Path) -> None:
    ws = pipeline["ws"]
    folds_file = ws / "data/kfold/folds.json"
    results = [kfold_model_training.train_fold(ws / "data/raw", folds_file, i, tmp_path / f"w{i}", PARAMS)
               for i in (1, 0)]
    agg = kfold_model_training.aggregate(results, tmp_path / "k.json", tmp_path / "t.csv", tmp_path / "p.csv",
                                         folds_file=folds_file)
    assert agg == pipeline["kfold"]
    with pytest.raises(ValueError, match="do not match"):
        kfold_model_training.aggregate(results[:1], tmp_path / "k.json", tmp_path / "t.csv", tmp_path / "p.csv",
                                       folds_file=folds_file)
    with pytest.raises(ValueError, match="no fold 5"):
        kfold_model_training.train_fold(ws / "data/raw", folds_file, 5, tmp_path / "w5", PARAMS)


def test_kfold_skipped_when_a_label_has_one_example(tmp_path: Path) -> None:
    train = [r for r in TRAIN if r["label"] != "tech"] + [next(r for r in TRAIN if r["label"] == "tech")]
    _write(tmp_path / "raw", train=train)
    result = kfold_data_formatting.run(tmp_path / "raw", tmp_path / "kfold", PARAMS)
    assert result["k"] == 0 and "only 1 example" in result["skipped"]
    kfold = kfold_model_training.run(tmp_path / "raw", tmp_path / "kfold/folds.json", tmp_path / "work",
                                     tmp_path / "m/kfold.json", tmp_path / "t.csv", tmp_path / "p.csv", PARAMS)
    assert kfold == {"k": 0, "folds": [], "mean": {}, "std": {}, "skipped": result["skipped"]}


def test_model_training_output(pipeline: dict[str, Any]) -> None:
    final = pipeline["ws"] / "models/final"
    assert sorted(p.name for p in final.iterdir()) == ["model.skops", "registered.json", "train_summary.json"]
    summary = read_json(final / "train_summary.json")
    assert summary["n_train"] == 42 and summary["init"] == "scratch" and summary["labels"] == LABELS
    assert summary["params"]["text_classification"]["val_fraction"] == 0.25
    assert summary["params"]["text_classification"]["max_iter"] == 500
    model = model_training.load_text_model(final / "model.skops")
    assert [str(c) for c in model.classes_] == LABELS
    assert model.predict(["refund my invoice payment"])[0] == "billing"


def test_evaluate_outputs_and_champion_side_by_side(pipeline: dict[str, Any], tmp_path: Path) -> None:
    ws, holdout = pipeline["ws"], pipeline["holdout"]
    assert holdout["champion"] is None and holdout["delta"] is None and holdout["metric"] == "f1_macro"
    assert holdout["candidate"]["n"] == 12 and "confusion_matrix" in holdout["candidate"]
    assert holdout["model"] == "tfidf_lr"
    # the metrics file: headline figures only (what `dvc metrics show` makes columns of) ...
    assert read_json(ws / "metrics/holdout.json") == {
        "model": "tfidf_lr", "metric": "f1_macro", "champion": None, "champion_number": None, "delta": None,
        "candidate": {k: holdout["candidate"][k] for k in ("accuracy", "f1_macro", "n")}}
    # ... the per-class table and the confusion matrix in plot files, from which the whole evaluation comes back
    per_class = read_csv(ws / "plots/per_class_f1.csv")
    assert [r["label"] for r in per_class] == LABELS
    assert [float(r["f1"]) for r in per_class] == [holdout["candidate"]["per_class"][label]["f1"] for label in LABELS]
    assert {r["champion_f1"] for r in per_class} == {""}
    confusion = read_csv(ws / "plots/confusion_matrix.csv")
    assert len(confusion) == 12 and list(confusion[0]) == ["actual", "predicted"]
    assert sum(r["actual"] == r["predicted"] for r in confusion) == round(holdout["candidate"]["accuracy"] * 12)
    assert not (ws / "plots/champion_confusion_matrix.csv").exists()
    assert read_evaluation(ws / "metrics/holdout.json", ws / "plots") == holdout
    assert (ws / "plots/confusion_matrix.png").read_bytes()[:4] == b"\x89PNG"
    assert (ws / "plots/kfold.csv").is_file()  # evaluate leaves the other stages' plots alone
    weak = train_text_classifier(raw.text_examples(TRAIN[:6]), LABELS, TextParams.from_params(PARAMS))
    both = evaluate.run(ws / "models/final", ws / "data/formatted", ws / "data/raw", tmp_path / "h.json",
                        tmp_path / "plots", PARAMS, champion_model=weak, metric="accuracy")
    assert both["champion"]["n"] == 12 and both["metric"] == "accuracy"
    assert both["delta"] == round(both["candidate"]["accuracy"] - both["champion"]["accuracy"], 6)
    assert read_json(tmp_path / "h.json") == headline(both)
    assert read_json(tmp_path / "h.json")["champion"] == {k: both["champion"][k] for k in ("accuracy", "f1_macro")}
    assert [r["champion_f1"] for r in read_csv(tmp_path / "plots/per_class_f1.csv")] == [
        str(both["champion"]["per_class"][label]["f1"]) for label in LABELS]
    assert len(read_csv(tmp_path / "plots/champion_confusion_matrix.csv")) == 12
    assert read_evaluation(tmp_path / "h.json", tmp_path / "plots") == both
    same = evaluate.run(ws / "models/final", ws / "data/formatted", ws / "data/raw", tmp_path / "s.json",
                        tmp_path / "plots", PARAMS, champion_model=ws / "models/final/model.skops")
    assert same["delta"] == 0.0 and same["champion"] == same["candidate"]


def test_model_handed_on_in_memory_evaluates_as_its_file(pipeline: dict[str, Any], tmp_path: Path) -> None:
    """The backend runs model_training, evaluate and register in one process: the fitted pipeline is handed on
    (on_model) instead of read back from model.skops, with the same holdout results as the saved file."""
    ws, fitted = pipeline["ws"], []
    model_training.run(ws / "data/formatted", ws / "data/raw", tmp_path / "final", PARAMS, on_model=fitted.append)
    saved = model_training.load_text_model(tmp_path / "final/model.skops")
    assert len(fitted) == 1 and saved.predict_proba(["refund my invoice"]).tolist() == fitted[0].predict_proba(
        ["refund my invoice"]).tolist()
    handed = evaluate.run(tmp_path / "missing", ws / "data/formatted", ws / "data/raw", tmp_path / "h.json",
                          tmp_path / "plots", PARAMS, candidate_model=fitted[0])
    assert handed == pipeline["holdout"]


def test_register_logs_parent_and_fold_runs(pipeline: dict[str, Any], mlflow_store: Any) -> None:
    from mlflow.tracking import MlflowClient

    ws, registered = pipeline["ws"], pipeline["registered"]
    assert read_json(ws / "models/final/registered.json") == registered
    assert registered["registered_model_name"] == "stages-text" and registered["registered_version"] == 1
    client = MlflowClient(tracking_uri=mlflow_store.tracking_uri, registry_uri=mlflow_store.tracking_uri)
    parent = client.get_run(registered["run_id"])
    assert parent.data.tags["dataset_hash"] == pipeline["manifest"]["content_hash"]
    assert parent.data.tags["task"] == "text_classification" and parent.data.tags["trigger"] == "test"
    assert parent.data.params["text_classification.C"] == "4.0" and parent.data.params["K_FOLDS"] == "2"
    metrics = parent.data.metrics
    assert metrics["holdout_f1_macro"] == pipeline["holdout"]["candidate"]["f1_macro"]
    for label, scores in pipeline["holdout"]["candidate"]["per_class"].items():  # read from the plot files
        assert metrics[f"holdout_f1_{label}"] == scores["f1"]
    assert metrics["kfold_mean_accuracy"] == pipeline["kfold"]["mean"]["accuracy"] and metrics["kfold_k"] == 2
    children = client.search_runs([parent.info.experiment_id],
                                  filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert sorted(r.info.run_name for r in children) == ["fold-0", "fold-1"]
    assert {r.data.metrics["accuracy"] for r in children} == {f["accuracy"] for f in pipeline["kfold"]["folds"]}
    artifacts = {a.path for a in client.list_artifacts(parent.info.run_id)}
    assert {"metrics", "plots", "model_card.json", "kfold_results.csv", "train_summary.json"} <= artifacts
    plots = {a.path for a in client.list_artifacts(parent.info.run_id, "plots")}
    assert {"plots/confusion_matrix.csv", "plots/confusion_matrix.png", "plots/kfold.csv",
            "plots/per_class_f1.csv"} <= plots
    card = json.loads(Path(client.download_artifacts(parent.info.run_id, "model_card.json")).read_text())
    assert card["data"]["content_hash"] == pipeline["manifest"]["content_hash"] and card["limitations"]
    assert card["metrics"]["holdout"]["per_class"] == pipeline["holdout"]["candidate"]["per_class"]
    model = tracking.load_model(tracking_uri=mlflow_store.tracking_uri, name="stages-text", version=1)
    assert model.predict(["refund my invoice payment"])[0] == "billing"
    assert tracking.get_alias_version(tracking_uri=mlflow_store.tracking_uri, name="stages-text",
                                      alias="champion") is None


def test_register_into_callers_run_with_dvc_lock(
    pipeline: dict[str, Any], mlflow_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlflow
    from mlflow.tracking import MlflowClient

    ws = pipeline["ws"]
    lock = {"schema": "2.0", "stages": {"data_formatting": {"cmd": "python -m x", "outs": [
        {"path": "data/formatted", "md5": "abc.dir", "size": 1, "nfiles": 2}]}}}
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dvc.lock").write_text(yaml.safe_dump(lock))
    tracking.configure(mlflow_store.tracking_uri)
    experiment_id = tracking.ensure_experiment("stages-text-celery", mlflow_store.artifact_location)
    with mlflow.start_run(experiment_id=experiment_id) as run:
        registered = register.run(
            model_dir=ws / "models/final", raw_dir=ws / "data/raw", metrics_dir=ws / "metrics",
            kfold_file=ws / "metrics/kfold.json", tracking_uri=mlflow_store.tracking_uri, artifact_location=None,
            registered_model_name="stages-text", tags={"trigger": "celery"}, parent_run_id=run.info.run_id,
        )
        assert mlflow.active_run().info.run_id == run.info.run_id  # the caller's run stays open
    assert registered["run_id"] == run.info.run_id and registered["registered_version"] == 2
    client = MlflowClient(tracking_uri=mlflow_store.tracking_uri)
    tags = client.get_run(run.info.run_id).data.tags
    assert len(tags["dvc.data_formatting.md5"]) == 32
    children = client.search_runs([experiment_id], filter_string=f"tags.mlflow.parentRunId = '{run.info.run_id}'")
    assert len(children) == 2
    assert {a.path for a in client.list_artifacts(run.info.run_id, "dvc")} == {"dvc/dvc.lock"}


def test_stage_mains_via_subprocess(pipeline: dict[str, Any], tmp_path: Path) -> None:
    ws = pipeline["ws"]
    params = tmp_path / "params.yaml"
    params.write_text(yaml.safe_dump(PARAMS))
    for module, out in (("data_formatting", "formatted"), ("kfold_data_formatting", "kfold")):
        (tmp_path / out).mkdir()
        (tmp_path / out / "stale.txt").write_text("old")
        proc = subprocess.run(
            [sys.executable, "-m", f"ai_models.stages.{module}", "--params", str(params), "--raw",
             str(ws / "data/raw"), "--out", str(tmp_path / out)],
            capture_output=True, text=True, cwd=tmp_path, timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert _files(tmp_path / out) == _files(ws / "data" / out)  # stale file gone, same bytes as run()
    assert json.loads(proc.stdout)["k"] == 2


def test_params_yaml_is_accepted() -> None:
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    from ai_models.stages.common import effective_params

    text = effective_params(params, "text_classification")
    assert 0 <= text["text_classification"]["val_fraction"] < 1 and text["K_FOLDS"] == params["K_FOLDS"]
    detection = effective_params(params, "object_detection")
    assert detection["EPOCHS"] == params["EPOCHS"] and set(detection["object_detection"]) == {
        "model", "val_fraction", "conf", "kfold_epochs"}


def test_every_main_with_dvc_default_paths(
    pipeline: dict[str, Any], tmp_path: Path, mlflow_store: Any, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The stages as `dvc repro` runs them (default paths = dvc.yaml's), in-process for speed; the champion is
    the pipeline fixture's registered model, which evaluate's main() loads from the registry."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_store.tracking_uri)
    monkeypatch.setenv("MLFLOW_ARTIFACT_ROOT", str(mlflow_store.root / "artifacts-main"))
    Path("params.yaml").write_text(yaml.safe_dump(PARAMS))
    _write(Path("data/raw"), project="tiny-text-dvc",
           champion={"number": 1, "registered_model_name": "stages-text", "registered_version": 1})
    for stage in (data_formatting, kfold_data_formatting, kfold_model_training, model_training, evaluate):
        assert stage.main([]) == 0
    assert register.main(["--tag", "who=test", "--out", "models/registered.json"]) == 0
    printed = json.loads("{" + capsys.readouterr().out.rsplit("\n{", 1)[-1])  # register's result, last printed
    assert printed["registered_model_name"] == "tiny-text-dvc"
    registered = read_json(Path("models/registered.json"))
    assert registered["registered_model_name"] == "tiny-text-dvc" and registered["registered_version"] == 1
    assert not Path("models/final/registered.json").exists()
    holdout = read_evaluation(Path("metrics/holdout.json"), Path("plots"))
    assert holdout["champion"] == pipeline["holdout"]["candidate"] and holdout["champion_number"] == 1
    for path in ("data/formatted/table.csv", "data/kfold/folds.json", "metrics/kfold.json", "kfold_results.csv",
                 "plots/kfold.csv", "models/final/model.skops", "metrics/holdout.json", "plots/confusion_matrix.csv",
                 "plots/champion_confusion_matrix.csv", "plots/per_class_f1.csv"):
        assert Path(path).is_file(), path
    from mlflow.tracking import MlflowClient

    run = MlflowClient(tracking_uri=mlflow_store.tracking_uri).get_run(registered["run_id"])
    assert run.data.tags["who"] == "test" and run.data.tags["trigger"] == "dvc"
    assert run.info.artifact_uri.startswith((mlflow_store.root / "artifacts-main" / "tiny-text-dvc").as_uri())


def test_the_snapshot_names_the_projects_text_model_for_the_training_stages(tmp_path: Path) -> None:
    """Under `dvc repro` a project trains its own family (manifest `text_model`, written by the platform's collect
    step) whatever params.yaml's default; a snapshot that names none keeps params.yaml's value."""
    from ai_models.stages.common import project_text_model

    _write(tmp_path / "embedding", extra={"text_model": "embedding_lr"})
    _write(tmp_path / "none")
    params = {"K_FOLDS": 2, "text_classification": {"model": "tfidf_lr", "C": 2.0}}
    chosen = project_text_model(params, tmp_path / "embedding")
    assert chosen["text_classification"] == {"model": "embedding_lr", "C": 2.0}
    assert params["text_classification"]["model"] == "tfidf_lr"  # the input is not changed
    assert project_text_model(params, tmp_path / "none") == params
    assert project_text_model(params, tmp_path / "missing") == params

    formatted = tmp_path / "formatted"
    data_formatting.run(tmp_path / "embedding", formatted, PARAMS)
    assert model_training.main(["--params", str(ROOT / "params.yaml"), "--formatted", str(formatted), "--raw",
                                str(tmp_path / "embedding"), "--out", str(tmp_path / "model")]) == 0
    summary = read_json(tmp_path / "model/train_summary.json")
    assert summary["text_model"]["model"] == "embedding_lr"
    assert summary["params"]["text_classification"]["model"] == "embedding_lr"
