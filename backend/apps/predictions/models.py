"""Prediction: what a model version said about an item, for whom, when, how fast. Never updated (AI Act Art. 12)."""
from django.conf import settings
from django.db import models


class Prediction(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="predictions")
    item = models.ForeignKey("items.Item", on_delete=models.PROTECT, related_name="predictions")
    model_version = models.ForeignKey("training.ModelVersion", on_delete=models.PROTECT, related_name="predictions")
    label = models.CharField(max_length=64)
    confidence = models.FloatField(db_index=True)
    probabilities = models.JSONField()
    latency_ms = models.FloatField(help_text="model time for the request's batch")
    batch_size = models.PositiveIntegerField(default=1)
    request_id = models.CharField(max_length=80)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["project", "confidence"])]

    def __str__(self) -> str:
        return f"prediction {self.pk}: {self.label} ({self.confidence:.2f})"
