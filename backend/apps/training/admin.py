from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import DatasetVersion, ModelVersion, TrainingRun


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "status", "registered_version", "promoted_at", "created_at"]
    list_filter = ["project", "status"]


@admin.register(TrainingRun)
class TrainingRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "project", "trigger", "status", "created_at", "finished_at"]
    list_filter = ["project", "status", "trigger"]


@admin.register(DatasetVersion)
class DatasetVersionAdmin(ReadOnlyAdmin):
    list_display = ["id", "project", "content_hash", "holdout_size", "created_at"]
    exclude = ["manifest"]
