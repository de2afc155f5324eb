"""The run store (apps.training.run_store) on moto's S3 server: what one worker puts, a worker with another VAR_DIR
gets back byte for byte; the run's objects go when it ends; with the local storage nothing moves."""
import pytest

from apps.core.tests.servers import MotoServer
from apps.training import run_store
from apps.training.pipeline import RunPaths

RUN = 7001
FILES = {"data/raw/manifest.json": b'{"dataset_version": 1}', "data/raw/rows.jsonl": b'{"text": "a"}\n' * 500,
         "data/formatted/train.jsonl": b"train\n", "data/kfold/folds.json": b'{"k": 2}'}
FOLDS = {0: b'{"fold": 0, "accuracy": 0.9}', 1: b'{"fold": 1, "accuracy": 0.8}'}


@pytest.fixture
def s3(settings):
    with MotoServer.as_default_storage(settings, "hitl-runs") as server:
        yield server


def prepared(root) -> RunPaths:
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    for fold, data in FOLDS.items():
        (root / f"data/kfold-work/fold-{fold}").mkdir(parents=True)
        (root / f"data/kfold-work/fold-{fold}/result.json").write_bytes(data)
    return RunPaths(root)


def files(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_inputs_and_fold_results_travel_between_var_dirs_and_go_when_the_run_ends(s3, tmp_path):
    here = prepared(tmp_path / "worker-a" / "training" / str(RUN))
    run_store.run_inputs_put(run_id=RUN, paths=here)
    for fold in FOLDS:
        run_store.fold_output_put(run_id=RUN, paths=here, fold=fold)
    assert s3.keys(f"training/{RUN}/") == [f"training/{RUN}/folds/0.tar.gz", f"training/{RUN}/folds/1.tar.gz",
                                           f"training/{RUN}/inputs.tar.gz"]

    elsewhere = RunPaths(tmp_path / "worker-b" / "training" / str(RUN))
    assert run_store.run_inputs_get(run_id=RUN, paths=elsewhere) is True
    assert files(elsewhere.root) == FILES  # the inputs only: a fold's folder comes with its own object
    assert run_store.run_inputs_get(run_id=RUN, paths=elsewhere) is False  # already here: no second download
    assert run_store.fold_outputs_get(run_id=RUN, paths=elsewhere, k=2) == [0, 1]
    assert files(elsewhere.root) == files(here.root)
    assert run_store.fold_outputs_get(run_id=RUN, paths=elsewhere, k=2) == []

    assert run_store.run_objects_delete(run_id=RUN) == 3
    assert s3.keys("training/") == []
    with pytest.raises(FileNotFoundError, match="not in object storage"):
        run_store.run_inputs_get(run_id=RUN, paths=RunPaths(tmp_path / "worker-c" / "training" / str(RUN)))


def test_a_redelivered_fold_replaces_its_object(s3, tmp_path):
    here = prepared(tmp_path / "a" / str(RUN))
    run_store.fold_output_put(run_id=RUN, paths=here, fold=0)
    (here.root / "data/kfold-work/fold-0/result.json").write_bytes(b'{"fold": 0, "accuracy": 0.95}')
    run_store.fold_output_put(run_id=RUN, paths=here, fold=0)  # the storage never renames: one object, the new one
    assert s3.keys(f"training/{RUN}/") == [f"training/{RUN}/folds/0.tar.gz"]
    elsewhere = RunPaths(tmp_path / "b" / str(RUN))
    run_store.fold_outputs_get(run_id=RUN, paths=elsewhere, k=1)
    assert (elsewhere.root / "data/kfold-work/fold-0/result.json").read_bytes() == b'{"fold": 0, "accuracy": 0.95}'


def test_cleanup_never_raises_when_the_storage_is_down(s3, tmp_path):
    run_store.run_inputs_put(run_id=RUN, paths=prepared(tmp_path / str(RUN)))
    s3.stop()
    assert run_store.run_objects_delete(run_id=RUN) == 0  # logged; the run's outcome stands


def test_with_the_local_storage_nothing_moves(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "storage")}}}
    here = prepared(tmp_path / "var" / str(RUN))
    assert not run_store.run_store_enabled()
    run_store.run_inputs_put(run_id=RUN, paths=here)
    run_store.fold_output_put(run_id=RUN, paths=here, fold=0)
    elsewhere = RunPaths(tmp_path / "other" / str(RUN))
    assert run_store.run_inputs_get(run_id=RUN, paths=elsewhere) is False
    assert run_store.fold_outputs_get(run_id=RUN, paths=elsewhere, k=2) == []
    assert run_store.run_objects_delete(run_id=RUN) == 0
    assert not (tmp_path / "storage").exists() and not elsewhere.root.exists()
