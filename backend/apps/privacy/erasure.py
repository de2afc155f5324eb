"""subject_erase: GDPR Art. 17 for one subject_ref, in every project, in one transaction with its audit events.

In the database: each item's text, file name and subject_ref are blanked, its content hash (a guessable sha256 for
a short text) becomes a unique random marker (`erased:<id>:<token>`) here and in every dataset version's manifest
that held it, its storage key is dropped, the cached sentence embeddings of its text are deleted; feedback comments
and review notes (free text) are blanked; predictions, labels and boxes stay (they say what the model and people
answered, not who the subject is). Dataset versions that held the items and model versions trained on them are
recorded (ErasedDatasetVersion / ErasedModelVersion), and a retraining run is queued for each project whose champion
exists and learned from the data.

The subject's content key is destroyed (apps.privacy.sealing): every sealed copy of their texts and images that
this erasure cannot reach (backups of the database or the bucket) is unreadable from the commit on.

Outside the database, after the commit: the image objects and every copy under the platform's folders
(apps.privacy.cleanup), retried until done.

Must not: write the subject's reference, text or content hash into the audit log or the request record.
"""
import uuid

from django.db import connection, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from apps.audit.services import AuditEntry, audit_events_record_many
from apps.core.exceptions import ApplicationError, Conflict, NotFound
from apps.feedback.models import Feedback, Review
from apps.items.models import Item, Split
from apps.predictions.models import Prediction
from apps.training.embedding_cache import embeddings_forget
from apps.training.models import DatasetVersion, ModelStatus, ModelVersion, Trigger

from .cleanup import access_archives_withdraw, erasure_cleanup_after_commit
from .hashing import subject_hash
from .models import (
    CleanupKind,
    ErasedDatasetVersion,
    ErasedModelVersion,
    ErasureCleanup,
    RequestKind,
    SubjectRequest,
)
from .sealing import subject_keys_destroy

ERASED_PREFIX = "erased:"
_MANIFEST_HASH = 3  # DatasetVersion.manifest rows: [item_id, label, weight, item content hash]


def subject_ref_clean(subject_ref) -> str:
    if not isinstance(subject_ref, str) or not subject_ref.strip():
        raise ApplicationError("subject_ref must be a non-empty string.")
    if len(subject_ref) > 128:
        raise ApplicationError("subject_ref is longer than 128 characters.")
    return subject_ref.strip()


def _affected_dataset_versions(items: list[dict], markers: dict[int, str]) -> dict[int, int]:
    """dataset version id -> erased items it held; rewrites those versions' manifests (hash -> marker) on the way.

    Training rows are found by content hash in the manifests (JSON containment on PostgreSQL, so only versions that
    hold one are read); holdout items are in every snapshot of their project taken after they were imported.
    """
    pool = [i for i in items if i["split"] != Split.HOLDOUT]
    holdout = [i for i in items if i["split"] == Split.HOLDOUT]
    held: dict[int, int] = {}
    hashes = {i["content_hash"]: i["id"] for i in pool}
    if hashes:
        candidates = DatasetVersion.objects.filter(project_id__in={i["project_id"] for i in pool},
                                                   created_at__gte=min(i["created_at"] for i in pool))
        if connection.vendor == "postgresql":
            match = Q()
            for value in hashes:
                match |= Q(manifest__contains=[[value]])
            candidates = candidates.filter(match)
        for pk, manifest in candidates.values_list("pk", "manifest").iterator(chunk_size=4):
            rows = [row for row in manifest if row[0] in markers and row[_MANIFEST_HASH] in hashes]
            if not rows:
                continue
            for row in rows:
                row[_MANIFEST_HASH] = markers[row[0]]
            DatasetVersion.objects.filter(pk=pk).update(manifest=manifest)
            held[pk] = len(rows)
    for item in holdout:
        for pk in DatasetVersion.objects.filter(project_id=item["project_id"], created_at__gte=item["created_at"]
                                                ).values_list("pk", flat=True):
            held[pk] = held.get(pk, 0) + 1
    return held


def _retrain(projects: set[int], actor) -> dict[str, int | str]:
    """A run for each project with a champion; a project with a run already active says which (409 otherwise)."""
    from apps.projects.models import Project
    from apps.training.services import training_run_start

    runs: dict[str, int | str] = {}
    for project in Project.objects.filter(pk__in=projects, model_versions__status=ModelStatus.CHAMPION).distinct():
        if project.stopped_at is not None:  # a stopped model retrains nothing (apps.projects.oversight): say so
            runs[project.slug] = "stopped: retrain after starting it"
            continue
        try:
            with transaction.atomic():
                runs[project.slug] = training_run_start(project=project, trigger=Trigger.ERASURE, actor=actor).pk
        except Conflict as exc:
            runs[project.slug] = f"active run {exc.extra.get('training_run')}"
    return runs


@transaction.atomic
def subject_erase(*, subject_ref: str, actor) -> SubjectRequest:
    ref = subject_ref_clean(subject_ref)
    items = list(Item.objects.select_for_update(no_key=True).filter(subject_ref=ref).order_by("id").values(*ITEM_FIELDS))
    if not items:
        raise NotFound("No items carry this subject_ref (already erased, or never imported).")
    erasure = SubjectRequest.objects.create(kind=RequestKind.ERASURE, subject_hash=subject_hash(ref),
                                            requested_by=actor, result={"keys_destroyed": subject_keys_destroy(ref)})
    return items_erase(items=items, request=erasure, actor=actor, action="privacy.erased")


ITEM_FIELDS = ("id", "project_id", "project__slug", "split", "storage_key", "content_hash", "created_at")


def items_erase(*, items: list[dict], request: SubjectRequest, actor, action: str) -> SubjectRequest:
    """Erase `items` (rows of ITEM_FIELDS, locked by the caller's transaction) for `request`: the database part now,
    the copies outside it after the commit; one `action` event per project. Subject erasure and the retention
    purge (apps.privacy.retention) both come here."""
    ids = [i["id"] for i in items]
    token = uuid.uuid4().hex
    markers = {i: f"{ERASED_PREFIX}{i}:{token}" for i in ids}
    held = _affected_dataset_versions(items, markers)
    now = timezone.now()
    Item.objects.filter(pk__in=ids).update(
        text="", file_name="", storage_key="", subject_ref="", erased_at=now, restricted_at=None,
        content_hash=Concat(Value(ERASED_PREFIX), Cast("id", CharField()), Value(f":{token}"), output_field=CharField()))
    feedback = Feedback.objects.filter(item_id__in=ids)
    counts = {"items": len(ids), "embeddings": embeddings_forget(i["content_hash"] for i in items),
              "predictions": Prediction.objects.filter(item_id__in=ids).count(),
              "feedback": feedback.count(), "comments_blanked": feedback.exclude(comment="").update(comment=""),
              "notes_blanked": Review.objects.filter(feedback__item_id__in=ids).exclude(notes="").update(notes=""),
              "images": sum(1 for i in items if i["storage_key"])}
    erasure = request
    ErasedDatasetVersion.objects.bulk_create(
        [ErasedDatasetVersion(erasure=erasure, dataset_version_id=pk, items=n) for pk, n in sorted(held.items())])
    trained = list(ModelVersion.objects.filter(training_run__dataset_version_id__in=held)
                   .values_list("pk", "training_run__dataset_version_id", "project_id"))
    ErasedModelVersion.objects.bulk_create([ErasedModelVersion(erasure=erasure, model_version_id=mv, dataset_version_id=dv)
                                            for mv, dv, _ in trained])
    retraining = _retrain({project for _, _, project in trained}, actor)
    keys = sorted({i["storage_key"] for i in items if i["storage_key"]})
    withdrawn = access_archives_withdraw(subject_hash_value=erasure.subject_hash) if erasure.subject_hash else []
    keys += withdrawn
    ErasureCleanup.objects.bulk_create([ErasureCleanup(erasure=erasure, kind=CleanupKind.OBJECT, target=k) for k in keys]
                                       + [ErasureCleanup(erasure=erasure, kind=CleanupKind.FILES)])
    per_project: dict[str, int] = {}
    for item in items:
        per_project[item["project__slug"]] = per_project.get(item["project__slug"], 0) + 1
    erasure.result = {**erasure.result, **counts, "projects": per_project, "item_ids": ids,
                      "access_archives_withdrawn": len(withdrawn),
                      "dataset_versions": sorted(held), "model_versions": sorted(mv for mv, _, _ in trained),
                      "retraining": retraining}
    erasure.save(update_fields=["result"])
    audit_events_record_many([
        AuditEntry(action=action, actor=actor, project=slug, obj=erasure,
                   details={"subject": erasure.subject_hash, "items": [i["id"] for i in items if i["project__slug"] == slug],
                            **{k: v for k, v in erasure.result.items() if k not in ("item_ids", "projects")}})
        for slug in sorted(per_project)])
    transaction.on_commit(lambda: erasure_cleanup_after_commit(erasure.pk))
    return erasure
