"""A training run's files in object storage, so that Celery workers that share no disk (each with its own
HITL_VAR_DIR, on other machines) can take folds of the same run.

Active when the platform's file storage is remote (S3_BUCKET set: django-storages' S3Storage on the bucket that
holds the images). With the embedded default (a local folder) every function here does nothing and the workers of
the one host read VAR_DIR/work/training/<run id>/ as before.

Objects, one gzipped tar each, under `training/<run id>/`:

    inputs.tar.gz      data/raw, data/formatted, data/kfold       put by training.run once they are prepared
    folds/<i>.tar.gz   data/kfold-work/fold-<i> (its result.json)  put by the task that trained fold i

A fold task gets the inputs its VAR_DIR lacks before training; training.finish gets the inputs and every fold's
folder it lacks, so the run's folder on the finishing worker is the whole DVC-like workspace. The final model does
not pass through here: the register stage puts it in the MLflow registry, and every process loads it from there.
The run's objects are deleted when the run ends (succeeded or failed, reaped included); a deletion that fails (the
storage is down) is logged and leaves `training/<run id>/` behind, which is safe to delete by hand.

Must not: decide anything about the run (apps.training.services does), or touch the champion.
"""
import logging
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage

from .pipeline import RunPaths

log = logging.getLogger(__name__)

INPUTS = ("data/raw", "data/formatted", "data/kfold")  # folds.json (data/kfold) last: present means complete


def run_store_enabled() -> bool:
    return not isinstance(default_storage, FileSystemStorage)


def _prefix(run_id: int) -> str:
    return f"training/{run_id}"


def _fold_member(fold: int) -> str:
    return f"data/kfold-work/fold-{fold}"


def _put(key: str, root: Path, members: tuple[str, ...]) -> None:
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=root.parent) as buffer:
        with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
            for member in members:
                tar.add(root / member, arcname=member)
        buffer.seek(0)
        default_storage.delete(key)  # a redelivered task rewrites its object; the storage would rename a second one
        saved = default_storage.save(key, File(buffer))
    if saved != key:
        raise RuntimeError(f"object storage stored {key!r} as {saved!r}")


def _get(key: str, root: Path, members: tuple[str, ...]) -> None:
    """Unpack `members` of `key` into `root`, each moved into place whole (a concurrent reader sees all or none)."""
    if not default_storage.exists(key):
        raise FileNotFoundError(f"{key} is not in object storage: the run's files were deleted (it ended) or never "
                                "uploaded")
    root.mkdir(parents=True, exist_ok=True)
    unpacked = Path(tempfile.mkdtemp(prefix=".get-", dir=root))
    try:
        with default_storage.open(key, "rb") as remote, tarfile.open(fileobj=remote, mode="r:gz") as tar:
            tar.extractall(unpacked, filter="data")  # "data": no absolute paths, links out or devices
        for member in members:
            target = root / member
            if target.exists():
                continue  # another task of this VAR_DIR got it first
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(unpacked / member, target)
            except OSError:  # lost a race for the same folder
                if not target.exists():
                    raise
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)


def run_inputs_put(*, run_id: int, paths: RunPaths) -> None:
    """After the preparing stages: the formatted data and the fold splits, for workers elsewhere."""
    if run_store_enabled():
        _put(f"{_prefix(run_id)}/inputs.tar.gz", paths.root, INPUTS)


def run_inputs_get(*, run_id: int, paths: RunPaths) -> bool:
    """Before a fold or the finish: get the inputs when this VAR_DIR lacks them; True when they were downloaded."""
    if not run_store_enabled() or paths.folds_file.exists():
        return False
    _get(f"{_prefix(run_id)}/inputs.tar.gz", paths.root, INPUTS)
    return True


def fold_output_put(*, run_id: int, paths: RunPaths, fold: int) -> None:
    if run_store_enabled():
        _put(f"{_prefix(run_id)}/folds/{fold}.tar.gz", paths.root, (_fold_member(fold),))


def fold_outputs_get(*, run_id: int, paths: RunPaths, k: int) -> list[int]:
    """Before the finish: every fold folder this VAR_DIR lacks; returns the folds that were downloaded."""
    if not run_store_enabled():
        return []
    missing = [fold for fold in range(k) if not (paths.root / _fold_member(fold)).exists()]
    for fold in missing:
        _get(f"{_prefix(run_id)}/folds/{fold}.tar.gz", paths.root, (_fold_member(fold),))
    return missing


def run_objects_delete(*, run_id: int) -> int:
    """When the run ends: its objects go (the database and MLflow keep what it produced). Never raises."""
    if not run_store_enabled():
        return 0
    try:
        return _delete_tree(_prefix(run_id))
    except Exception as exc:  # cleanup must not hide how the run ended
        log.warning("training run %s: its objects under %s/ were not deleted: %s", run_id, _prefix(run_id), exc)
        return 0


def _delete_tree(prefix: str) -> int:
    folders, files = default_storage.listdir(prefix)
    for name in files:
        default_storage.delete(f"{prefix}/{name}")
    return len(files) + sum(_delete_tree(f"{prefix}/{folder}") for folder in folders)
