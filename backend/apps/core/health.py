"""Health (the process answers) and readiness (database, broker, storage, champions loadable, the outbox).

/readyz answers within a bounded time whatever is down: the broker and storage checks run in threads with a
deadline (READYZ_TIMEOUT), the database has its connect_timeout. The body names what is down (`down`).
"""
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse

_pool = ThreadPoolExecutor(max_workers=6, thread_name_prefix="readyz")


def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_broker() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.2,
                               timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)


def _check_storage() -> None:
    name = default_storage.save(f"readyz/{uuid.uuid4()}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            assert handle.read() == b"ok"
    finally:
        default_storage.delete(name)


def _champions() -> list:
    """Every project's champion, with its project (the database part, in the request's thread)."""
    from apps.training.models import ModelStatus, ModelVersion

    return list(ModelVersion.objects.filter(status=ModelStatus.CHAMPION).select_related("project"))


def _check_champions(champions: list) -> dict:
    """Load each champion through the serving cache (registry and object storage; no database: runs in a thread)."""
    from apps.predictions.model_cache import champion_model

    for champion in champions:
        champion_model(champion)
    return {"loaded": len(champions)}  # unauthenticated: how many, not which projects


def _check_outbox() -> dict:
    """Work waiting for the broker (apps.core.outbox): informative, never a reason to be unready by itself."""
    from .outbox import outbox_pending

    return outbox_pending()


def _result(check, *args) -> dict:
    result = check(*args)
    return {"ok": True, **(result if isinstance(result, dict) else {})}


def _error(exc: BaseException) -> dict:
    return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def readyz(request):
    started = time.monotonic()
    timeout = settings.READYZ_TIMEOUT
    # No database in these: they run beside the request, each bounded by the deadline (a hung S3 or MLflow
    # server is "no answer within 5 s", never a hung probe).
    futures = {name: _pool.submit(_result, check) for name, check in (("broker", _check_broker),
                                                                       ("storage", _check_storage))}
    checks = {}
    for name, check in (("database", _check_database), ("outbox", _check_outbox)):
        if name != "database" and not checks["database"]["ok"]:
            checks[name] = {"ok": False, "error": "skipped: the database is unavailable"}
            continue
        try:
            checks[name] = _result(check)
        except Exception as exc:  # a readiness probe reports every failure rather than raising
            checks[name] = _error(exc)
    if checks["database"]["ok"]:
        try:
            futures["champions"] = _pool.submit(_result, _check_champions, _champions())
        except Exception as exc:
            checks["champions"] = _error(exc)
    else:
        checks["champions"] = {"ok": False, "error": "skipped: the database is unavailable"}
    for name, future in futures.items():
        try:
            checks[name] = future.result(timeout=max(0.0, timeout - (time.monotonic() - started)))
        except FutureTimeout:
            checks[name] = {"ok": False, "error": f"no answer within {timeout:g} s"}
        except Exception as exc:
            checks[name] = _error(exc)
    down = sorted(name for name, check in checks.items() if not check["ok"])
    body = {"status": "not ready" if down else "ready", "down": down, "checks": checks,
            "seconds": round(time.monotonic() - started, 3)}
    return JsonResponse(body, status=503 if down else 200)
