"""Item: one text or one image, deduplicated per project by content hash, with its imported annotation if any.

Image bytes live in object storage (`storage_key`); the row keeps their sha256 (`content_hash`), size and type.
"""
from django.conf import settings
from django.db import models

from .fields import SealedTextField


class Split(models.TextChoices):
    POOL = "pool"
    HOLDOUT = "holdout"


class Item(models.Model):
    # No index of its own: (project, content_hash) and (project, split) start with it (one index fewer to write for
    # every item a predict request creates or points at a new prediction).
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="items", db_index=False)
    # sealed under the subject's key when subject_ref is set (GDPR Art. 17/32 crypto-shredding, apps.privacy.sealing)
    text = SealedTextField(blank=True)
    content_hash = models.CharField(max_length=64, help_text="sha256 of the text or of the image bytes")
    label = models.CharField(max_length=64, null=True, blank=True,
                             help_text="imported label, or a first label given in the app (labelled_by/labelled_at)")
    boxes = models.JSONField(null=True, blank=True, help_text="imported boxes [{label,x,y,w,h}] (pixels); [] = nothing here")
    storage_key = models.CharField(max_length=255, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    split = models.CharField(max_length=16, choices=Split.choices, default=Split.POOL)
    subject_ref = models.CharField(max_length=128, blank=True, help_text="pseudonymous data-subject id")
    source = models.CharField(max_length=32, default="import")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # A first label given in the web app to a text no model had scored (apps.feedback.first_labels): who and when.
    # Null for imported labels; training counts such a label with the provenance `labelled`, not `imported`.
    labelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    labelled_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    # GDPR Art. 18: kept, but out of review queues, predictions and training until the restriction is lifted
    # (apps.privacy). Filter through items.selectors.in_processing, never on the two fields by hand.
    restricted_at = models.DateTimeField(null=True, blank=True)
    # Denormalised for the review queue: the item's newest Prediction (Predictions are never updated). Written only
    # by items_latest_prediction_mark, in the transaction that logs the predictions; it keeps the queue one join
    # instead of a "latest prediction per item" subquery over every prediction.
    latest_prediction = models.OneToOneField("predictions.Prediction", null=True, blank=True, editable=False,
                                             on_delete=models.SET_NULL, related_name="latest_for")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "content_hash"], name="unique_item_content")]
        indexes = [models.Index(fields=["project", "split"]),
                   # subject-rights requests (apps.privacy) find a subject's items among all; most items have none
                   models.Index(fields=["subject_ref"], condition=~models.Q(subject_ref=""), name="item_subject_ref_idx")]

    def __str__(self) -> str:
        return f"item {self.pk} ({self.project_id})"

    @property
    def is_labelled(self) -> bool:
        return self.label is not None or self.boxes is not None
