"""Privacy reads: a subject's items, the requests a user may see, and which model versions learned from erased data
(for the model card and the promotion pages)."""
from django.db.models import QuerySet

from apps.items.models import Item

from .models import ErasedDatasetVersion, ErasedModelVersion, SubjectRequest


def subject_items(*, subject_ref: str) -> QuerySet[Item]:
    """Every item about `subject_ref`, in every project (the partial index item_subject_ref_idx serves this)."""
    return Item.objects.filter(subject_ref=subject_ref).select_related("project").order_by("id")


def subject_request_list(*, kind: str | None = None) -> QuerySet[SubjectRequest]:
    qs = SubjectRequest.objects.select_related("requested_by", "subject_user").order_by("-id")
    return qs.filter(kind=kind) if kind else qs


def subject_request_get(*, request_id: int) -> SubjectRequest | None:
    return SubjectRequest.objects.filter(pk=request_id).first()


def model_versions_trained_on_erased_data(project) -> QuerySet:
    """The project's model versions trained on a dataset version that held data erased afterwards."""
    from apps.training.models import ModelVersion

    erased = ErasedModelVersion.objects.filter(model_version__project=project).values("model_version")
    return ModelVersion.objects.filter(pk__in=erased).order_by("number")


def erasures_for_model_version(mv) -> list[dict]:
    """What the model card says under "erased data": each erasure that reached this version's training data."""
    rows = (ErasedModelVersion.objects.filter(model_version=mv).select_related("erasure")
            .order_by("erasure_id"))
    held = dict(ErasedDatasetVersion.objects.filter(erasure__in=[r.erasure_id for r in rows],
                                                    dataset_version=mv.training_run.dataset_version_id)
                .values_list("erasure_id", "items"))
    return [{"erasure": r.erasure_id, "erased_at": r.erasure.created_at.isoformat(),
             "dataset_version": r.dataset_version_id, "items": held.get(r.erasure_id, 0)} for r in rows]


def erasures_for_dataset_version(dv) -> QuerySet[ErasedDatasetVersion]:
    return ErasedDatasetVersion.objects.filter(dataset_version=dv).order_by("erasure_id")
