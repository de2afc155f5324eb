"""Who may predict where, and which model serves: cached in the process, dropped when the serving generation moves.

Only the group-commit thread uses a ServingAccess, inside each batch's transaction: it reads the generation
(apps.core.models.ServingGeneration, raised by database triggers on tokens, users, groups, memberships, projects and
model versions) and, if it moved, forgets everything. A revocation, a removed membership or a promotion therefore
holds for every batch whose transaction starts after it committed. Expiry is checked on every request.
"""
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone

from apps.accounts.models import ApiToken
from apps.accounts.roles import has_any_role
from apps.accounts.tokens import LAST_USED_RESOLUTION, token_digest
from apps.projects.models import Membership, Project, Task
from apps.projects.selectors import is_global_admin
from apps.training.models import ModelVersion
from apps.training.selectors import champion_get

from ..model_cache import champion_model


@dataclass
class Caller:
    token_id: int
    user: object  # the User, its roles cached on it (apps.accounts.roles.user_roles)
    expires_at: datetime
    last_used_at: datetime | None


class ServingAccess:
    def __init__(self):
        self.generation: int | None = None
        self._callers: dict[str, Caller | None] = {}
        self._projects: dict[tuple[int, str, frozenset, str], Project | None] = {}
        self._champions: dict[int, tuple[ModelVersion, object] | None] = {}

    def refresh(self) -> None:
        """Read the generation (in the batch's transaction); forget everything if it moved or cannot be read."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM core_servinggeneration WHERE id = 1")
            row = cursor.fetchone()
        generation = row[0] if row else None
        if generation is None or generation != self.generation:
            self._callers.clear()
            self._projects.clear()
            self._champions.clear()
        self.generation = generation

    def caller(self, key: str, now: datetime) -> Caller | None:
        """The active token with this key and its active user, or None (the Django view then answers 401)."""
        digest = token_digest(key)
        if digest not in self._callers:
            token = (ApiToken.objects.select_related("user")
                     .filter(digest=digest, revoked_at__isnull=True, user__is_active=True).first())
            self._callers[digest] = token and Caller(token.pk, token.user, token.expires_at, token.last_used_at)
        caller = self._callers[digest]
        return caller if caller is not None and caller.expires_at > now else None

    def project(self, caller: Caller, slug: str, roles: frozenset[str],
                task: str = Task.TEXT_CLASSIFICATION) -> Project | None:
        """The project `slug` of `task` if the caller holds one of `roles` in it, else None (the view says 404, 403
        or why)."""
        key = (caller.user.pk, slug, roles, task)
        if key not in self._projects:
            # a stopped project (apps.projects.oversight) is the view's to refuse, with its 503
            project = Project.objects.filter(slug=slug, task=task, stopped_at__isnull=True).first()
            allowed = project is not None and has_any_role(caller.user, roles) and (
                is_global_admin(caller.user) or Membership.objects.filter(project=project, user=caller.user).exists())
            self._projects[key] = project if allowed else None
        return self._projects[key]

    def champion(self, project: Project) -> tuple[ModelVersion, object] | None:
        """The champion and its loaded model, or None before the first promotion (the view answers 409)."""
        if project.pk not in self._champions:
            version = champion_get(project=project)
            if version is not None:
                version.project = project
                self._champions[project.pk] = (version, champion_model(version))
            else:
                self._champions[project.pk] = None
        return self._champions[project.pk]

    def touch(self, callers: list[Caller], now: datetime) -> None:
        """Refresh last_used_at as token_authenticate does: at most once a minute per token, one UPDATE for all."""
        if stale := self.stale_tokens(callers, now):
            ApiToken.objects.filter(pk__in=stale).update(last_used_at=now)

    @staticmethod
    def stale_tokens(callers: list[Caller], now: datetime) -> list[int]:
        """The ids of the callers' tokens whose last use is to be written now (then counted as written)."""
        stale = {c.token_id: c for c in callers if c.last_used_at is None or now - c.last_used_at >= LAST_USED_RESOLUTION}
        for caller in stale.values():
            caller.last_used_at = now
        return list(stale)


def now() -> datetime:
    return timezone.now()
