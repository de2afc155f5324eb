"""ReadOnlyAdmin: records that change only through audited services are shown, never edited, in the admin."""
from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
