"""GDPR Art. 15 and 20: a machine-readable archive of everything about a subject, or everything an annotator did.

The archive is a zip: `subject.json` (or `annotator.json`) with every item, prediction, feedback and review, and per
project its purpose, lawful basis, recipients and retention; `texts/<item id>.txt` and `images/<item id>.<ext>`
with the subject's own content. It is written to default storage (a local folder or S3) under privacy/access/,
downloaded once by the person who asked for it (access_archive_download), then deleted. Creation and download are
audit-logged with ids and the archive's sha256, never its content.
"""
import hashlib
import io
import json
import secrets
import tempfile
import zipfile
from pathlib import PurePosixPath

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError, NotFound
from apps.feedback.models import Feedback, Review
from apps.items.images import image_open
from apps.items.models import Item
from apps.predictions.models import Prediction

from .cleanup import ACCESS_ARCHIVE_PREFIX
from .erasure import subject_ref_clean
from .hashing import subject_hash
from .models import RequestKind, RequestStatus, SubjectRequest
from .selectors import subject_items

FORMAT = "hitl-subject-access/1"
NOT_RECORDED = "not recorded"


def _project_record(project) -> dict:
    return {"slug": project.slug, "name": project.name, "task": project.task,
            "purpose": project.purpose or NOT_RECORDED, "lawful_basis": project.lawful_basis or NOT_RECORDED,
            "recipients": NOT_RECORDED,  # the platform keeps no recipients field (Art. 30 record: to be added)
            "retention": f"{project.retention_days} days" if project.retention_days else NOT_RECORDED}


def _time(value) -> str | None:
    return value.isoformat() if value else None


def _prediction(p: Prediction) -> dict:
    return {"id": p.pk, "item": p.item_id, "model_version": p.model_version.number, "label": p.label,
            "confidence": p.confidence, "probabilities": p.probabilities, "boxes": p.boxes,
            "started_at": _time(p.started_at), "created_at": _time(p.created_at)}


def _review(r: Review) -> dict:
    return {"id": r.pk, "feedback": r.feedback_id, "label": r.label, "boxes": r.boxes, "notes": r.notes,
            "created_at": _time(r.created_at)}


def _feedback(f: Feedback) -> dict:
    review = getattr(f, "review", None)
    return {"id": f.pk, "item": f.item_id, "prediction": f.prediction_id, "verdict": f.verdict, "label": f.label,
            "resolved_label": f.resolved_label, "boxes": f.boxes, "resolved_boxes": f.resolved_boxes,
            "flags": f.flags, "status": f.status, "comment": f.comment, "created_at": _time(f.created_at),
            "review": _review(review) if review else None}


def _subject_document(subject_ref: str, archive: zipfile.ZipFile) -> tuple[dict, dict]:
    items = list(subject_items(subject_ref=subject_ref))
    ids = [i.pk for i in items]
    predictions: dict[int, list] = {}
    for p in Prediction.objects.filter(item_id__in=ids).select_related("model_version").order_by("id"):
        predictions.setdefault(p.item_id, []).append(_prediction(p))
    feedback: dict[int, list] = {}
    for f in Feedback.objects.filter(item_id__in=ids).select_related("review").order_by("id"):
        feedback.setdefault(f.item_id, []).append(_feedback(f))
    projects: dict[int, dict] = {}
    for item in items:
        entry = projects.setdefault(item.project_id, {**_project_record(item.project), "items": []})
        record = {"id": item.pk, "split": item.split, "label": item.label, "boxes": item.boxes, "source": item.source,
                  "created_at": _time(item.created_at), "erased_at": _time(item.erased_at),
                  "restricted_at": _time(item.restricted_at), "predictions": predictions.get(item.pk, []),
                  "feedback": feedback.get(item.pk, [])}
        if item.text:
            record["text_file"] = f"texts/{item.pk}.txt"
            archive.writestr(record["text_file"], item.text)
        if item.storage_key:
            record["image_file"] = f"images/{item.pk}{PurePosixPath(item.storage_key).suffix}"
            record.update(file_name=item.file_name, width=item.width, height=item.height)
            with image_open(item.storage_key) as source:
                archive.writestr(record["image_file"], source.read())
        entry["items"].append(record)
    counts = {"items": len(items), "predictions": sum(map(len, predictions.values())),
              "feedback": sum(map(len, feedback.values())), "projects": len(projects)}
    return {"subject_ref": subject_ref, "projects": list(projects.values())}, counts


def _annotator_document(user) -> tuple[dict, dict]:
    from apps.projects.models import Project

    feedback = list(Feedback.objects.filter(annotator=user).select_related("review").order_by("id"))
    reviews = list(Review.objects.filter(reviewer=user).order_by("id"))
    predictions = list(Prediction.objects.filter(actor=user).select_related("model_version").order_by("id"))
    # first labels they gave (apps.feedback.first_labels): item ids and labels, never the texts (others' data)
    labelled = list(Item.objects.filter(labelled_by=user).order_by("id")
                    .values("id", "project_id", "label", "labelled_at"))
    project_ids = {f.project_id for f in feedback} | {p.project_id for p in predictions} | {
        row["project_id"] for row in labelled} | set(
        Feedback.objects.filter(pk__in=[r.feedback_id for r in reviews]).values_list("project_id", flat=True))
    review_projects = dict(Feedback.objects.filter(pk__in=[r.feedback_id for r in reviews])
                           .values_list("pk", "project_id"))
    projects = []
    for project in Project.objects.filter(pk__in=project_ids).order_by("slug"):
        projects.append({**_project_record(project),
                         "feedback": [_feedback(f) for f in feedback if f.project_id == project.pk],
                         "reviews": [_review(r) for r in reviews if review_projects[r.feedback_id] == project.pk],
                         "predictions_requested": [_prediction(p) for p in predictions if p.project_id == project.pk],
                         "first_labels": [{"item": row["id"], "label": row["label"],
                                           "labelled_at": _time(row["labelled_at"])}
                                          for row in labelled if row["project_id"] == project.pk]})
    user_record = {"id": user.pk, "username": user.username, "email": user.email, "first_name": user.first_name,
                   "last_name": user.last_name, "date_joined": _time(user.date_joined),
                   "last_login": _time(user.last_login), "roles": sorted(user.groups.values_list("name", flat=True))}
    counts = {"feedback": len(feedback), "reviews": len(reviews), "predictions": len(predictions),
              "first_labels": len(labelled), "projects": len(projects)}
    return {"annotator": user_record, "projects": projects}, counts


@transaction.atomic
def access_request_create(*, requester, subject_ref: str | None = None, user=None) -> SubjectRequest:
    """Build and store the archive for `subject_ref` (items about a person) or `user` (an annotator's actions)."""
    if (subject_ref is None) == (user is None):
        raise ApplicationError("Give exactly one of subject_ref or user.")
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as buffer:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            if subject_ref is not None:
                ref = subject_ref_clean(subject_ref)
                document, counts = _subject_document(ref, archive)
                if not counts["items"]:
                    raise NotFound("No items carry this subject_ref.")
                name, subject = "subject.json", {"subject_hash": subject_hash(ref)}
            else:
                document, counts = _annotator_document(user)
                name, subject = "annotator.json", {"subject_user": user}
            generated = timezone.now()
            archive.writestr(name, json.dumps({"format": FORMAT, "generated_at": generated.isoformat(), **document},
                                              indent=1, ensure_ascii=False, sort_keys=True))
        size = buffer.tell()
        buffer.seek(0)
        digest = hashlib.file_digest(buffer, "sha256").hexdigest()
        buffer.seek(0)
        request = SubjectRequest.objects.create(kind=RequestKind.ACCESS, requested_by=requester,
                                                status=RequestStatus.READY, result=counts, archive_sha256=digest,
                                                archive_bytes=size, **subject)
        request.archive_key = f"{ACCESS_ARCHIVE_PREFIX}{request.pk}-{secrets.token_hex(16)}.zip"
        request.save(update_fields=["archive_key"])
        audit_event_record(action="privacy.access_created", actor=requester, obj=request,
                           details={"subject": request.subject_hash, "user": getattr(user, "pk", None),
                                    "sha256": digest, "bytes": size, **counts})
        # Last: a failure before this leaves no object behind; a failure of the save itself rolls everything back.
        saved = default_storage.save(request.archive_key, File(buffer))
    if saved != request.archive_key:
        raise ApplicationError(f"object storage stored the archive as {saved!r}", status=500)
    return request


def access_archive_download(*, request_id: int, user) -> tuple[io.BufferedIOBase, SubjectRequest]:
    """The archive's bytes for the person who asked for it, once: it is marked downloaded (logged) and deleted.

    Returns an open temporary file (the caller streams and closes it)."""
    with transaction.atomic():
        request = SubjectRequest.objects.select_for_update().filter(pk=request_id, kind=RequestKind.ACCESS).first()
        if request is None or request.requested_by_id != user.pk:
            raise NotFound("No access archive with this id for you.")
        if request.status != RequestStatus.READY:
            raise ApplicationError(f"This archive is {request.status}: it can be downloaded once.", status=410)
        local = tempfile.TemporaryFile()  # noqa: SIM115 - returned open: the response streams and closes it
        with default_storage.open(request.archive_key, "rb") as source:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                local.write(chunk)
        local.seek(0)
        key = request.archive_key
        request.status, request.downloaded_at, request.archive_key = RequestStatus.DOWNLOADED, timezone.now(), ""
        request.save(update_fields=["status", "downloaded_at", "archive_key"])
        audit_event_record(action="privacy.access_downloaded", actor=user, obj=request,
                           details={"sha256": request.archive_sha256, "bytes": request.archive_bytes})
        transaction.on_commit(lambda: _archive_delete(request, key))
    return local, request


def _archive_delete(request: SubjectRequest, key: str) -> None:
    """After the download: the archive goes; a failure is recorded and retried by beat's sweep (apps.privacy.cleanup)."""
    from .models import CleanupKind, ErasureCleanup

    try:
        default_storage.delete(key)
    except Exception as exc:
        ErasureCleanup.objects.create(erasure=request, kind=CleanupKind.OBJECT, target=key,
                                      last_error=f"{type(exc).__name__}: {exc}"[:2000], attempts=1)
