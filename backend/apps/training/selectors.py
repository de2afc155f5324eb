"""Training reads: champion, runs and versions of a project."""
from django.db.models import QuerySet

from .models import ModelStatus, ModelVersion, RunStatus, TrainingRun


def champion_get(*, project) -> ModelVersion | None:
    return ModelVersion.objects.filter(project=project, status=ModelStatus.CHAMPION).first()


def model_version_list(*, project) -> QuerySet[ModelVersion]:
    return ModelVersion.objects.filter(project=project).select_related("approved_by").order_by("-number")


def training_run_active(*, project) -> TrainingRun | None:
    return TrainingRun.objects.filter(project=project, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).first()


def training_run_list(*, project) -> QuerySet[TrainingRun]:
    return TrainingRun.objects.filter(project=project).select_related("model_version").order_by("-id")


def rollback_target(*, project, champion: ModelVersion) -> ModelVersion | None:
    """The champion before the current one: the latest-promoted archived version not itself rolled back."""
    qs = ModelVersion.objects.filter(project=project, status=ModelStatus.ARCHIVED, promoted_at__isnull=False,
                                     rolled_back_at__isnull=True)
    if champion.promoted_at:
        qs = qs.filter(promoted_at__lt=champion.promoted_at)
    return qs.order_by("-promoted_at").first()


def _human_answers(version: ModelVersion) -> int | None:
    """How many training examples of the version's dataset were human answers (DatasetVersion.counts)."""
    dataset = version.training_run.dataset_version if version.training_run_id else None
    counts = dataset.counts if dataset else (version.model_card.get("data") or {}).get("counts") or {}
    value = counts.get("from_feedback")
    return int(value) if isinstance(value, int) else None


def learning_curve(*, project) -> dict:
    """The promotion metric on the holdout against the number of human answers each version trained on."""
    metric = project.promotion_metric
    versions = (ModelVersion.objects.filter(project=project).select_related("training_run__dataset_version")
                .order_by("number"))
    return {"metric": metric, "points": [
        {"version_id": v.pk, "number": v.number, "status": v.status, "human_answers": _human_answers(v),
         "value": v.metrics.get(metric), "created_at": v.created_at} for v in versions]}
