"""Admin: role changes made through the user form are audited with the admin as actor; API tokens are listed (never
their keys, which are not kept) and revoked, audited too."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db import transaction

from apps.audit.services import audit_event_record

from .models import ApiToken
from .roles import ALL_ROLES
from .tokens import token_revoke


class AuditedUserAdmin(UserAdmin):
    def save_related(self, request, form, formsets, change):
        user = form.instance
        before = sorted(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        after = sorted(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
        if before != after:
            with transaction.atomic():
                audit_event_record(action="accounts.roles_changed", actor=request.user, obj=user,
                                   details={"before": before, "after": after, "via": "admin"})


admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at", "revoked_reason"]
    list_filter = ["revoked_reason"]
    search_fields = ["user__username", "prefix"]
    readonly_fields = list_display
    fields = list_display
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # a key is shown once, at login: there is nothing to show an admin

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoke instead: the row stays as the record of what existed

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token, actor=request.user, reason="admin")
