"""Folds of one run on two Celery workers that share no disk: each has its own HITL_VAR_DIR (and this test process a
third), object storage is moto's S3 server and MLflow's artifacts live in the same bucket. The run completes with
folds trained by both workers; the prepared inputs and fold results travelled through the bucket, the model through
MLflow, and the run's objects are gone afterwards. Data is committed (workers must see it): live test."""
import pytest
from django.conf import settings
from django.db import connection

from apps.core.tests.fixtures import create_project, make_user
from apps.core.tests.live import start_workers, stop, wait_for
from apps.core.tests.servers import MotoServer
from apps.training.ml import load_model_version, predict_texts
from apps.training.models import RunStatus, TrainingRun
from apps.training.services import training_run_start

pytestmark = pytest.mark.live
BUCKET = "hitl-scale-out"


@pytest.fixture(scope="module")
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.close()


@pytest.fixture
def s3():
    server = MotoServer(BUCKET).start()
    yield server
    server.stop()


@pytest.fixture
def workers(committed, s3, test_tmp, monkeypatch):
    """Two workers, `wa` and `wb`, each with its own VAR_DIR; returns {hostname prefix: VAR_DIR}."""
    shared = {**s3.env(), "MLFLOW_ARTIFACT_ROOT": f"s3://{BUCKET}/mlflow",
              # what several machines share through their environment, never through a disk
              "DJANGO_SECRET_KEY": settings.SECRET_KEY, "AUDIT_HMAC_KEY": settings.AUDIT_HMAC_KEY,
              "SUBJECT_KEK": settings.SUBJECT_KEK}
    var_dirs = {name: test_tmp / f"scale-out-{name}" / "var" for name in ("wa", "wb")}
    processes = start_workers(test_tmp, [{**shared, "HITL_VAR_DIR": str(var)} for var in var_dirs.values()],
                              names=list(var_dirs))
    for name, value in s3.env().items():  # this process loads the registered model from the bucket, too
        monkeypatch.setenv(name, value)
    yield var_dirs
    for process, _ in processes:
        stop(process)


def finished(run_id: int) -> TrainingRun | None:
    run = TrainingRun.objects.get(pk=run_id)
    return run if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED) else None


def test_folds_of_one_run_on_two_workers_with_their_own_var_dirs(workers, s3, test_tmp):
    engineer = make_user("scale-out-eng", "ml_engineer")
    project = create_project(slug="scale-out", owner=engineer, seed=31, n_per_label=16)
    run = training_run_start(project=project, trigger="manual", actor=engineer)  # queued after the commit
    run = wait_for(lambda: finished(run.pk), timeout=240, what="the run on two workers",
                   log=test_tmp / "worker-wb.log")
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.kfold["k"] == 2 and len(run.kfold["folds"]) == 2

    fold_workers = [hostname.split("@")[0] for hostname in run.kfold["workers"]]  # fold i's worker, in fold order
    assert sorted(fold_workers) == ["wa", "wb"]  # one fold on each
    folders = {name: var / "work" / "training" / str(run.pk) for name, var in workers.items()}
    for fold, name in enumerate(fold_workers):
        assert (folders[name] / "data" / "kfold-work" / f"fold-{fold}" / "result.json").exists()
    for folder in folders.values():  # both trained: both had the inputs, one prepared them, the other downloaded them
        assert (folder / "data" / "kfold" / "folds.json").exists() and (folder / "data" / "raw").is_dir()
    # the finishing worker has every fold's folder and the final model, whichever worker trained them
    finisher = [f for f in folders.values() if (f / "models" / "final").is_dir()]
    assert len(finisher) == 1 and all((finisher[0] / "data" / "kfold-work" / f"fold-{i}").is_dir() for i in (0, 1))
    assert not (settings.VAR_DIR / "work" / "training" / str(run.pk)).exists()  # the API's VAR_DIR saw no file

    # the run ended: its objects go (the finishing task deletes them just after it marks the run succeeded)
    wait_for(lambda: s3.keys(f"training/{run.pk}/") == [], timeout=30, what="the run's objects to be deleted")
    assert s3.keys(f"mlflow/{project.slug}/")  # the model's artifacts are in the bucket, not on a worker's disk
    version = run.model_version
    model = load_model_version(version)  # downloaded from MLflow into this process's VAR_DIR
    predicted = predict_texts(model, ["invoice refund charged twice"], project.labels)
    assert predicted[0].label == "billing" and (settings.VAR_DIR / "model-cache" / project.slug).is_dir()
