"""API tokens: only a SHA-256 digest of each key is kept; every token expires (TOKEN_TTL) and can be revoked.

A key is 32 random bytes (256 bits), so a plain digest is enough (no slow hash, no salt: nothing to guess) and the
digest itself is the lookup. A database leak gives no usable key. Services live in tokens.py.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    # The key's first characters: tell a user's tokens apart (admin, audit) without being usable.
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)  # sha256 of the key, hex
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    last_used_at = models.DateTimeField(null=True, blank=True)  # refreshed at most once a minute
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, blank=True)  # logout, logout_all, password_changed, admin

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
