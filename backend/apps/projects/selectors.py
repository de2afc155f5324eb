"""Project reads, always scoped to what the user may see."""
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet
from rest_framework.exceptions import NotFound, PermissionDenied

from apps.accounts.roles import Role, has_any_role, user_roles

from .models import Membership, Project


def is_global_admin(user) -> bool:
    return Role.ADMIN in user_roles(user)


def project_list_for_user(*, user) -> QuerySet[Project]:
    qs = Project.objects.order_by("slug")
    return qs if is_global_admin(user) else qs.filter(membership__user=user)


def project_get_for_user(*, slug: str, user, roles: frozenset[str]) -> Project:
    """The project, if `user` is a member holding one of `roles`; 404 if it does not exist, 403 otherwise."""
    # One statement for the project and the caller's membership: every project endpoint starts here.
    project = (Project.objects.filter(slug=slug)
               .annotate(caller_is_member=Exists(Membership.objects.filter(project=OuterRef("pk"), user=user))).first())
    if project is None:
        raise NotFound(f"No project {slug!r}.")
    if not is_global_admin(user) and not project.caller_is_member:
        raise PermissionDenied("You are not a member of this project.")
    require_role(user, roles)
    return project


def require_role(user, roles: frozenset[str]) -> None:
    if not has_any_role(user, roles):
        raise PermissionDenied(f"This needs one of the roles: {', '.join(sorted(roles))}.")


def project_member_usernames(*, project: Project) -> list[str]:
    return list(project.members.order_by("username").values_list("username", flat=True))


@dataclass(frozen=True)
class ProjectOverview:
    """What a person wants to see in a project list: the serving model and the work waiting."""

    champion: dict | None  # {"id", "number", "metric", "value"}
    queue_count: int  # entries in the annotators' review queue
    pending_reviews: int  # flagged feedback waiting for a second review


def project_overviews(*, projects: Iterable[Project]) -> dict[int, ProjectOverview]:
    """Overviews by project id: two queries for all projects together, plus one queue count per project."""
    from apps.feedback.models import Feedback, FeedbackStatus
    from apps.feedback.selectors import review_queue
    from apps.training.models import ModelStatus, ModelVersion

    projects = list(projects)
    ids = [p.pk for p in projects]
    champions = {v.project_id: v for v in ModelVersion.objects.filter(project_id__in=ids, status=ModelStatus.CHAMPION)
                 .only("id", "number", "metrics", "project_id")}
    pending = dict(Feedback.objects.filter(project_id__in=ids, status=FeedbackStatus.PENDING_REVIEW).exclude(flags=[])
                   .values("project_id").annotate(n=Count("id")).values_list("project_id", "n"))
    overviews = {}
    for project in projects:
        version = champions.get(project.pk)
        champion = None if version is None else {
            "id": version.pk, "number": version.number, "metric": project.promotion_metric,
            "value": (version.metrics or {}).get(project.promotion_metric)}
        queue_count = review_queue(project=project, refresh=False).count()  # counting needs no (diverse) order
        overviews[project.pk] = ProjectOverview(champion=champion, queue_count=queue_count,
                                                pending_reviews=pending.get(project.pk, 0))
    return overviews
