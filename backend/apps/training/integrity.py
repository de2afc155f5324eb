"""Integrity of what serves (AI Act Art. 15(5)): a version's artifact is hashed at registration and checked before
it is loaded.

The artifact is what serving loads from this machine's model cache: the MLflow model folder of a text version (every
file, by relative path) or the YOLO weights file of a detector. `artifact_sha256_record` hashes the registry's copy
right after registration; `artifact_verify` hashes the local copy before it is deserialized (a tampered pickle is
never opened) and refuses a mismatch with a 503 naming the version. The refusal is written to the audit log once per
version per process: the mark is set when the event commits, so a refusal inside a transaction that rolls back (the
fast path's batch) is recorded again by the request that answers it.

Must not load models; apps.training.ml does, after asking this module.
"""
import hashlib
import logging
import threading
from pathlib import Path

from django.db import transaction

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError

log = logging.getLogger(__name__)
_CHUNK = 1 << 20
_lock = threading.Lock()
_reported: set[tuple[str, int]] = set()  # (registered model, version) refused and audited in this process
_unhashed_warned: set[tuple[str, int]] = set()


class ArtifactIntegrityError(ApplicationError):
    def __init__(self, message: str):
        super().__init__(message, status=503)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def artifact_digest(path: Path) -> str:
    """sha256 of a file; of a folder, sha256 over its files' "relative path NUL sha256" lines in path order."""
    path = Path(path)
    if path.is_file():
        return _file_sha256(path)
    lines = [f"{p.relative_to(path).as_posix()}\0{_file_sha256(p)}\n" for p in sorted(path.rglob("*"))
             if p.is_file() and not p.name.startswith(".")]
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def artifact_sha256_record(*, model_version) -> str:
    """Hash the registered artifact (downloaded into this machine's model cache) and store it on the version."""
    from .ml import model_artifact_path

    digest = artifact_digest(model_artifact_path(model_version))
    model_version.artifact_sha256 = digest
    model_version.save(update_fields=["artifact_sha256"])
    return digest


def artifact_verify(*, model_version, path: Path) -> None:
    """Raise ArtifactIntegrityError (503) when `path` is not the artifact registered for `model_version`."""
    key = (model_version.registered_model_name, model_version.registered_version)
    expected = model_version.artifact_sha256
    if not expected:
        if key not in _unhashed_warned:
            _unhashed_warned.add(key)
            log.warning("model %s v%s (registry %s/%s) has no recorded artifact sha256 (registered before it was "
                        "recorded): served unverified", model_version.project.slug, model_version.number, *key)
        return
    actual = artifact_digest(path)
    if actual == expected:
        return
    message = (f"Model version {model_version.number} of project {model_version.project.slug!r} (registry "
               f"{key[0]}/{key[1]}) failed its integrity check: the artifact's sha256 is {actual}, but {expected} was "
               "recorded at registration. It is not served; restore the artifact or roll back.")
    log.error(message)
    _report(model_version, key, expected=expected, actual=actual)
    raise ArtifactIntegrityError(message)


def _report(model_version, key: tuple[str, int], *, expected: str, actual: str) -> None:
    with _lock:
        if key in _reported:
            return
    with transaction.atomic():
        audit_event_record(action="model.integrity_failed", project=model_version.project, obj=model_version,
                           details={"version": model_version.number, "registered_model": key[0],
                                    "registered_version": key[1], "expected_sha256": expected,
                                    "actual_sha256": actual})
        transaction.on_commit(lambda: _mark(key))


def _mark(key: tuple[str, int]) -> None:
    with _lock:
        _reported.add(key)


def integrity_reports_forget() -> None:
    """Forget which refusals were audited (tests; a process that restarts forgets too)."""
    with _lock:
        _reported.clear()
        _unhashed_warned.clear()
