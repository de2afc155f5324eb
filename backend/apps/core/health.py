"""Health (the process answers) and readiness (database, broker, storage, champions loadable)."""
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse


def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_broker() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)


def _check_storage() -> None:
    name = default_storage.save(f"readyz/{uuid.uuid4()}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            assert handle.read() == b"ok"
    finally:
        default_storage.delete(name)


def _check_champions() -> dict:
    from apps.predictions.model_cache import serving_model
    from apps.projects.models import Project
    from apps.training.selectors import champion_get

    loaded = {}
    for project in Project.objects.all():
        if champion_get(project=project) is not None:
            version, _ = serving_model(project)
            loaded[project.slug] = version.number
    return loaded


def readyz(request):
    checks, ok = {}, True
    for name, check in (("database", _check_database), ("broker", _check_broker), ("storage", _check_storage),
                        ("champions", _check_champions)):
        try:
            result = check()
            # Unauthenticated: report how many champions loaded, not which projects exist.
            checks[name] = {"ok": True, **({"loaded": len(result)} if isinstance(result, dict) else {})}
        except Exception as exc:  # a readiness probe reports every failure rather than raising
            ok = False
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return JsonResponse({"status": "ready" if ok else "not ready", "checks": checks}, status=200 if ok else 503)
