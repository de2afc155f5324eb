"""The serving model per project, cached in this process and swapped when the champion changes.

Loading goes through apps.training.ml.load_model_version, which checks the artifact's sha256 against the one
recorded at registration first: a tampered artifact is refused with a 503 naming the version (and never cached), so
every door to the champion (the views, the fast path's ServingAccess, queue scoring, /readyz) refuses it alike.

Each lookup asks the database which version is champion (one indexed query), so a promotion or
rollback made by any process is picked up by every serving process on its next request.
"""
import threading

from apps.core.exceptions import Conflict
from apps.projects.oversight import project_ensure_running
from apps.training.ml import load_model_version
from apps.training.models import ModelVersion
from apps.training.selectors import champion_get

_lock = threading.Lock()
# project id -> ((registered model name, registered version), model). The registry coordinates identify the
# artifact itself: database ids can be reused after a rollback, registry versions never are.
_models: dict[int, tuple[tuple[str, int], object]] = {}


def serving_model(project) -> tuple[ModelVersion, object]:
    """The champion and its loaded model; 503 while the project is stopped, 409 before its first promotion."""
    project_ensure_running(project)
    champion = champion_get(project=project)
    if champion is None:
        raise Conflict(f"Project {project.slug!r} has no champion model yet: train and promote one first.")
    champion.project = project
    return champion, champion_model(champion)


def champion_model(champion: ModelVersion) -> object:
    """The loaded model of `champion` (its `project` already set): from this process's cache, else loaded from the
    registry. No database access, so /readyz can bound it in a thread."""
    project = champion.project
    key = (champion.registered_model_name, champion.registered_version)
    cached = _models.get(project.pk)
    if cached and cached[0] == key:
        return cached[1]
    with _lock:
        cached = _models.get(project.pk)
        if not (cached and cached[0] == key):
            cached = (key, load_model_version(champion))
            _models[project.pk] = cached
    return cached[1]


def serving_cache_clear() -> None:
    """Forget every loaded model (tests; the next lookup loads, and verifies, again)."""
    with _lock:
        _models.clear()
