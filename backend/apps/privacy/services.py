"""Privacy writes: rectification (Art. 16) and restriction (Art. 18); access (access.py) and erasure (erasure.py)
have their own modules. Each runs in one transaction with its audit event and a SubjectRequest that records it.
"""
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError, Conflict, NotFound
from apps.items.models import Item
from apps.items.services import content_hash, normalize_text

from .access import access_archive_download, access_request_create
from .erasure import subject_erase, subject_ref_clean
from .hashing import subject_hash
from .models import RequestKind, SubjectRequest

__all__ = ["access_archive_download", "access_request_create", "item_rectify", "subject_erase",
           "subject_restrict", "subject_restriction_lift"]


@transaction.atomic
def item_rectify(*, item_id: int, text, actor) -> Item:
    """Correct a text item's content: a new content hash; its predictions and feedback stay linked to it."""
    item = Item.objects.select_for_update(no_key=True).select_related("project").filter(pk=item_id).first()
    if item is None or item.erased_at:
        raise NotFound(f"No item {item_id} (or it was erased).")
    if item.storage_key or not item.text:
        raise ApplicationError("Only a text item's content can be rectified here; an image is replaced by erasing "
                               "it and importing the corrected one.")
    try:
        clean = normalize_text(text)
    except ValueError as exc:
        raise ApplicationError(f"text: {exc}.") from exc
    before = len(item.text)
    item.text, item.content_hash = clean, content_hash(clean)
    try:
        with transaction.atomic():
            item.save(update_fields=["text", "content_hash"])
    except IntegrityError:
        raise Conflict("Another item of this project already has exactly this text.") from None
    request = SubjectRequest.objects.create(kind=RequestKind.RECTIFICATION, requested_by=actor,
                                            subject_hash=subject_hash(item.subject_ref) if item.subject_ref else "",
                                            result={"item": item.pk, "chars_before": before, "chars_after": len(clean)})
    # Lengths, not hashes: a sha256 of a short text can be guessed, and an audit event outlives an erasure.
    audit_event_record(action="privacy.rectified", actor=actor, project=item.project, obj=item,
                       details={"request": request.pk, "subject": request.subject_hash, **request.result})
    return item


def _restriction(*, subject_ref: str, actor, restrict: bool) -> SubjectRequest:
    ref = subject_ref_clean(subject_ref)
    items = Item.objects.select_for_update(no_key=True).filter(subject_ref=ref, erased_at__isnull=True)
    if not items.exists():
        raise NotFound("No items carry this subject_ref.")
    changed = items.filter(restricted_at__isnull=restrict)
    per_project: dict[str, int] = {}
    for slug in changed.values_list("project__slug", flat=True):
        per_project[slug] = per_project.get(slug, 0) + 1
    ids = list(changed.values_list("pk", flat=True))
    Item.objects.filter(pk__in=ids).update(restricted_at=timezone.now() if restrict else None)
    kind = RequestKind.RESTRICTION if restrict else RequestKind.RESTRICTION_LIFTED
    request = SubjectRequest.objects.create(kind=kind, subject_hash=subject_hash(ref), requested_by=actor,
                                            result={"items": len(ids), "projects": per_project, "item_ids": ids})
    for slug in sorted(per_project) or [""]:
        audit_event_record(action=f"privacy.{kind}", actor=actor, project=slug, obj=request,
                           details={"subject": request.subject_hash, "items": per_project.get(slug, 0)})
    return request


@transaction.atomic
def subject_restrict(*, subject_ref: str, actor) -> SubjectRequest:
    """Art. 18: the subject's items stay, but leave review queues, scoring, predictions and training data."""
    return _restriction(subject_ref=subject_ref, actor=actor, restrict=True)


@transaction.atomic
def subject_restriction_lift(*, subject_ref: str, actor) -> SubjectRequest:
    return _restriction(subject_ref=subject_ref, actor=actor, restrict=False)
