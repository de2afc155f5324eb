"""Browser login with Django's session and CSRF: /auth/me/, /auth/login/, /auth/logout/, and their audit trail."""
import pytest
from django.conf import settings
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.audit.services import actor_reference

pytestmark = pytest.mark.django_db

ME, LOGIN, LOGOUT = "/api/v1/auth/me/", "/api/v1/auth/login/", "/api/v1/auth/logout/"


@pytest.fixture
def browser():
    """A client that, like a browser, keeps cookies and is held to the CSRF check (the test client skips it)."""
    return APIClient(enforce_csrf_checks=True)


def _csrf(client) -> dict:
    return {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


def _login(client, username="ann", password="pw-ann-secret"):
    client.get(ME)  # sets the CSRF cookie, as the app does before its first POST
    return client.post(LOGIN, {"username": username, "password": password}, format="json", **_csrf(client))


def test_me_without_a_session_is_401_and_still_sets_the_csrf_cookie(browser):
    response = browser.get(ME)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    cookie = response.cookies["csrftoken"]
    assert cookie.value and not cookie["httponly"] and cookie["samesite"] == "Lax"


def test_login_starts_a_session_and_answers_like_me(browser, users):
    response = _login(browser)

    assert response.status_code == 200, response.content
    body = {"username": "ann", "roles": ["annotator"], "is_staff": False, "is_superuser": False}
    assert response.json() == body
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax" and session["max-age"] == 12 * 3600
    me = browser.get(ME)
    assert me.status_code == 200 and me.json() == body


def test_login_rotates_the_session_key_and_the_csrf_token(browser, users):
    browser.get(ME)
    before = browser.session  # an anonymous session that exists before the login
    before["seen"] = True
    before.save()
    browser.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    old_csrf = browser.cookies["csrftoken"].value

    response = browser.post(LOGIN, {"username": "ann", "password": "pw-ann-secret"}, format="json",
                            **_csrf(browser))

    assert response.status_code == 200
    assert response.cookies[settings.SESSION_COOKIE_NAME].value != before.session_key
    assert response.cookies["csrftoken"].value != old_csrf


def test_admin_me_lists_admin_and_staff_flags(browser, users):
    body = _login(browser, "root", "pw-root-secret").json()
    assert body == {"username": "root", "roles": ["admin"], "is_staff": True, "is_superuser": True}


def test_me_with_a_token_works_too(users, client_for):
    response = client_for(users["engineer"]).get(ME)
    assert response.status_code == 200 and response.json()["roles"] == ["ml_engineer"]


def test_user_without_a_role_may_log_in_and_sees_no_roles(browser, users):
    assert _login(browser, "nob", "pw-nob-secret").json()["roles"] == []


@pytest.mark.parametrize("headers", [{}, {"HTTP_X_CSRFTOKEN": "x" * 32}])
def test_login_without_a_valid_csrf_token_is_refused_and_changes_nothing(browser, users, headers):
    browser.get(ME)
    events = AuditEvent.objects.count()

    response = browser.post(LOGIN, {"username": "ann", "password": "pw-ann-secret"}, format="json", **headers)

    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF check failed:")
    assert "X-CSRFToken" in response.json()["detail"]
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert AuditEvent.objects.count() == events


def test_login_without_the_csrf_cookie_is_refused(users):
    response = APIClient(enforce_csrf_checks=True).post(LOGIN, {"username": "ann", "password": "pw-ann-secret"},
                                                       format="json", HTTP_X_CSRFTOKEN="x" * 32)
    assert response.status_code == 403 and "CSRF cookie not set" in response.json()["detail"]


def test_session_login_is_audited_once(browser, users):
    before = AuditEvent.objects.count()

    _login(browser)

    new = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [(e.action, e.details) for e in new] == [("auth.login", {"via": "session"})]
    assert new[0].actor_ref == actor_reference(users["annotator"])


@pytest.mark.parametrize("username, password", [("ann", "wrong"), ("ghost", "pw-ann-secret"), ("ann", "")])
def test_wrong_credentials_are_a_400_without_a_session(browser, users, username, password):
    failed = AuditEvent.objects.filter(action="auth.login_failed").count()

    response = _login(browser, username, password)

    assert response.status_code == 400
    if password:  # an empty password is refused by validation, before any login attempt
        assert response.json() == {"detail": "Unable to log in with the provided credentials."}
        assert AuditEvent.objects.filter(action="auth.login_failed").count() == failed + 1
        event = AuditEvent.objects.filter(action="auth.login_failed").order_by("-seq").first()
        assert event.details == {"via": "session"} and event.actor_ref == "system"
    else:
        assert "password" in response.json()
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert browser.get(ME).status_code == 401


def test_inactive_user_cannot_log_in(browser, users):
    users["annotator"].is_active = False
    users["annotator"].save()
    assert _login(browser).status_code == 400
    assert browser.get(ME).status_code == 401


def test_unsafe_requests_with_a_session_need_the_csrf_header(browser, users):
    _login(browser, "eng", "pw-eng-secret")
    body = {"slug": "s1", "name": "S", "task": "text_classification", "labels": ["a", "b"]}

    refused = browser.post("/api/v1/projects/", body, format="json")
    accepted = browser.post("/api/v1/projects/", body, format="json", **_csrf(browser))

    assert refused.status_code == 403 and refused.json()["detail"].startswith("CSRF check failed:")
    assert accepted.status_code == 201


def test_logout_ends_the_session_and_is_audited(browser, users):
    _login(browser)

    refused = browser.post(LOGOUT)  # no CSRF header
    assert refused.status_code == 403 and browser.get(ME).status_code == 200

    response = browser.post(LOGOUT, **_csrf(browser))

    assert response.status_code == 204
    assert browser.get(ME).status_code == 401
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.details) == ("auth.logout", {"via": "session"})
    assert event.actor_ref == actor_reference(users["annotator"])


def test_logout_without_a_session_or_a_token_is_401(browser, users):
    browser.get(ME)
    assert browser.post(LOGOUT, **_csrf(browser)).status_code == 401
    assert not AuditEvent.objects.filter(action="auth.logout").exists()

