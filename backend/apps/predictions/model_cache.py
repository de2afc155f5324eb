"""The serving model per project, cached in this process and swapped when the champion changes.

Each lookup asks the database which version is champion (one indexed query), so a promotion or
rollback made by any process is picked up by every serving process on its next request.
"""
import threading

from apps.core.exceptions import Conflict
from apps.training.ml import load_model_version
from apps.training.models import ModelVersion
from apps.training.selectors import champion_get

_lock = threading.Lock()
_models: dict[int, tuple[int, object]] = {}


def serving_model(project) -> tuple[ModelVersion, object]:
    champion = champion_get(project=project)
    if champion is None:
        raise Conflict(f"Project {project.slug!r} has no champion model yet: train and promote one first.")
    cached = _models.get(project.pk)
    if cached and cached[0] == champion.pk:
        return champion, cached[1]
    with _lock:
        cached = _models.get(project.pk)
        if not (cached and cached[0] == champion.pk):
            cached = (champion.pk, load_model_version(champion))
            _models[project.pk] = cached
    return champion, cached[1]


def cached_version_ids() -> dict[int, int]:
    """project id -> model version id held in this process (for readiness checks and tests)."""
    return {project_id: entry[0] for project_id, entry in _models.items()}
