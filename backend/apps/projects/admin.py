from django import forms
from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin
from apps.core.exceptions import ApplicationError

from .models import Membership, ProcessingRecord, Project
from .selectors import is_global_admin
from .services import RECORD_FIELDS, log_retention_days_check, project_update


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


class ProcessingRecordForm(forms.ModelForm):
    class Meta:  # the admin's `fields` replace these
        model = ProcessingRecord
        fields = ["log_retention_days"]

    def clean_log_retention_days(self):
        """The API's check, shown on the field: below the floor the form says so instead of saving."""
        days = self.cleaned_data.get("log_retention_days")
        try:
            log_retention_days_check(days)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None
        return days


@admin.register(ProcessingRecord)
class ProcessingRecordAdmin(admin.ModelAdmin):
    """GDPR Art. 30: admins edit a project's record of processing here. The save goes through project_update, so
    each change is validated like the API's and lands with its project.updated audit event (before and after)."""

    form = ProcessingRecordForm
    list_display = ["slug", "name", "lawful_basis", "retention_days", "log_retention_days"]
    fields = ["slug", "name", "task", "controller", "purpose", "lawful_basis", "data_categories",
              "data_subject_categories", "recipients", "international_transfers", "retention_days",
              "log_retention_days", "security_measures"]
    readonly_fields = ["slug", "name", "task"]
    editable = ("controller", "purpose", "lawful_basis", "retention_days", "log_retention_days", *RECORD_FIELDS)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff and is_global_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in self.editable}
        if changed:
            project_update(project=obj, actor=request.user, **changed)

    def save_related(self, request, form, formsets, change) -> None:
        """Nothing related is edited here (and nothing may be saved around project_update)."""
