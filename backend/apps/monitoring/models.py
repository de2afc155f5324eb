"""Post-market monitoring (AI Act Art. 72): per-project thresholds, the flags they raise, and the training data's
reference profile that shift is measured against. Predictions and feedback are only read, never changed."""
from django.conf import settings
from django.db import models


class MonitoringPolicy(models.Model):
    """A project's monitoring thresholds. A project without a row is checked with these defaults."""

    project = models.OneToOneField("projects.Project", on_delete=models.CASCADE, related_name="monitoring_policy")
    window_days = models.PositiveIntegerField(default=7, help_text="the check looks at the last N days")
    min_predictions = models.PositiveIntegerField(default=100, help_text="fewer predictions in the window: no shift test")
    min_answers = models.PositiveIntegerField(default=30, help_text="fewer answers in the window: no rate check")
    max_correction_rate = models.FloatField(default=0.3, help_text="share of answers that corrected the model")
    max_disagreement_rate = models.FloatField(default=0.2, help_text="flagged answers (detection) / confident "
                                                                     "predictions corrected (text), per answer")
    confident_threshold = models.FloatField(default=0.8, help_text="text: a correction of a prediction at least this "
                                                                   "confident counts as a disagreement")
    shift_p_value = models.FloatField(default=0.01, help_text="shift needs a chi-square p-value below this (labels: "
                                                              "goodness of fit; input feature: homogeneity)")
    label_shift_min_distance = models.FloatField(default=0.1, help_text="and total variation distance at least this")
    input_psi_threshold = models.FloatField(default=0.25, help_text="population stability index of the input feature")
    retrain_on_flag = models.BooleanField(default=False, help_text="queue a training run when a flag is raised")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    def __str__(self) -> str:
        return f"monitoring policy of {self.project_id}"


class FlagKind(models.TextChoices):
    CORRECTION_RATE = "correction_rate"
    DISAGREEMENT_RATE = "disagreement_rate"
    LABEL_SHIFT = "label_shift"
    INPUT_SHIFT = "input_shift"


class MonitoringFlag(models.Model):
    """A threshold crossed by one model version. Open while `cleared_at` is null; at most one open flag per kind."""

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="monitoring_flags")
    model_version = models.ForeignKey("training.ModelVersion", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=FlagKind.choices)
    value = models.FloatField(help_text="the measured value when raised (p-value, PSI, rate)")
    threshold = models.FloatField()
    details = models.JSONField(default=dict, help_text="the test's statistics and the window")
    raised_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = models.CharField(max_length=200, blank=True)
    training_run = models.ForeignKey("training.TrainingRun", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", help_text="the retraining this flag queued, if any")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["model_version", "kind"], condition=models.Q(cleared_at=None),
                                               name="one_open_monitoring_flag")]
        indexes = [models.Index(fields=["project", "cleared_at"])]

    def __str__(self) -> str:
        return f"{self.kind} flag on version {self.model_version_id}"


class ReferenceProfile(models.Model):
    """What a dataset version looked like, computed once: label counts and the input feature's bins (edges at the
    training data's deciles) with the training items' counts per bin."""

    dataset_version = models.OneToOneField("training.DatasetVersion", on_delete=models.CASCADE, related_name="+")
    feature = models.CharField(max_length=32, help_text="text_length (characters) or image_area (pixels)")
    label_counts = models.JSONField(help_text="{label: count} of the training data (boxes for detection)")
    edges = models.JSONField(help_text="inner bin edges: bin i holds values v with edges[i-1] <= v < edges[i]")
    counts = models.JSONField(help_text="training items per bin (len(edges) + 1 bins)")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"reference profile of dataset {self.dataset_version_id}"
