"""Audit interactive (session) logins, such as the Django admin's; token logins are audited in services."""
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver

from apps.audit.services import audit_event_record


@receiver(user_logged_in)
def _audit_session_login(sender, request, user, **kwargs):
    with transaction.atomic():
        audit_event_record(action="auth.login", actor=user, obj=user, details={"via": "session"})
