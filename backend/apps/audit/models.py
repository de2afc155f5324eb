"""AuditEvent: the append-only, hash-chained record of every write.

UPDATE and DELETE on this table are refused by a database trigger (see migration 0002);
rows hold pseudonymous actor refs and no raw personal data.
"""
from django.db import models


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor_ref = models.CharField(max_length=64, help_text="keyed-HMAC pseudonym of the acting user, or 'system'")
    actor_role = models.CharField(max_length=32)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    project_slug = models.CharField(max_length=64, blank=True, db_index=True)
    request_id = models.CharField(max_length=80, blank=True)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        # The events endpoint filters on these, an auditor's view always by project too, and pages in seq order
        # reading a page's seqs first (KeyFirstPagination): (filter, project_slug, seq) answers that from the
        # index alone, so a filtered page of hundreds of thousands of events never reads the skipped rows.
        indexes = [
            models.Index(fields=["created_at"]),
            models.Index(fields=["action", "project_slug", "seq"], name="audit_action_project_seq_idx"),
            models.Index(fields=["project_slug", "seq"], name="audit_project_seq_idx"),
            models.Index(fields=["actor_ref", "project_slug", "seq"], name="audit_actor_project_seq_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditCheckpoint(models.Model):
    """The anchor the chain verifies from once the events up to `through_seq` are purged (apps.audit.purge).

    `anchor_hash` is the stored hash of event `through_seq`, which the first retained event links to. The same
    values are in the `audit.purged` event (`event_seq`), which stays in the chain: the checkpoint cannot be
    changed without breaking that event's hash. Append-only, like the events (migration 0007): events at or below
    the highest `through_seq` are the only ones the database lets anyone delete."""

    through_seq = models.BigIntegerField(unique=True)
    anchor_hash = models.CharField(max_length=64)
    cutoff = models.DateTimeField(help_text="events created before this were purged")
    purged = models.BigIntegerField(help_text="events purged under this checkpoint")
    event_seq = models.BigIntegerField(help_text="the audit.purged event that records this checkpoint")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["through_seq"]

    def __str__(self) -> str:
        return f"audit checkpoint through #{self.through_seq}"
