"""Admin: role changes made through the user form are audited with the admin as actor."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db import transaction

from apps.audit.services import audit_event_record

from .roles import ALL_ROLES


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
