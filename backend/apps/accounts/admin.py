"""Admin: its login is throttled and its failures audited like the API's; role changes made through the user form are
audited with the admin as actor; API tokens are listed (never their keys, which are not kept) and revoked, audited."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpResponse

from apps.audit.services import audit_event_record

from .models import ApiToken
from .roles import ALL_ROLES
from .throttle import LoginThrottled, login_attempt_begin, login_attempt_succeeded
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


_admin_login = admin.site.login


def throttled_admin_login(request, extra_context=None):
    """The admin's own login view, behind the same throttle as the API's logins (throttle.py)."""
    if request.method != "POST":
        return _admin_login(request, extra_context)
    try:
        attempt = login_attempt_begin(request=request, username=request.POST.get("username", ""), via="admin")
    except LoginThrottled as refused:
        return HttpResponse(str(refused.detail), status=429, content_type="text/plain; charset=utf-8",
                            headers={"Retry-After": str(refused.wait)})
    response = _admin_login(request, extra_context)
    if response.status_code == 200:  # the form again, with its error: the login failed
        with transaction.atomic():
            audit_event_record(action="auth.login_failed", details={"via": "admin"})
    elif request.user.is_authenticated:
        login_attempt_succeeded(attempt)
    return response


admin.site.login = throttled_admin_login  # before config.urls reads admin.site.urls
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
