"""Feedback: a person's answer to a prediction, kept exactly as given; Review: the second reviewer's final answer."""
from django.conf import settings
from django.db import models


class Verdict(models.TextChoices):
    ACCEPT = "accept"
    CORRECT = "correct"


class FeedbackStatus(models.TextChoices):
    ACCEPTED = "accepted"  # no disagreement: used for training as given
    PENDING_REVIEW = "pending_review"  # flagged: waits for a second reviewer
    REVIEWED = "reviewed"  # the Review's answer is used for training


class Feedback(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="feedback")
    prediction = models.ForeignKey("predictions.Prediction", on_delete=models.PROTECT, related_name="feedback")
    item = models.ForeignKey("items.Item", on_delete=models.PROTECT, related_name="feedback")
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    label = models.CharField(max_length=64, null=True, blank=True, help_text="the label given with a correction")
    resolved_label = models.CharField(max_length=64, blank=True, help_text="text: the correction or the accepted label")
    boxes = models.JSONField(null=True, blank=True, help_text="images: the boxes given with a correction")
    resolved_boxes = models.JSONField(null=True, blank=True, help_text="images: the corrected or accepted boxes")
    flags = models.JSONField(default=list, help_text="why this answer needs a second review")
    status = models.CharField(max_length=16, choices=FeedbackStatus.choices, default=FeedbackStatus.ACCEPTED,
                              db_index=True)
    comment = models.TextField(blank=True)
    gold_agrees = models.BooleanField(null=True, blank=True, help_text="an answer to a gold item: whether it agreed "
                                      "with the trusted label (never training data); null: not a gold item")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["project", "created_at"])]

    def __str__(self) -> str:
        return f"feedback {self.pk}: {self.verdict} {self.resolved_label}"


class Review(models.Model):
    """The second reviewer's final answer to flagged feedback. The feedback itself stays unchanged."""

    feedback = models.OneToOneField(Feedback, on_delete=models.PROTECT, related_name="review")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    label = models.CharField(max_length=64, blank=True)
    boxes = models.JSONField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"review of feedback {self.feedback_id}"


class ContestStatus(models.TextChoices):
    OPEN = "open"  # at the top of the project's review queue until a reviewer decides it
    DECIDED = "decided"


class Contest(models.Model):
    """An objection to a prediction (GDPR Art. 21, 22(3)): a person asks for a human to decide instead of the model.
    The reason is free text given on the subject's behalf; the decision is a reviewer's answer (a Feedback)."""

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="contests")
    prediction = models.ForeignKey("predictions.Prediction", on_delete=models.PROTECT, related_name="contests")
    item = models.ForeignKey("items.Item", on_delete=models.PROTECT, related_name="contests")
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=ContestStatus.choices, default=ContestStatus.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decision = models.OneToOneField(Feedback, null=True, blank=True, on_delete=models.PROTECT, related_name="contest")
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prediction"], condition=models.Q(status="open"),
                                               name="one_open_contest_per_prediction")]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"contest {self.pk} of prediction {self.prediction_id} ({self.status})"


class GoldItem(models.Model):
    """A pool item with a trusted label, mixed unseen into annotators' queues to measure their accuracy (AI Act
    Art. 14(4)(b), 15(4)). Its answers are scored, never trained on; the item itself leaves the training data."""

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="gold_items")
    item = models.OneToOneField("items.Item", on_delete=models.CASCADE, related_name="gold")
    label = models.CharField(max_length=64, blank=True, help_text="text: the trusted label")
    boxes = models.JSONField(null=True, blank=True, help_text="images: the trusted boxes")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"gold item {self.item_id}"


class QueueOrdering(models.Model):
    """A cached order of a project's queue that needs the whole pool to compute (apps.feedback.strategies): the
    `diverse` strategy (ranks of predictions) or the cold-start coverage order (ranks of items). A cache, not a
    record: it is derived from predictions and texts, holds no personal data, and is rebuilt whenever it is stale."""

    class Kind(models.TextChoices):
        DIVERSE = "diverse"
        COVERAGE = "coverage"

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=64, help_text="what it was computed for (the champion); another key: stale")
    last_id = models.BigIntegerField(default=0, help_text="the newest ranked id: more than 10% newer ones: stale")
    size = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)
    compute_ms = models.FloatField(default=0.0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="one_queue_ordering_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} ordering of project {self.project_id} ({self.size})"


class QueueRank(models.Model):
    """One entry's place in a QueueOrdering: a prediction id (diverse) or an item id (coverage)."""

    ordering = models.ForeignKey(QueueOrdering, on_delete=models.CASCADE, related_name="ranks")
    object_id = models.BigIntegerField()
    rank = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ordering", "object_id"], name="one_rank_per_object")]

    def __str__(self) -> str:
        return f"{self.object_id} at {self.rank}"
