"""Training lineage: the dataset snapshot, the run that trained on it, and the model version it produced."""
from django.conf import settings
from django.db import models


class DatasetVersion(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="dataset_versions")
    content_hash = models.CharField(max_length=64)
    manifest = models.JSONField(help_text="[[item_id, label, weight, item content hash, provenance], ...] "
                                          "(provenance: imported, labelled, human_corrected, accepted_as_is, reviewed; "
                                          "versions made before it was stored have the first four)")
    counts = models.JSONField(help_text="examples per label, how many came from human feedback, per provenance kind, "
                                        "gold items left out, unreviewed accepts held back (held_back)")
    holdout_hash = models.CharField(max_length=64)
    holdout_size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "content_hash", "holdout_hash"], name="unique_dataset")]

    def __str__(self) -> str:
        return f"dataset {self.pk} ({self.content_hash[:12]})"


class RunStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Trigger(models.TextChoices):
    MANUAL = "manual"
    FEEDBACK_THRESHOLD = "feedback_threshold"
    BOOTSTRAP = "bootstrap"
    SIMULATION = "simulation"
    DVC = "dvc"
    ERASURE = "erasure"  # a subject's data was erased (GDPR Art. 17): retrain without it
    MONITORING = "monitoring"  # a post-market monitoring flag (AI Act Art. 72) asked for a retraining


class TrainingRun(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="training_runs")
    dataset_version = models.ForeignKey(DatasetVersion, null=True, blank=True, on_delete=models.PROTECT)
    trigger = models.CharField(max_length=32, choices=Trigger.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True)
    progress = models.JSONField(default=dict, help_text="{stage, fold, folds, percent}")
    params = models.JSONField(default=dict, help_text="the params.yaml values this run trains with, overrides applied")
    overrides = models.JSONField(default=dict, help_text="what the request changed ({} = params.yaml as it is)")
    kfold = models.JSONField(default=dict)
    mlflow_run_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True,
                                        help_text="refreshed while a worker executes one of the run's tasks")
    deliveries = models.JSONField(default=dict, help_text="how often each task of the run was started (begin, fold-0, "
                                                          "..., finish): a task that keeps killing its worker fails")

    def __str__(self) -> str:
        return f"training run {self.pk} ({self.status})"


class ModelStatus(models.TextChoices):
    CANDIDATE = "candidate"
    CHAMPION = "champion"
    ARCHIVED = "archived"
    REJECTED = "rejected"


class ModelVersion(models.Model):
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="model_versions")
    number = models.PositiveIntegerField()
    training_run = models.OneToOneField(TrainingRun, on_delete=models.PROTECT, related_name="model_version")
    status = models.CharField(max_length=16, choices=ModelStatus.choices, default=ModelStatus.CANDIDATE, db_index=True)
    metrics = models.JSONField(help_text="holdout metrics and the k-fold summary")
    gate = models.JSONField(default=dict, help_text="the promotion gate's comparison with the champion")
    mlflow_run_id = models.CharField(max_length=64)
    registered_model_name = models.CharField(max_length=128)
    registered_version = models.PositiveIntegerField()
    model_card = models.JSONField(default=dict)
    artifact_sha256 = models.CharField(max_length=64, blank=True, help_text="sha256 of the registered model artifact, "
                                       "recorded at registration and checked before serving (AI Act Art. 15(5)); "
                                       "empty for versions registered before it was recorded")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    promotion_reason = models.TextField(blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True, help_text="when it last became champion by promotion")
    rolled_back_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="unique_model_number"),
            models.UniqueConstraint(fields=["project"], condition=models.Q(status="champion"), name="one_champion"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} v{self.number} ({self.status})"


class ChangeEnvelope(models.Model):
    """The project's declared envelope of pre-determined changes (AI Act Annex IV 2(f)): what a retrained version may
    differ in and still be promoted as usual. A candidate outside it waits for an admin's approval with a reason."""

    project = models.OneToOneField("projects.Project", on_delete=models.CASCADE, related_name="change_envelope")
    task = models.CharField(max_length=32)
    labels = models.JSONField(help_text="the exact ordered label set a version may predict")
    model_family = models.CharField(max_length=64, help_text="apps.training.envelope.model_family of the params")
    param_ranges = models.JSONField(default=dict, help_text='{"C": {"min": 0.5, "max": 8}, ...} (inclusive)')
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"change envelope of {self.project_id}"


class TextEmbedding(models.Model):
    """A sentence encoder's vector of one text (apps.training.embedding_cache): computed once, by any worker, for
    every later training run of any project. Derived from the text, so personal data when the text is: erasure and
    the retention purge delete the vectors of the texts they erase."""

    encoder = models.CharField(max_length=96, help_text="encoder id @ files fingerprint (ai_models.encoders.encoder_key)")
    text_sha256 = models.CharField(max_length=64, help_text="sha256 of the text: an item's content_hash")
    vector = models.BinaryField(help_text="float32, little-endian")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["text_sha256", "encoder"], name="unique_text_embedding")]

    def __str__(self) -> str:
        return f"embedding of {self.text_sha256[:12]} by {self.encoder}"
