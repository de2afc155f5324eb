from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Prediction


@admin.register(Prediction)
class PredictionAdmin(ReadOnlyAdmin):
    list_display = ["id", "project", "item", "model_version", "label", "confidence", "created_at"]
    list_filter = ["project"]
