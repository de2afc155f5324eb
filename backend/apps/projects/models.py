"""Project (task, ordered label set, loop policies, GDPR Art. 30 record) and its members."""
from django.conf import settings
from django.db import models


class Task(models.TextChoices):
    TEXT_CLASSIFICATION = "text_classification"
    OBJECT_DETECTION = "object_detection"


class Project(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    task = models.CharField(max_length=32, choices=Task.choices)
    labels = models.JSONField(help_text="ordered label names; a label's index is never reused")
    # Loop policies.
    retrain_min_feedback = models.PositiveIntegerField(
        default=50, help_text="items with new answers (corrections) that start a retrain; 0 = never")
    feedback_weight = models.FloatField(default=2.0, help_text="sample_weight of human feedback vs imported labels")
    promotion_metric = models.CharField(max_length=32, default="f1_macro", help_text="f1_macro/accuracy; map50_95/map50")
    min_improvement = models.FloatField(default=0.0, help_text="a candidate must beat the champion by at least this")
    require_approval = models.BooleanField(default=True, help_text="a passing candidate waits for a human (AI Act Art. 14)")
    # Second review of detection feedback (disagreement between model boxes and human boxes).
    review_iou_threshold = models.FloatField(default=0.5, help_text="a matched pair below this IoU is flagged")
    confident_removal_threshold = models.FloatField(default=0.75, help_text="removing a box this confident is flagged")
    # GDPR Art. 30 record of processing.
    retention_days = models.PositiveIntegerField(null=True, blank=True)
    purpose = models.TextField(blank=True)
    lawful_basis = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="projects")

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.project_id}"
