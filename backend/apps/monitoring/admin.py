from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import MonitoringFlag, MonitoringPolicy


@admin.register(MonitoringFlag)
class MonitoringFlagAdmin(ReadOnlyAdmin):
    list_display = ["project", "model_version", "kind", "value", "threshold", "raised_at", "cleared_at"]
    list_filter = ["project", "kind"]


@admin.register(MonitoringPolicy)
class MonitoringPolicyAdmin(ReadOnlyAdmin):
    list_display = ["project", "window_days", "retrain_on_flag", "updated_at"]
