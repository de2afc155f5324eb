"""Receivers for what Django does outside our services: interactive (session) logins such as the Django admin's are
audited; a password change however it is made (admin form, `manage.py changepassword`, set_password() and save())
revokes the user's API tokens. Token logins are audited in services."""
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver

from apps.audit.services import audit_event_record

from .tokens import user_tokens_revoke


@receiver(user_logged_in)
def _audit_session_login(sender, request, user, **kwargs):
    with transaction.atomic():
        audit_event_record(action="auth.login", actor=user, obj=user, details={"via": "session"})


@receiver(pre_save, sender=User)
def _revoke_tokens_on_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        user_tokens_revoke(user=instance, actor=None, reason="password_changed")
