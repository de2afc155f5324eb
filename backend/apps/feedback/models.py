"""Feedback: a person's answer to a prediction, kept exactly as given."""
from django.conf import settings
from django.db import models


class Verdict(models.TextChoices):
    ACCEPT = "accept"
    CORRECT = "correct"


class Feedback(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="feedback")
    prediction = models.ForeignKey("predictions.Prediction", on_delete=models.PROTECT, related_name="feedback")
    item = models.ForeignKey("items.Item", on_delete=models.PROTECT, related_name="feedback")
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    label = models.CharField(max_length=64, null=True, blank=True, help_text="the label given with a correction")
    resolved_label = models.CharField(max_length=64, help_text="the answer: the correction, or the accepted label")
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["project", "created_at"])]

    def __str__(self) -> str:
        return f"feedback {self.pk}: {self.verdict} {self.resolved_label}"
