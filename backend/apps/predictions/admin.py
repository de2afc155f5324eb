from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Prediction, QueueScoring


@admin.register(Prediction)
class PredictionAdmin(ReadOnlyAdmin):
    list_display = ["id", "project", "item", "model_version", "label", "confidence", "created_at"]
    list_filter = ["project"]


@admin.register(QueueScoring)
class QueueScoringAdmin(ReadOnlyAdmin):
    list_display = ["id", "project", "model_version", "trigger", "status", "done", "total", "created_at", "finished_at"]
    list_filter = ["project", "status", "trigger"]
