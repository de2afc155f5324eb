"""Erasure's cost at scale, measured once by hand (`manage.py privacy_bench_erasure`; not part of `make bench`).

Seeds a throwaway project with `items` items (a few with the subject's reference, 1% with other references),
`predictions_per_item` predictions each, some feedback, and a champion trained on a dataset version that holds every
item; then times `subject_erase` for one subject: the database time (every statement, measured by an execute
wrapper, up to the commit included) and the wall time of the deletions after the commit. Run it on a throwaway
database: it appends audit events and leaves its rows behind.
"""
import json
import time
import uuid

from django.db import connection, transaction

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


def _seed(*, items: int, predictions_per_item: int, subject_items: int) -> Project:
    slug = f"bench-erasure-{uuid.uuid4().hex[:6]}"
    with transaction.atomic():
        project = Project.objects.create(slug=slug, name=slug, task="text_classification", labels=["a", "b"])
        audit_event_record(action="bench.seeded", project=project, details={"items": items})
    with connection.cursor() as cursor:
        # Items: the subject's first, 1% with other subjects' references, the rest without.
        cursor.execute(
            "INSERT INTO items_item (project_id, text, content_hash, label, storage_key, file_name, content_type,"
            " split, subject_ref, source, created_at) SELECT %s, 'bench text number ' || g,"
            " md5('t' || g) || md5('u' || g), CASE WHEN g %% 2 = 0 THEN 'a' ELSE 'b' END, '', '', '', 'pool',"
            " CASE WHEN g <= %s THEN %s WHEN g %% 100 = 0 THEN 'other-' || g ELSE '' END, 'import', now()"
            " FROM generate_series(1, %s) g", [project.pk, subject_items, SUBJECT, items])
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
            "INSERT INTO predictions_prediction (project_id, item_id, model_version_id, label, confidence,"
            " probabilities, latency_ms, batch_size, request_id, created_at) SELECT %s, i.id, %s, i.label, 0.5,"
            " '{}'::jsonb, 1.0, 1, 'bench', now() FROM items_item i CROSS JOIN generate_series(1, %s) r"
            " WHERE i.project_id = %s", [project.pk, champion.pk, predictions_per_item, project.pk])
        cursor.execute(
            "INSERT INTO feedback_feedback (project_id, prediction_id, item_id, verdict, label, resolved_label, flags,"
            " status, comment, created_at) SELECT DISTINCT ON (p.item_id) p.project_id, p.id, p.item_id, 'correct',"
            " 'a', 'a', '[]'::jsonb, 'accepted', 'bench comment', now() FROM predictions_prediction p"
            " WHERE p.project_id = %s AND p.item_id %% 10 = 0 OR p.item_id IN (SELECT id FROM items_item"
            " WHERE subject_ref = %s) ORDER BY p.item_id, p.id", [project.pk, SUBJECT])
        cursor.execute("ANALYZE items_item; ANALYZE predictions_prediction; ANALYZE feedback_feedback")
    return project


def erasure_bench(*, items: int = 100_000, predictions_per_item: int = 10, subject_items: int = 5) -> dict:
    if connection.vendor != "postgresql":
        raise RuntimeError("the erasure bench seeds with PostgreSQL SQL (generate_series): set DATABASE_URL")
    from .erasure import subject_erase

    started = time.perf_counter()
    project = _seed(items=items, predictions_per_item=predictions_per_item, subject_items=subject_items)
    seeded = time.perf_counter() - started
    timer, committed = _Timer(), {}
    started = time.perf_counter()
    with connection.execute_wrapper(timer), transaction.atomic():
        # Registered first, so it runs first after the commit: before the deletions outside the database.
        transaction.on_commit(lambda: committed.update(db=timer.seconds, statements=timer.statements,
                                                       at=time.perf_counter()))
        erasure = subject_erase(subject_ref=SUBJECT, actor=None)
    total = time.perf_counter() - started
    return {"items": items, "predictions": project.predictions.count(), "subject_items": subject_items,
            "seed_seconds": round(seeded, 1), "erasure_db_seconds": round(committed["db"], 3),
            "erasure_statements": committed["statements"],
            "erasure_wall_seconds_to_commit": round(committed["at"] - started, 3),
            "erasure_wall_seconds_with_cleanup": round(total, 3),
            "result": {k: v for k, v in erasure.result.items() if k != "item_ids"}}


def erasure_bench_json(**kwargs) -> str:
    return json.dumps(erasure_bench(**kwargs), indent=1)
