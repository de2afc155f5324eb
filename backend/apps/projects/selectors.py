"""Project reads, always scoped to what the user may see."""
from django.db.models import QuerySet
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
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise NotFound(f"No project {slug!r}.")
    if not is_global_admin(user) and not Membership.objects.filter(project=project, user=user).exists():
        raise PermissionDenied("You are not a member of this project.")
    require_role(user, roles)
    return project


def require_role(user, roles: frozenset[str]) -> None:
    if not has_any_role(user, roles):
        raise PermissionDenied(f"This needs one of the roles: {', '.join(sorted(roles))}.")


def project_member_usernames(*, project: Project) -> list[str]:
    return list(project.members.order_by("username").values_list("username", flat=True))
