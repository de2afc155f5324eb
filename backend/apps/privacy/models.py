"""Data-subject requests (GDPR Art. 15-18, 20) and what an erasure reached: dataset versions, model versions, and the
copies outside the database that are deleted after the commit.

A request never stores the subject's pseudonymous reference itself: `subject_hash` is its keyed HMAC
(apps.privacy.hashing), enough to find a subject's earlier requests when the same reference is given again.
"""
from django.conf import settings
from django.db import models


class RequestKind(models.TextChoices):
    ACCESS = "access"  # Art. 15 and 20: an archive of everything about a subject (or everything an annotator did)
    ERASURE = "erasure"  # Art. 17
    RECTIFICATION = "rectification"  # Art. 16
    RESTRICTION = "restriction"  # Art. 18
    RESTRICTION_LIFTED = "restriction_lifted"
    RETENTION = "retention"  # Art. 5(1)(e): content past its project's retention_days, purged by apps.privacy.retention


class RequestStatus(models.TextChoices):
    DONE = "done"
    READY = "ready"  # an access archive waiting for its one download
    DOWNLOADED = "downloaded"  # the archive was downloaded and deleted
    WITHDRAWN = "withdrawn"  # the archive was deleted unread: its subject was erased meanwhile


class SubjectRequest(models.Model):
    kind = models.CharField(max_length=32, choices=RequestKind.choices)
    subject_hash = models.CharField(max_length=64, blank=True, db_index=True,
                                    help_text="keyed HMAC of the subject_ref (never the reference itself)")
    subject_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", help_text="access: the annotator whose actions are exported")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.DONE)
    result = models.JSONField(default=dict, help_text="counts and ids: what the request reached")
    archive_key = models.CharField(max_length=255, blank=True, help_text="access: the archive in default storage")
    archive_sha256 = models.CharField(max_length=64, blank=True)
    archive_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} request {self.pk} ({self.status})"


class ErasedDatasetVersion(models.Model):
    """A training dataset version that held data of an erased subject (its rows' content hashes are replaced)."""

    erasure = models.ForeignKey(SubjectRequest, on_delete=models.PROTECT, related_name="dataset_versions")
    dataset_version = models.ForeignKey("training.DatasetVersion", on_delete=models.PROTECT, related_name="+")
    items = models.PositiveIntegerField(help_text="erased items the version held (training rows and holdout)")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["erasure", "dataset_version"], name="unique_erased_dataset")]

    def __str__(self) -> str:
        return f"dataset {self.dataset_version_id} held data of erasure {self.erasure_id}"


class ErasedModelVersion(models.Model):
    """A model version trained on a dataset version that held erased data: "trained on erased data" in its card."""

    erasure = models.ForeignKey(SubjectRequest, on_delete=models.PROTECT, related_name="model_versions")
    model_version = models.ForeignKey("training.ModelVersion", on_delete=models.PROTECT, related_name="+")
    dataset_version = models.ForeignKey("training.DatasetVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["erasure", "model_version"], name="unique_erased_model")]

    def __str__(self) -> str:
        return f"model version {self.model_version_id} trained on data of erasure {self.erasure_id}"


class CleanupStatus(models.TextChoices):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # tried ERASURE_CLEANUP_MAX_ATTEMPTS times; `last_error` says why


class CleanupKind(models.TextChoices):
    OBJECT = "object"  # one object in default storage (an image)
    FILES = "files"  # the platform's folders: run work folders, DVC workspace outputs and caches, run objects


class ErasureCleanup(models.Model):
    """A deletion outside the database that an erasure needs, done after its commit and retried until it succeeds."""

    erasure = models.ForeignKey(SubjectRequest, on_delete=models.PROTECT, related_name="cleanups")
    kind = models.CharField(max_length=16, choices=CleanupKind.choices)
    target = models.CharField(max_length=512, blank=True, help_text="object: its storage key")
    status = models.CharField(max_length=16, choices=CleanupStatus.choices, default=CleanupStatus.PENDING,
                              db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    deleted = models.JSONField(default=list, help_text="files: the paths and objects deleted")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"cleanup {self.pk} of erasure {self.erasure_id} ({self.kind}, {self.status})"


class SubjectKey(models.Model):
    """A data subject's content key (apps.privacy.sealing), wrapped under the SUBJECT_KEK. Deleting the row is the
    erasure of every sealed copy of the subject's content; nothing else is needed to make them unreadable."""

    subject_hash = models.CharField(max_length=64, unique=True, help_text="keyed HMAC of the subject_ref")
    wrapped_key = models.BinaryField(help_text="nonce + AES-256-GCM(KEK, data key)")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"subject key {self.pk}"
