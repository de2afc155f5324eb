"""Prediction: what a model version said about an item, for whom, when, how fast. Never updated (AI Act Art. 12)."""
from django.conf import settings
from django.db import models


class Prediction(models.Model):
    # Indexed by (project, confidence) below, whose prefix serves every project lookup: one index fewer to update
    # on each of the many inserts (a 1,000-text predict request writes 1,000 rows).
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="predictions",
                                db_index=False)
    item = models.ForeignKey("items.Item", on_delete=models.PROTECT, related_name="predictions")
    model_version = models.ForeignKey("training.ModelVersion", on_delete=models.PROTECT, related_name="predictions")
    label = models.CharField(max_length=64, blank=True, help_text="text: the predicted label")
    confidence = models.FloatField(help_text="text: top probability; images: lowest box confidence")
    probabilities = models.JSONField(default=dict)
    # Uncertainty scores for the queue strategies (apps.feedback.strategies), computed once when the prediction is
    # stored (predictions_record, and the PostgreSQL store functions from what direct.py passes them), so that a
    # large queue is ordered by an index rather than by parsing every prediction's JSON on each page.
    margin = models.FloatField(null=True, blank=True, help_text="top1 - top2 probability (images: the most torn "
                                                                "box's |2c - 1|); ai_models.selection")
    entropy = models.FloatField(null=True, blank=True, help_text="-sum p ln p (images: sum of the boxes' binary "
                                                                 "entropies); ai_models.selection")
    boxes = models.JSONField(null=True, blank=True, help_text="images: [{label, confidence, x, y, w, h}] in pixels")
    latency_ms = models.FloatField(help_text="model time for the request's batch")
    batch_size = models.PositiveIntegerField(default=1)
    request_id = models.CharField(max_length=80)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, help_text="when it was logged (the end of its request)")
    started_at = models.DateTimeField(null=True, blank=True, editable=False,
                                      help_text="when the request (or scoring chunk) that asked for it was received; "
                                                "empty on predictions logged before it was recorded")

    batch = models.ForeignKey("PredictionBatch", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="predictions", db_index=False)

    class Meta:
        indexes = [models.Index(fields=["project", "confidence"]),
                   models.Index(fields=["project", "margin"], name="prediction_project_margin"),
                   models.Index(fields=["project", "entropy"], name="prediction_project_entropy"),
                   # most predictions belong to no batch: only those that do are indexed
                   models.Index(fields=["batch"], condition=models.Q(batch__isnull=False),
                                name="prediction_batch_idx")]

    def __str__(self) -> str:
        return f"prediction {self.pk}: {self.label} ({self.confidence:.2f})"


class BatchStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class PredictionBatch(models.Model):
    """A large prediction request, run by a Celery worker; clients poll it."""

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="prediction_batches")
    item_ids = models.JSONField()
    status = models.CharField(max_length=16, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    request_id = models.CharField(max_length=80)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"prediction batch {self.pk} ({self.status})"


class ScoringStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SUPERSEDED = "superseded"  # the champion changed; a job for the new champion took over


class ScoringTrigger(models.TextChoices):
    IMPORT = "import"
    FIRST_CHAMPION = "first_champion"
    PROMOTION = "promotion"
    ROLLBACK = "rollback"
    ROTATION = "rotation"  # the next window: the last one ended with never-scored items, or the periodic rotation
    BOOTSTRAP = "bootstrap"
    MANUAL = "manual"  # `manage.py score_queue` (cron) or an operator


class QueueScoring(models.Model):
    """One pass of the review queue's scoring: the champion scores the project's unanswered pool items.

    Its own model rather than a PredictionBatch with a `kind`: a batch is a fixed list of items a person asked
    about, polled by that person, and done when that list is; a scoring job picks its own items (those the
    champion has not scored yet, within a window), belongs to one champion and is superseded when the champion
    changes, grows when items are imported while it runs, and at most one per project is active.
    """

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="queue_scorings")
    model_version = models.ForeignKey("training.ModelVersion", on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField(max_length=32, choices=ScoringTrigger.choices)
    status = models.CharField(max_length=16, choices=ScoringStatus.choices, default=ScoringStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0, help_text="items this job will score: min(candidates, window)")
    window = models.PositiveIntegerField(help_text="the most items one job scores (QUEUE_SCORE_WINDOW_*)")
    rescan = models.BooleanField(default=False, help_text="items were imported while running: look again at the end")
    request_id = models.CharField(max_length=80)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, help_text="last claim or chunk: a long-silent job is sent again")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project"], condition=models.Q(status__in=["queued", "running"]),
                                               name="one_active_queue_scoring")]

    def __str__(self) -> str:
        return f"queue scoring {self.pk} ({self.status}, {self.done}/{self.total})"
