"""`dvc repro` for real, on committed projects (the first stage runs `manage.py collect_training_data` in a
subprocess against the test database), in a scratch DVC workspace holding this repository's dvc.yaml."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from apps.core.tests.fixtures import create_project, make_user
from apps.core.tests.live import child_env
from apps.training.models import ModelVersion

pytestmark = pytest.mark.live
REPO = Path(__file__).resolve().parents[4]
SMALL = {"K_FOLDS": 2, "SEED": 1, "EPOCHS": 1, "BATCH_SIZE": 4, "IMG_SIZE": 64, "PATIENCE": 1}


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield


def workspace(root: Path, project: str) -> tuple[Path, dict]:
    """A git + DVC repo with the real dvc.yaml, params.yaml shrunk for speed, the code linked in."""
    root.mkdir(parents=True)
    shutil.copy(REPO / "dvc.yaml", root / "dvc.yaml")
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params.update(SMALL, PROJECT=project)
    params["object_detection"].update(kfold_epochs=1, conf=0.001)
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    os.symlink(REPO / "backend", root / "backend")
    shutil.copytree(REPO / "ai_models", root / "ai_models", ignore=shutil.ignore_patterns("tests", "*.egg-info",
                                                                                          "__pycache__"))
    # PYTHONPATH: the stages import the copied ai_models, not whichever checkout the venv installed (editable)
    env = {**child_env(), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(root / "ai_models"), os.environ.get("PYTHONPATH")])),
           "MLFLOW_TRACKING_URI": settings.MLFLOW_TRACKING_URI, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    for command in (["git", "init", "-q"], ["dvc", "init", "-q"], ["git", "add", "-A"],
                    ["git", "commit", "-qm", "pipeline"]):
        subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)
    return root, env


def _scalars(data) -> list:
    """What `dvc metrics show` makes columns of: the scalars reached through dicts (it leaves lists out)."""
    if isinstance(data, dict):
        return [leaf for value in data.values() for leaf in _scalars(value)]
    return [] if isinstance(data, list) else [data]


def repro(root: Path, env: dict, *args: str) -> str:
    done = subprocess.run(["dvc", "repro", *args], cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return done.stdout


def ran(output: str) -> set[str]:
    return {line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage")}


def test_text_pipeline_reproduces_registers_and_reruns_only_what_changed(committed, test_tmp):
    from mlflow.tracking import MlflowClient

    owner = make_user("dvc-eng", "ml_engineer")
    project = create_project(slug="dvc-text", owner=owner, seed=21)
    root, env = workspace(test_tmp / "dvc-text", "dvc-text")
    first = repro(root, env)
    assert ran(first) == {"data_collection", "data_formatting", "kfold_data_formatting", "kfold_model_training",
                          "model_training", "evaluate", "register"}
    holdout = json.loads((root / "metrics" / "holdout.json").read_text())
    kfold = json.loads((root / "metrics" / "kfold.json").read_text())
    assert holdout["candidate"]["accuracy"] > 0.5 and kfold["k"] == 2 and len(kfold["folds"]) == 2
    assert holdout["model"] == "tfidf_lr" and "per_class" not in holdout["candidate"]  # headline figures only
    assert (root / "kfold_results.csv").read_text().count("\n") == 3
    per_class = (root / "plots" / "evaluate" / "per_class_f1.csv").read_text().splitlines()
    assert per_class[0].startswith("label,precision,recall,f1,support,champion_") and len(per_class) == 4
    version = ModelVersion.objects.get(project=project)
    assert version.training_run.trigger == "dvc" and version.status == "champion"  # the first model
    # propose_candidate read the per-class table and the confusion matrix back from the plot files
    assert set(version.metrics["per_class"]) == set(project.labels) == set(version.metrics["confusion_matrix"]["labels"])
    assert sum(map(sum, version.metrics["confusion_matrix"]["matrix"])) == holdout["candidate"]["n"]
    assert version.model_card["evaluation"]["per_class"] == version.metrics["per_class"]
    client = MlflowClient(settings.MLFLOW_TRACKING_URI)
    children = client.search_runs([client.get_run(version.mlflow_run_id).info.experiment_id],
                                  filter_string=f"tags.mlflow.parentRunId = '{version.mlflow_run_id}'")
    assert len(children) == 2
    assert client.get_run(version.mlflow_run_id).data.tags.get("dataset_hash")

    # The first model became champion, and the champion is part of the snapshot (the candidate is compared with
    # it), so the next repro retrains once; its candidate ties and is rejected, the champion stays.
    repro(root, env)
    assert ModelVersion.objects.get(project=project, number=2).status == "rejected"
    second = json.loads((root / "metrics" / "holdout.json").read_text())
    assert second["champion_number"] == 1 and second["delta"] == 0.0 and set(second["champion"]) == {"accuracy",
                                                                                                     "f1_macro"}
    assert (root / "plots" / "evaluate" / "champion_confusion_matrix.csv").is_file()
    assert ran(repro(root, env)) == {"data_collection"}  # nothing changed: only the snapshot is taken again

    params = yaml.safe_load((root / "params.yaml").read_text())
    params["K_FOLDS"] = 3
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    rerun = ran(repro(root, env))
    assert {"kfold_data_formatting", "kfold_model_training"} <= rerun
    assert not rerun & {"data_formatting", "model_training", "evaluate"}
    metrics = subprocess.run(["dvc", "metrics", "show", "--json"], cwd=root, env=env, capture_output=True, text=True)
    assert metrics.returncode == 0 and "holdout.json" in metrics.stdout
    shown = json.loads(metrics.stdout)[""]["data"]
    columns = {name: len(_scalars(entry["data"])) for name, entry in shown.items()}
    assert columns == {"metrics/holdout.json": 9, "metrics/kfold.json": 5}  # was 49 + 5: every class, twice
    params = subprocess.run(["dvc", "params", "diff"], cwd=root, env=env, capture_output=True, text=True)
    assert params.returncode == 0 and "K_FOLDS" in params.stdout
    plots = subprocess.run(["dvc", "plots", "show", "-o", str(root / "plots-html")], cwd=root, env=env,
                           capture_output=True, text=True)
    assert plots.returncode == 0 and (root / "plots-html" / "index.html").exists()
    page = (root / "plots-html" / "index.html").read_text()
    for title in ("Per-class F1, candidate (text)", "Per-class F1, champion on the same holdout (text)",
                  "Confusion matrix, champion, same holdout", "K-fold score per fold"):
        assert f'"text": "{title}"' in page, title


def test_detection_pipeline_reproduces(committed, test_tmp):
    from apps.core.tests.images import shapes_image
    from apps.items.image_import import images_import
    from apps.projects.services import project_create

    owner = make_user("dvc-eng-2", "ml_engineer")
    project = project_create(slug="dvc-shapes", name="s", task="object_detection",
                             labels=["circle", "square", "triangle"], creator=owner)
    for split, seeds in (("pool", range(10)), ("holdout", range(50, 53))):
        images = [shapes_image(seed) for seed in seeds]
        images_import(project=project, files=[(f"{split}{i}.png", d) for i, (d, _) in enumerate(images)],
                      boxes_by_name={f"{split}{i}.png": b for i, (_, b) in enumerate(images)}, split=split,
                      actor=owner)
    root, env = workspace(test_tmp / "dvc-shapes", "dvc-shapes")
    repro(root, env)
    holdout = json.loads((root / "metrics" / "holdout.json").read_text())
    assert set(holdout["candidate"]) == {"map50", "map50_95", "n"} and holdout["model"] == "yolo11n.yaml"
    version = ModelVersion.objects.get(project=project)
    assert version.registered_version >= 1
    assert set(version.metrics["per_class"]) == {"circle", "square", "triangle"}  # from plots/evaluate/per_class_ap.csv
    assert version.metrics["confusion_matrix"]["labels"] == ["circle", "square", "triangle", "background"]
