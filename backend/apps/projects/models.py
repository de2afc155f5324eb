"""Project (task, ordered label set, loop policies, GDPR Art. 30 record) and its members."""
from django.conf import settings
from django.db import models

RECORD_TEXT_MAX = 2000  # each Art. 30 text; changes are copied (before and after) into the audit log


class Task(models.TextChoices):
    TEXT_CLASSIFICATION = "text_classification"
    OBJECT_DETECTION = "object_detection"


class TextModel(models.TextChoices):
    """A text project's model family (ai_models.text_classification, docs/learning.md)."""
    TFIDF_LR = "tfidf_lr"
    EMBEDDING_LR = "embedding_lr"


class QueueStrategy(models.TextChoices):
    """How the review queue orders its unanswered entries (apps.feedback.strategies; docs/learning.md)."""

    LEAST_CONFIDENT = "least_confident"
    MARGIN = "margin"
    ENTROPY = "entropy"
    DIVERSE = "diverse"
    RANDOM = "random"


class Project(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    task = models.CharField(max_length=32, choices=Task.choices)
    labels = models.JSONField(help_text="ordered label names; a label's index is never reused")
    # Loop policies.
    retrain_min_feedback = models.PositiveIntegerField(
        default=50, help_text="items with new answers (corrections, first labels) that start a retrain; 0 = never")
    feedback_weight = models.FloatField(default=2.0, help_text="sample_weight of human feedback vs imported labels")
    promotion_metric = models.CharField(max_length=32, default="f1_macro", help_text="f1_macro/accuracy; map50_95/map50")
    min_improvement = models.FloatField(default=0.0, help_text="a candidate must beat the champion by at least this")
    require_approval = models.BooleanField(default=True, help_text="a passing candidate waits for a human (AI Act Art. 14)")
    # Which text model family a text project's retraining builds (text_classification.model in the run's params);
    # a change is a change of model family, which a declared envelope (apps.training.envelope) must cover.
    text_model = models.CharField(max_length=32, choices=TextModel.choices, default=TextModel.TFIDF_LR,
                                  help_text="text projects: tfidf_lr or embedding_lr (sentence encoder + LR)")
    # Second review of detection feedback (disagreement between model boxes and human boxes).
    review_iou_threshold = models.FloatField(default=0.5, help_text="a matched pair below this IoU is flagged")
    confident_removal_threshold = models.FloatField(default=0.75, help_text="removing a box this confident is flagged")
    # Feedback loops (AI Act Art. 15(4)): gold items in annotators' queues, a cap on unreviewed accepts in training.
    gold_rate = models.FloatField(default=0.05, help_text="share of an annotator's queue that is gold items (0 to 0.5)")
    queue_strategy = models.CharField(
        max_length=32, choices=QueueStrategy.choices, default=QueueStrategy.LEAST_CONFIDENT,
        help_text="what people label next: the review queue's order after contested entries (docs/learning.md)")
    max_unreviewed_accept_share = models.FloatField(
        null=True, blank=True, help_text="largest share of training labels that may be accepted-as-is answers nobody "
                                         "reviewed (0 to 1); the excess is held back; null = no cap")
    # GDPR Art. 30 record of processing (rendered by apps.projects.records; blank texts get a stated default).
    retention_days = models.PositiveIntegerField(null=True, blank=True)
    # AI Act Art. 19, 26(6): prediction logs older than this are purged (apps.privacy.log_retention); never below
    # settings.LOG_RETENTION_FLOOR_DAYS; null keeps them for good.
    log_retention_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="days prediction logs are kept (at least LOG_RETENTION_FLOOR_DAYS); blank: "
                                         "for good")
    purpose = models.TextField(blank=True)
    lawful_basis = models.CharField(max_length=64, blank=True)
    controller = models.TextField(blank=True, max_length=RECORD_TEXT_MAX,
                                  help_text="Art. 30(1)(a): controller (and DPO) name and contact details")
    data_categories = models.TextField(blank=True, max_length=RECORD_TEXT_MAX,
                                       help_text="Art. 30(1)(c): categories of personal data")
    data_subject_categories = models.TextField(blank=True, max_length=RECORD_TEXT_MAX,
                                               help_text="Art. 30(1)(c): categories of data subjects")
    recipients = models.TextField(blank=True, max_length=RECORD_TEXT_MAX,
                                  help_text="Art. 30(1)(d): recipients to whom the data are disclosed")
    international_transfers = models.TextField(blank=True, max_length=RECORD_TEXT_MAX,
                                               help_text="Art. 30(1)(e): transfers to third countries and safeguards")
    security_measures = models.TextField(blank=True, max_length=RECORD_TEXT_MAX,
                                         help_text="Art. 30(1)(g), 32: measures beyond (or instead of) what the "
                                                   "platform does; blank: the platform's description")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # AI Act Art. 14(4)(e): the stop button (apps.projects.oversight). Set: the model answers nothing.
    stopped_at = models.DateTimeField(null=True, blank=True, editable=False)
    stopped_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    stopped_role = models.CharField(max_length=32, blank=True, editable=False)
    stop_reason = models.TextField(blank=True, editable=False)
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


class ProcessingRecord(Project):
    """The Art. 30 fields of a project, edited in the Django admin through project_update (audited)."""

    class Meta:
        proxy = True
        verbose_name = "record of processing (GDPR Art. 30)"
        verbose_name_plural = "records of processing (GDPR Art. 30)"
