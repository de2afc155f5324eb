"""`manage.py create_user`: roles set and audited, the password from stdin only, idempotent with --if-missing."""
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from apps.accounts.roles import user_roles
from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def create(*args) -> str:
    out = io.StringIO()
    call_command("create_user", *args, stdout=out)
    return out.getvalue()


def test_creates_a_user_with_roles_from_a_password_on_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass-phrase\n"))
    assert "created" in create("eve", "--role", "ml_engineer", "--role", "reviewer")
    user = User.objects.get(username="eve")
    assert user.check_password("s3cret-pass-phrase") and not user.is_superuser
    assert user_roles(user) == {"ml_engineer", "reviewer"}
    assert AuditEvent.objects.filter(action="accounts.user_created").count() == 1


def test_superuser_and_if_missing(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass-phrase\n"))
    create("root", "--superuser", "--role", "admin")
    assert User.objects.get(username="root").is_superuser
    assert "exists" in create("root", "--superuser", "--if-missing")  # no second user, no error
    with pytest.raises(CommandError, match="already exists"):
        monkeypatch.setattr("sys.stdin", io.StringIO("other-pass-phrase\n"))
        create("root")


def test_refuses_an_empty_password_and_unknown_roles(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    with pytest.raises(CommandError, match="password"):
        create("nobody")
    with pytest.raises(CommandError):
        create("nobody", "--role", "wizard")
    assert not User.objects.filter(username="nobody").exists()
