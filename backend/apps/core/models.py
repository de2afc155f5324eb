"""The transactional outbox: work for Celery, written in the same transaction as the change that asks for it."""
from django.db import models


class OutboxMessage(models.Model):
    """A Celery task to send. Written with the request's change, sent by apps.core.outbox once the broker answers.

    `dedupe_key` keeps at most one unsent message per key (a hundred corrections while Redis is down ask for one
    retrain check, not a hundred).
    """

    task = models.CharField(max_length=128)
    args = models.JSONField(default=list)
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="outbox_one_unsent_per_key",
                                               condition=models.Q(sent_at__isnull=True) & ~models.Q(dedupe_key=""))]

    def __str__(self) -> str:
        return f"outbox {self.pk}: {self.task}{tuple(self.args)} ({'sent' if self.sent_at else 'pending'})"


class ServingGeneration(models.Model):
    """One row whose `value` database triggers raise whenever something the predict fast path caches changes.

    The fast path (apps.predictions.serving) keeps tokens, roles, memberships, projects and champions in memory and
    reads this one value in each batch's transaction: a different value drops its caches. The triggers (migration
    core.0002) fire on every way a change reaches those tables — services, the admin, queryset updates, SQL — so a
    revocation or a promotion holds for every batch that starts after it commits.
    """

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"serving generation {self.value}"
