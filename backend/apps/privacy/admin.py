"""Read-only admin views of subject requests and erasure cleanups (the work happens through the API)."""
from django.contrib import admin

from .models import ErasureCleanup, SubjectRequest


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SubjectRequest)
class SubjectRequestAdmin(ReadOnly):
    list_display = ["id", "kind", "status", "requested_by", "created_at"]
    list_filter = ["kind", "status"]


@admin.register(ErasureCleanup)
class ErasureCleanupAdmin(ReadOnly):
    list_display = ["id", "erasure", "kind", "status", "attempts", "done_at"]
    list_filter = ["kind", "status"]
