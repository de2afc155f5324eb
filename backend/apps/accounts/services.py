"""Account writes: token and session login, logout, role changes; each with its audit event (token services:
tokens.py)."""
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import Group, User
from django.db import transaction

from apps.audit.services import audit_event_record
from apps.core.exceptions import ApplicationError

from .models import ApiToken
from .roles import ALL_ROLES
from .throttle import login_attempt_begin, login_attempt_succeeded
from .tokens import token_issue, user_tokens_revoke


def _credentials_check(*, request, username: str, password: str, via: str) -> User:
    """The active user with these credentials; otherwise `auth.login_failed` is recorded and the login refused.

    Throttled first (throttle.py): past the limits the password is not even checked (429).
    """
    attempt = login_attempt_begin(request=request, username=username, via=via)
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        with transaction.atomic():  # committed before we refuse, so failed attempts stay on record
            audit_event_record(action="auth.login_failed", details={"via": via})
        raise ApplicationError("Unable to log in with the provided credentials.", status=400)
    login_attempt_succeeded(attempt)
    return user


def token_login(*, request, username: str, password: str) -> tuple[ApiToken, str]:
    """A new token at every login (never an earlier one's key, which is not kept): the token and its key."""
    user = _credentials_check(username=username, password=password, via="token", request=request)
    with transaction.atomic():
        token, key = token_issue(user=user)
        audit_event_record(action="auth.login", actor=user, obj=user, details={"via": "token", "token": token.pk})
    return token, key


def session_login(*, request, username: str, password: str) -> User:
    """Django's login(): a new session (key and CSRF token rotated).

    Its `auth.login` event is written by the user_logged_in receiver (signals.py), inside this transaction,
    as for every other session login (the Django admin's too).
    """
    user = _credentials_check(username=username, password=password, via="session", request=request)
    with transaction.atomic():
        login(request, user)
    return user


def session_logout(*, request) -> None:
    user = request.user
    with transaction.atomic():
        audit_event_record(action="auth.logout", actor=user, obj=user, details={"via": "session"})
        logout(request)


def logout_everywhere(*, request) -> int:
    """Revoke every API token of the user, and end this request's session if it has one; tokens revoked."""
    user = request.user
    with transaction.atomic():
        count = user_tokens_revoke(user=user, actor=user, reason="logout_all")
        if not isinstance(request.auth, ApiToken):
            session_logout(request=request)
    return count


@transaction.atomic
def user_roles_set(*, user: User, roles: list[str], actor: User | None) -> list[str]:
    unknown = sorted(set(roles) - ALL_ROLES)
    if unknown:
        raise ApplicationError(f"Unknown role(s): {', '.join(unknown)}. Known: {', '.join(sorted(ALL_ROLES))}.")
    before = sorted(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
    keep = list(user.groups.exclude(name__in=ALL_ROLES))
    user.groups.set(keep + [Group.objects.get_or_create(name=r)[0] for r in sorted(set(roles))])
    user.__dict__.pop("_hitl_roles", None)
    after = sorted(set(roles))
    if before != after:
        audit_event_record(action="accounts.roles_changed", actor=actor, obj=user,
                           details={"before": before, "after": after})
    return after


@transaction.atomic
def user_create(*, username: str, password: str, roles: list[str], actor: User | None,
                is_superuser: bool = False) -> User:
    if User.objects.filter(username=username).exists():
        raise ApplicationError(f"User {username!r} already exists.", status=409)
    if is_superuser:
        user = User.objects.create_superuser(username=username, password=password, email="")
    else:
        user = User.objects.create_user(username=username, password=password)
    audit_event_record(action="accounts.user_created", actor=actor, obj=user, details={"superuser": is_superuser})
    user_roles_set(user=user, roles=roles, actor=actor)
    return user
