from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Membership, Project


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    """Changes go through the API's services, so that each lands with its audit event."""

    list_display = ["slug", "name", "task", "require_approval", "retrain_min_feedback"]
    inlines = [MembershipInline]
    readonly_fields = ["labels", "created_at", "created_by"]

