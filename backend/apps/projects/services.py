"""Project writes: create, change policies or extend labels, manage members; each audited."""
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError, Conflict

from .models import Membership, Project, QueueStrategy, Task, TextModel

# The Art. 30 texts that only admins edit (the API and the Django admin both go through project_update).
RECORD_FIELDS = ("controller", "data_categories", "data_subject_categories", "recipients", "international_transfers",
                 "security_measures")
POLICY_FIELDS = ("retrain_min_feedback", "feedback_weight", "promotion_metric", "min_improvement",
                 "require_approval", "text_model", "review_iou_threshold", "confident_removal_threshold", "gold_rate",
                 "queue_strategy", "max_unreviewed_accept_share", "retention_days", "log_retention_days", "purpose",
                 "lawful_basis",
                 *RECORD_FIELDS)
PROMOTION_METRICS = {Task.TEXT_CLASSIFICATION: ("f1_macro", "accuracy"), Task.OBJECT_DETECTION: ("map50_95", "map50")}


def _validate_labels(labels: list[str]) -> list[str]:
    cleaned = [str(label).strip() for label in labels]
    if len(cleaned) < 2:
        raise ApplicationError("A project needs at least two labels.")
    if any(not label or len(label) > 64 for label in cleaned):
        raise ApplicationError("Labels must be non-empty and at most 64 characters.")
    duplicates = sorted({label for label in cleaned if cleaned.count(label) > 1})
    if duplicates:
        raise ApplicationError(f"Duplicate labels: {', '.join(duplicates)}.")
    return cleaned


def _validate_policies(task: str, policies: dict) -> None:
    allowed = PROMOTION_METRICS[task]
    if "promotion_metric" in policies and policies["promotion_metric"] not in allowed:
        raise ApplicationError(f"promotion_metric for {task} must be one of {', '.join(allowed)}.")
    if policies.get("feedback_weight", 1.0) <= 0:
        raise ApplicationError("feedback_weight must be positive.")
    for name in ("review_iou_threshold", "confident_removal_threshold"):
        if name in policies and not 0 < policies[name] <= 1:
            raise ApplicationError(f"{name} must be in (0, 1].")
    if "gold_rate" in policies and not 0 <= policies["gold_rate"] <= 0.5:
        raise ApplicationError("gold_rate must be in [0, 0.5].")
    if "text_model" in policies:
        if policies["text_model"] not in TextModel.values:
            raise ApplicationError(f"text_model must be one of {', '.join(TextModel.values)}.")
        if task != Task.TEXT_CLASSIFICATION and policies["text_model"] != TextModel.TFIDF_LR:
            raise ApplicationError("text_model applies to text classification projects only.")
    if "queue_strategy" in policies and policies["queue_strategy"] not in QueueStrategy.values:
        raise ApplicationError(f"queue_strategy must be one of {', '.join(QueueStrategy.values)}; "
                               f"got {str(policies['queue_strategy'])[:40]!r}.")
    cap = policies.get("max_unreviewed_accept_share")
    if cap is not None and not 0 <= cap <= 1:
        raise ApplicationError("max_unreviewed_accept_share must be in [0, 1], or null for no cap.")
    log_retention_days_check(policies.get("log_retention_days"))


def log_retention_days_check(days: int | None) -> None:
    """AI Act Art. 19(1), 26(6): logs are kept at least LOG_RETENTION_FLOOR_DAYS; None keeps them for good."""
    floor = settings.LOG_RETENTION_FLOOR_DAYS
    if days is not None and days < floor:
        raise ApplicationError(f"log_retention_days must be at least {floor} (the legal floor for keeping logs, "
                               f"AI Act Art. 19 and 26(6)), or blank to keep them for good; got {days}.")


@transaction.atomic
def project_create(*, slug: str, name: str, task: str, labels: list[str], creator: User | None, **policies) -> Project:
    if task not in Task.values:
        raise ApplicationError(f"Unknown task {task!r}; supported: {', '.join(Task.values)}.")
    if Project.objects.filter(slug=slug).exists():
        raise Conflict(f"A project with slug {slug!r} already exists.")
    policies.setdefault("promotion_metric", PROMOTION_METRICS[task][0])
    _validate_policies(task, policies)
    project = Project.objects.create(slug=slug, name=name, task=task, labels=_validate_labels(labels),
                                     created_by=creator, **policies)
    if creator is not None:
        Membership.objects.create(project=project, user=creator)
    audit_event_record(action="project.created", actor=creator, project=project, obj=project,
                       details={"task": task, "labels": project.labels,
                                "policies": {f: getattr(project, f) for f in POLICY_FIELDS}})
    return project


@transaction.atomic
def project_update(*, project: Project, actor: User, labels: list[str] | None = None, **policies) -> Project:
    """Change policies or append labels. Existing labels keep their order and are never removed or renamed."""
    project = Project.objects.select_for_update(no_key=True).get(pk=project.pk)
    changes: dict = {}
    if labels is not None:
        labels = _validate_labels(labels)
        if labels[: len(project.labels)] != project.labels:
            raise ApplicationError("Labels can only be appended: existing labels keep their names and order.")
        if labels != project.labels:
            changes["labels"] = {"before": project.labels, "after": labels}
            project.labels = labels
    _validate_policies(project.task, policies)
    for field, value in policies.items():
        if getattr(project, field) != value:
            changes[field] = {"before": getattr(project, field), "after": value}
            setattr(project, field, value)
    if changes:
        project.save()
        if "text_model" in changes:
            changes["text_model"]["envelope"] = _family_against_envelope(project)
        audit_event_record(action="project.updated", actor=actor, project=project, obj=project, details=changes)
    return project


def _family_against_envelope(project: Project) -> str | None:
    """How the new text model family stands against a declared envelope of pre-determined changes: None (none
    declared), "inside", or "outside" (its candidates then wait for an admin's logged approval at the gate)."""
    from apps.training.envelope import change_envelope_get, project_model_family

    envelope = change_envelope_get(project=project)
    if envelope is None:
        return None
    return "inside" if project_model_family(project=project) == envelope.model_family else "outside"


@transaction.atomic
def project_member_add(*, project: Project, user: User, actor: User | None) -> Membership:
    membership, created = Membership.objects.get_or_create(project=project, user=user)
    if created:
        audit_event_record(action="project.member_added", actor=actor, project=project, obj=user)
    return membership


@transaction.atomic
def project_member_remove(*, project: Project, user: User, actor: User) -> None:
    deleted, _ = Membership.objects.filter(project=project, user=user).delete()
    if not deleted:
        raise ApplicationError(f"{user.username!r} is not a member of {project.slug!r}.", status=404)
    audit_event_record(action="project.member_removed", actor=actor, project=project, obj=user)
