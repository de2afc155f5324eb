"""API tokens: only a digest is stored, each login a new token, expiry, logout (one token), logout everywhere,
revocation on a password change and by an admin; each revocation audited."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from apps.accounts.tokens import INVALID, token_create
from apps.audit.models import AuditEvent
from apps.audit.services import actor_reference

pytestmark = pytest.mark.django_db

TOKEN, LOGOUT, LOGOUT_ALL, ME = "/api/v1/auth/token/", "/api/v1/auth/logout/", "/api/v1/auth/logout-all/", "/api/v1/auth/me/"


def _login(username="ann", password="pw-ann-secret") -> str:
    response = APIClient().post(TOKEN, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _works(key: str) -> bool:
    status = _with(key).get(ME).status_code
    assert status in (200, 401)
    return status == 200


def test_the_key_is_never_stored(users):
    response = APIClient().post(TOKEN, {"username": "ann", "password": "pw-ann-secret"}, format="json")
    assert response["Cache-Control"] == "no-store"  # nor kept by a cache on the way
    key = response.json()["token"]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema itself
            assert key not in repr(cursor.fetchall()), table
    assert _works(key)


def test_a_token_expires_after_token_ttl_and_use_does_not_extend_it(users, settings):
    settings.TOKEN_TTL = 600
    key = _login()
    token = ApiToken.objects.get(user=users["annotator"])
    assert timedelta(seconds=590) < token.expires_at - timezone.now() <= timedelta(seconds=600)
    assert _works(key)
    token.refresh_from_db()
    assert token.expires_at - token.created_at == timedelta(seconds=600) and token.last_used_at is not None

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = _with(key).get(ME)
    assert response.status_code == 401 and response.json()["detail"] == INVALID
    _login()  # the next login clears the expired row away
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_logout_revokes_the_token_used_and_only_it(users):
    key, other = _login(), _login()

    assert _with(key).post(LOGOUT).status_code == 204

    assert not _works(key) and _works(other)
    token = ApiToken.objects.get(prefix=key[:8])
    assert token.revoked_reason == "logout" and token.revoked_at is not None
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.details) == ("auth.logout", {"via": "token", "token": token.pk, "reason": "logout"})
    assert event.actor_ref == actor_reference(users["annotator"])
    assert _with(key).post(LOGOUT).status_code == 401  # once revoked, it cannot even log out


def test_logout_everywhere_revokes_every_token_of_the_user_only(users):
    mine, also_mine, theirs = _login(), _login(), _login("rev", "pw-rev-secret")

    response = _with(mine).post(LOGOUT_ALL)

    assert response.status_code == 200 and response.json() == {"revoked": 2}
    assert not _works(mine) and not _works(also_mine) and _works(theirs)
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.details) == ("auth.tokens_revoked", {"count": 2, "reason": "logout_all"})


def test_logout_everywhere_from_the_browser_also_ends_its_session(users):
    key = _login()
    browser = APIClient(enforce_csrf_checks=True)
    browser.get(ME)
    csrf = {"HTTP_X_CSRFTOKEN": browser.cookies["csrftoken"].value}
    assert browser.post("/api/v1/auth/login/", {"username": "ann", "password": "pw-ann-secret"}, format="json",
                        **csrf).status_code == 200
    csrf = {"HTTP_X_CSRFTOKEN": browser.cookies["csrftoken"].value}  # rotated by the login

    assert browser.post(LOGOUT_ALL).status_code == 403  # the session's CSRF check holds here too
    response = browser.post(LOGOUT_ALL, **csrf)

    assert response.status_code == 200 and response.json() == {"revoked": 1}
    assert not _works(key) and browser.get(ME).status_code == 401


def test_a_password_change_revokes_every_token(users):
    user = users["annotator"]
    keys = [_login(), _login()]
    before = AuditEvent.objects.count()

    user.set_password("a-new-password-for-ann")
    user.save()

    assert not any(_works(key) for key in keys)
    assert set(ApiToken.objects.filter(user=user).values_list("revoked_reason", flat=True)) == {"password_changed"}
    assert list(AuditEvent.objects.filter(seq__gt=before).values_list("action", "details")) == [
        ("auth.tokens_revoked", {"count": 2, "reason": "password_changed"})]
    assert _works(_login(password="a-new-password-for-ann"))


def test_other_saves_of_the_user_keep_the_tokens(users):
    user = users["annotator"]
    key = _login()
    user.first_name = "Ann"
    user.save()
    Client().login(username="ann", password="pw-ann-secret")  # a session login saves last_login
    assert _works(key)


def test_an_inactive_user_token_is_refused(users):
    key = token_create(user=users["annotator"])
    users["annotator"].is_active = False
    users["annotator"].save()
    assert not _works(key)


@pytest.mark.parametrize("header", ["Token", "Token ", "Token a b", "Token " + "0" * 43, "Bearer abc"])
def test_malformed_or_unknown_tokens_are_401(users, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(ME).status_code == 401


def test_an_admin_revokes_a_token_in_the_admin_and_it_is_audited(users):
    key = _login()
    token = ApiToken.objects.get(prefix=key[:8])
    admin = Client()
    admin.force_login(users["admin"])

    listing = admin.get("/admin/accounts/apitoken/")
    assert listing.status_code == 200 and key[:8] in listing.text and key not in listing.text
    response = admin.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})

    assert response.status_code == 302
    assert not _works(key)
    event = AuditEvent.objects.filter(action="auth.token_revoked").get()
    assert event.details == {"via": "token", "token": token.pk, "reason": "admin"}
    assert event.actor_ref == actor_reference(users["admin"])
