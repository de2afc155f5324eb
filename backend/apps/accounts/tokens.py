"""API token services: create (each login a new token), authenticate, revoke one, revoke all of a user's.

Keys are shown once, to whoever logs in; the database keeps their SHA-256 digest (models.ApiToken). A token dies
at its expiry (settings.TOKEN_TTL after its creation, never extended), on logout, on "log out everywhere", and when
its user's password changes (signals.py). Every revocation is audited; authentication itself writes no event.
"""
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions

from apps.audit.services import audit_event_record

from .models import ApiToken

LAST_USED_RESOLUTION = timedelta(seconds=60)  # a busy client costs one UPDATE a minute, not one per request
INVALID = "Invalid, expired or revoked token. Log in again: POST /api/v1/auth/token/."


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def token_issue(*, user) -> tuple[ApiToken, str]:
    """A new token for `user` and its key (the only time the key exists in plain text). Not audited: the caller
    records why (token_login records `auth.login`)."""
    now = timezone.now()
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()  # expired rows are no use to anyone
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, prefix=key[:8], digest=token_digest(key), created_at=now,
                                    expires_at=now + timedelta(seconds=settings.TOKEN_TTL))
    return token, key


def token_create(*, user) -> str:
    """The key of a new token for `user`: how tests and `manage.py bench` get credentials without a login."""
    return token_issue(user=user)[1]


def token_authenticate(*, key: str) -> ApiToken:
    """The active token with this key, its user loaded; AuthenticationFailed (401) otherwise."""
    now = timezone.now()
    token = (ApiToken.objects.select_related("user")
             .filter(digest=token_digest(key), revoked_at__isnull=True, expires_at__gt=now).first())
    if token is None or not token.user.is_active:
        raise exceptions.AuthenticationFailed(INVALID)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


@transaction.atomic
def token_revoke(*, token: ApiToken, actor, reason: str = "logout") -> None:
    """Revoke one token (logout with it, or an admin's action), audited as `auth.logout` / `auth.token_revoked`."""
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(),
                                                                              revoked_reason=reason):
        action = "auth.logout" if reason == "logout" else "auth.token_revoked"
        audit_event_record(action=action, actor=actor, obj=token.user,
                           details={"via": "token", "token": token.pk, "reason": reason})


@transaction.atomic
def user_tokens_revoke(*, user, actor, reason: str) -> int:
    """Revoke every active token of `user` (log out everywhere, a password change); how many were revoked."""
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()).update(
        revoked_at=timezone.now(), revoked_reason=reason)
    if count:
        audit_event_record(action="auth.tokens_revoked", actor=actor, obj=user,
                           details={"count": count, "reason": reason})
    return count
