"""Erasure's and the purges' cost at scale: `make bench`'s privacy rows (privacy_bench) and, by hand,
`manage.py privacy_bench_erasure` (erasure_bench, which leaves its rows behind).

Seeds a throwaway project with `items` items (a few with the subject's reference, 1% with other references),
`predictions_per_item` predictions each, some feedback, and a champion trained on a dataset version that holds every
item; then times `subject_erase` for one subject: the database time (every statement, measured by an execute
wrapper, up to the commit included) and the wall time of the deletions after the commit. privacy_bench then runs the
log purge and the content retention purge over the same (aged) rows in their bounded batches and deletes the
project's rows at the end; the audit events each step appends stay.
"""
import json
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.audit.services import audit_event_record
from apps.projects.models import Project
from apps.training.models import DatasetVersion, ModelVersion, TrainingRun

SUBJECT = "bench-erasure-subject"


class _Timer:
    def __init__(self):
        self.seconds, self.statements = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.statements += 1


def _numbers(count_param: str) -> str:
    """A WITH RECURSIVE of 1..count (both databases; generate_series is PostgreSQL's alone)."""
    return f"WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {count_param}) "


def _seed(*, items: int, predictions_per_item: int, subject_items: int, age_days: int = 0) -> Project:
    """`items` items and `predictions_per_item` predictions each (every row `age_days` old), feedback on every
    tenth item's first prediction and on the subject's, a champion trained on all of them. Plain SQL both databases
    run (PostgreSQL and the embedded SQLite)."""
    slug = f"bench-erasure-{uuid.uuid4().hex[:6]}"
    with transaction.atomic():
        # Stopped (AI Act Art. 14's switch): the erasure queues no retraining of this throwaway project.
        project = Project.objects.create(slug=slug, name=slug, task="text_classification", labels=["a", "b"],
                                         stopped_at=timezone.now(), stop_reason="bench")
        audit_event_record(action="bench.seeded", project=project, details={"items": items})
    at = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(days=age_days))
    with connection.cursor() as cursor:
        # Items: the subject's first, 1% with other subjects' references, the rest without.
        cursor.execute(
            _numbers("%s") + "INSERT INTO items_item (project_id, text, content_hash, label, storage_key, file_name,"
            " content_type, split, subject_ref, source, created_at) SELECT %s, 'bench text number ' || n,"
            " 'bench-' || n, CASE WHEN n %% 2 = 0 THEN 'a' ELSE 'b' END, '', '', '', 'pool',"
            " CASE WHEN n <= %s THEN %s WHEN n %% 100 = 0 THEN 'other-' || n ELSE '' END, 'import', %s FROM g",
            [items, project.pk, subject_items, SUBJECT, at])
    ids = list(project.items.order_by("id").values_list("id", "label", "content_hash"))
    manifest = [[pk, label, 1.0, digest] for pk, label, digest in ids]
    dataset = DatasetVersion.objects.create(project=project, content_hash=uuid.uuid4().hex, manifest=manifest,
                                            counts={"total": len(manifest)}, holdout_hash="0", holdout_size=0)
    run = TrainingRun.objects.create(project=project, dataset_version=dataset, trigger="manual", status="succeeded")
    champion = ModelVersion.objects.create(project=project, number=1, training_run=run, status="champion",
                                           metrics={}, mlflow_run_id="bench", registered_model_name=slug,
                                           registered_version=1)
    with connection.cursor() as cursor:
        cursor.execute(
            _numbers("%s") + "INSERT INTO predictions_prediction (project_id, item_id, model_version_id, label,"
            " confidence, probabilities, latency_ms, batch_size, request_id, created_at) SELECT %s, i.id, %s,"
            " i.label, 0.5, '{}', 1.0, 1, 'bench', %s FROM items_item i CROSS JOIN g WHERE i.project_id = %s",
            [predictions_per_item, project.pk, champion.pk, at, project.pk])
        cursor.execute(
            "INSERT INTO feedback_feedback (project_id, prediction_id, item_id, verdict, label, resolved_label, flags,"
            " status, comment, created_at) SELECT p.project_id, p.id, p.item_id, 'correct', 'a', 'a', '[]',"
            " 'accepted', 'bench comment', %s FROM predictions_prediction p WHERE p.id IN (SELECT min(id) FROM"
            " predictions_prediction WHERE project_id = %s GROUP BY item_id) AND (p.item_id %% 10 = 0 OR p.item_id"
            " IN (SELECT id FROM items_item WHERE project_id = %s AND subject_ref = %s))",
            [at, project.pk, project.pk, SUBJECT])
        for table in ("items_item", "predictions_prediction", "feedback_feedback"):
            cursor.execute(f"ANALYZE {table}")
    return project


def _erase_timed(project: Project, subject_items: int) -> dict:
    """One subject's erasure: database time up to the commit, then the wall time with the deletions after it."""
    from .erasure import subject_erase

    timer, committed = _Timer(), {}
    started = time.perf_counter()
    with connection.execute_wrapper(timer), transaction.atomic():
        # Registered first, so it runs first after the commit: before the deletions outside the database.
        transaction.on_commit(lambda: committed.update(db=timer.seconds, statements=timer.statements,
                                                       at=time.perf_counter()))
        erasure = subject_erase(subject_ref=SUBJECT, actor=None)
    if not committed:  # inside the caller's transaction (a test): measured up to here, the commit is the caller's
        committed.update(db=timer.seconds, statements=timer.statements, at=time.perf_counter())
    total = time.perf_counter() - started
    return {"subject_items": subject_items, "erasure_db_seconds": round(committed["db"], 3),
            "erasure_statements": committed["statements"],
            "erasure_wall_seconds_to_commit": round(committed["at"] - started, 3),
            "erasure_wall_seconds_with_cleanup": round(total, 3),
            "result": {k: v for k, v in erasure.result.items() if k != "item_ids"}}


def erasure_bench(*, items: int = 100_000, predictions_per_item: int = 10, subject_items: int = 5) -> dict:
    started = time.perf_counter()
    project = _seed(items=items, predictions_per_item=predictions_per_item, subject_items=subject_items)
    seeded = time.perf_counter() - started
    erased = _erase_timed(project, subject_items)
    return {"items": items, "predictions": project.predictions.count(), "seed_seconds": round(seeded, 1), **erased}


def _timed(run) -> tuple[object, float, float]:
    """(what run() returned, wall seconds, database seconds)."""
    timer = _Timer()
    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        result = run()
    return result, time.perf_counter() - started, timer.seconds


def purge_bench(*, project: Project, purge_items: int) -> dict:
    """The daily purges on `project` (its rows 400 days old): prediction logs past a log retention at the floor,
    then item content past a 30-day retention for (about) `purge_items` items; bounded batches, timed."""
    from .log_retention import predictions_purge
    from .retention import retention_purge

    Project.objects.filter(pk=project.pk).update(log_retention_days=settings.LOG_RETENTION_FLOOR_DAYS,
                                                 retention_days=30)
    project.refresh_from_db()
    batches, wall, db = _timed(lambda: predictions_purge(project=project))
    deleted = sum(b.deleted for b in batches)
    logs = {"deleted": deleted, "kept_answered": sum(b.kept_answered for b in batches), "batches": len(batches),
            "batch": settings.LOG_PURGE_BATCH, "seconds": round(wall, 3), "db_seconds": round(db, 3),
            "per_s": round(deleted / wall) if wall else None}
    max_batches = max(-(-purge_items // settings.RETENTION_BATCH), 1)
    requests, wall, db = _timed(lambda: retention_purge(project=project, max_batches=max_batches))
    items = sum(r.result.get("items", 0) for r in requests)
    content = {"items": items, "batches": len(requests), "batch": settings.RETENTION_BATCH, "seconds": round(wall, 3),
               "db_seconds": round(db, 3), "per_s": round(items / wall) if wall else None,
               "mean_batch_seconds": round(wall / len(requests), 3) if requests else None}
    return {"log_purge": logs, "retention_purge": content}


def privacy_bench(*, items: int, predictions_per_item: int, purge_items: int, sealing_texts: int = 10_000) -> dict:
    """`make bench`'s privacy rows: one subject's erasure among `items` items and `items * predictions_per_item`
    predictions, then the log purge and the content retention purge over the same rows. A throwaway project whose
    rows are deleted afterwards (its audit events stay: the log is append-only)."""
    started = time.perf_counter()
    project = _seed(items=items, predictions_per_item=predictions_per_item, subject_items=5, age_days=400)
    seeded = time.perf_counter() - started
    try:
        erased = _erase_timed(project, 5)
        result = {"items": items, "predictions": items * predictions_per_item, "seed_seconds": round(seeded, 1),
                  "erasure": erased, **purge_bench(project=project, purge_items=purge_items)}
    finally:
        bench_project_drop(project)
    from .bench_sealing import sealing_bench

    result["sealing"] = sealing_bench(texts=sealing_texts, subjects=max(sealing_texts // 5, 1))
    return result


def bench_project_drop(project: Project) -> None:
    """Delete a bench project's rows, dependants first (what an erasure recorded about its versions too)."""
    from apps.feedback.models import Contest, Feedback
    from apps.items.models import Item
    from apps.predictions.models import Prediction

    from .log_retention import log_floor_session_set
    from .models import ErasedDatasetVersion, ErasedModelVersion

    with transaction.atomic():
        ErasedModelVersion.objects.filter(model_version__project=project).delete()
        ErasedDatasetVersion.objects.filter(dataset_version__project=project).delete()
        Contest.objects.filter(project=project).delete()
        Feedback.objects.filter(project=project).delete()
        Item.objects.filter(project=project).update(latest_prediction=None)
        with connection.cursor() as cursor:  # one statement each, no model instances for 1,000,000 rows
            log_floor_session_set(cursor, 0)  # the bench's own rows, minutes old: the floor is not for them
            for model in (Prediction, Item):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} WHERE project_id = %s",
                               [project.pk])
        ModelVersion.objects.filter(project=project).delete()
        TrainingRun.objects.filter(project=project).delete()
        DatasetVersion.objects.filter(project=project).delete()
        project.delete()


def erasure_bench_json(**kwargs) -> str:
    return json.dumps(erasure_bench(**kwargs), indent=1)
