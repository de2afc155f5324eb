from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    """Feedback is kept exactly as given."""

    list_display = ["id", "project", "item", "verdict", "resolved_label", "created_at"]
    list_filter = ["project", "verdict"]
