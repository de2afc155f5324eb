"""Token login, its audit trail (pseudonymous actors), role changes, and authentication on every endpoint."""
import hashlib
import json
import re

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from apps.accounts.roles import user_roles
from apps.accounts.services import user_roles_set
from apps.audit.models import AuditEvent
from apps.audit.services import actor_reference
from apps.core.exceptions import ApplicationError
from apps.core.tests.fixtures import make_user

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
HEX32 = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def anon():
    return APIClient()


def _login(api, username, password):
    return api.post(TOKEN_URL, {"username": username, "password": password}, format="json")


def test_token_login_returns_a_token_that_authenticates(anon, users):
    response = _login(anon, "ann", "pw-ann-secret")

    assert response.status_code == 200
    token = response.json()["token"]
    stored = ApiToken.objects.get(user=users["annotator"])
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest() and token.startswith(stored.prefix)
    assert len(token) >= 43  # 32 random bytes
    assert response.json()["expires_at"] == stored.expires_at.isoformat().replace("+00:00", "Z")
    second = _login(anon, "ann", "pw-ann-secret").json()["token"]
    assert second != token  # every login a new token
    for key in (token, second):
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert api.get("/api/v1/projects/").status_code == 200
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert bad.get("/api/v1/projects/").status_code == 401


def test_successful_login_is_audited(anon, users):
    user = users["annotator"]
    before = AuditEvent.objects.count()

    assert _login(anon, "ann", "pw-ann-secret").status_code == 200

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "auth.login"
    assert event.actor_ref == actor_reference(user)
    assert event.actor_role == "annotator"
    assert (event.object_type, event.object_id) == ("auth.user", str(user.pk))
    assert event.details == {"via": "token", "token": ApiToken.objects.get(user=user).pk}


@pytest.mark.parametrize("username, password", [
    ("ann", "wrong-password"),
    ("no-such-user", "pw-ann-secret"),
    ("ann", " pw-ann-secret"),  # passwords are not trimmed
])
def test_failed_login_is_refused_and_audited(anon, users, username, password):
    before = AuditEvent.objects.filter(action="auth.login_failed").count()

    response = _login(anon, username, password)

    assert response.status_code == 400
    assert "token" not in response.json()
    assert "Unable to log in" in response.json()["detail"]
    failed = AuditEvent.objects.filter(action="auth.login_failed").order_by("-seq")
    assert failed.count() == before + 1
    event = failed.first()
    assert event.actor_ref == "system" and event.actor_role == "system"
    assert event.details == {"via": "token"}
    row = json.dumps([event.actor_ref, event.object_id, event.details])
    assert username not in row and password.strip() not in row  # neither the name tried nor the password
    assert not ApiToken.objects.filter(user=users["annotator"]).exists()


def test_failed_login_event_is_not_rolled_back_with_the_refusal(anon, users):
    """The refusal is an exception; the event must survive it: no request-wide transaction may undo it."""
    assert not connection.settings_dict.get("ATOMIC_REQUESTS")
    _login(anon, "ann", "nope")
    assert AuditEvent.objects.filter(action="auth.login_failed").exists()


def test_inactive_user_cannot_log_in(anon, users):
    user = users["annotator"]
    user.is_active = False
    user.save()
    assert _login(anon, "ann", "pw-ann-secret").status_code == 400
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 1


@pytest.mark.parametrize("body", [{}, {"username": "ann"}, {"password": "x"}, {"username": "", "password": ""}])
def test_login_with_missing_fields_is_a_400(anon, users, body):
    assert anon.post(TOKEN_URL, body, format="json").status_code == 400


def test_audit_actor_is_a_pseudonym_never_the_username(anon, db):
    user = make_user("zelda-pseudonym", "annotator")
    assert _login(anon, "zelda-pseudonym", "pw-zelda-pseudonym-secret").status_code == 200

    mine = AuditEvent.objects.filter(actor_ref=actor_reference(user))
    assert mine.filter(action="auth.login").exists()
    for event in AuditEvent.objects.all():
        assert HEX32.match(event.actor_ref) or event.actor_ref == "system", event.actor_ref
        row = json.dumps([event.actor_ref, event.actor_role, event.object_id, event.project_slug,
                          event.request_id, event.details])
        assert "zelda" not in row
    assert HEX32.match(actor_reference(user)) and actor_reference(user) != user.username


def test_user_roles_set_records_before_and_after(users):
    user, admin = users["annotator"], users["admin"]

    after = user_roles_set(user=user, roles=["reviewer", "annotator", "reviewer"], actor=admin)

    assert after == ["annotator", "reviewer"]
    assert user_roles(user) == {"annotator", "reviewer"}
    event = AuditEvent.objects.filter(action="accounts.roles_changed").order_by("-seq").first()
    assert event.details == {"before": ["annotator"], "after": ["annotator", "reviewer"]}
    assert event.actor_ref == actor_reference(admin)
    assert (event.object_type, event.object_id) == ("auth.user", str(user.pk))


def test_user_roles_set_without_a_change_records_nothing(users):
    before = AuditEvent.objects.count()
    assert user_roles_set(user=users["annotator"], roles=["annotator"], actor=None) == ["annotator"]
    assert AuditEvent.objects.count() == before


def test_user_roles_set_can_remove_all_roles(users):
    user_roles_set(user=users["engineer"], roles=[], actor=users["admin"])
    event = AuditEvent.objects.filter(action="accounts.roles_changed").order_by("-seq").first()
    assert event.details == {"before": ["ml_engineer"], "after": []}
    assert user_roles(users["engineer"]) == frozenset()


def test_unknown_role_is_refused_and_nothing_changes(users):
    user = users["annotator"]
    before = AuditEvent.objects.count()

    with pytest.raises(ApplicationError) as excinfo:
        user_roles_set(user=user, roles=["annotator", "superhero"], actor=users["admin"])

    assert "superhero" in excinfo.value.message and excinfo.value.status == 400
    assert sorted(user.groups.values_list("name", flat=True)) == ["annotator"]
    assert AuditEvent.objects.count() == before


# Every endpoint of the API except token and session login, with each method it serves.
PROTECTED = [
    ("get", "/api/v1/auth/me/", "auth/me/"),
    ("post", "/api/v1/auth/logout/", "auth/logout/"),
    ("post", "/api/v1/auth/logout-all/", "auth/logout-all/"),
    ("get", "/api/v1/projects/", "projects/"),
    ("post", "/api/v1/projects/", "projects/"),
    ("get", "/api/v1/projects/tickets/", "projects/<slug:slug>/"),
    ("patch", "/api/v1/projects/tickets/", "projects/<slug:slug>/"),
    ("get", "/api/v1/projects/tickets/members/", "projects/<slug:slug>/members/"),
    ("post", "/api/v1/projects/tickets/members/", "projects/<slug:slug>/members/"),
    ("delete", "/api/v1/projects/tickets/members/", "projects/<slug:slug>/members/"),
    ("get", "/api/v1/projects/tickets/items/", "projects/<slug:slug>/items/"),
    ("post", "/api/v1/projects/tickets/items/", "projects/<slug:slug>/items/"),
    ("get", "/api/v1/items/1/", "items/<id:item_id>/"),
    ("delete", "/api/v1/items/1/", "items/<id:item_id>/"),
    ("delete", "/api/v1/items/1/", "items/<id:item_id>/"),
    ("get", "/api/v1/items/1/image/", "items/<id:item_id>/image/"),
    ("get", "/api/v1/prediction-batches/1/", "prediction-batches/<id:batch_id>/"),
    ("get", "/api/v1/projects/tickets/reviews/", "projects/<slug:slug>/reviews/"),
    ("post", "/api/v1/feedback/1/review/", "feedback/<id:feedback_id>/review/"),
    ("post", "/api/v1/projects/tickets/import/", "projects/<slug:slug>/import/"),
    ("get", "/api/v1/projects/tickets/export/", "projects/<slug:slug>/export/"),
    ("post", "/api/v1/projects/tickets/predict/", "projects/<slug:slug>/predict/"),
    ("get", "/api/v1/projects/tickets/queue/", "projects/<slug:slug>/queue/"),
    ("get", "/api/v1/projects/tickets/queue/cold-start/", "projects/<slug:slug>/queue/cold-start/"),
    ("get", "/api/v1/projects/tickets/queue/scoring/", "projects/<slug:slug>/queue/scoring/"),
    ("post", "/api/v1/projects/tickets/items/1/label/", "projects/<slug:slug>/items/<id:item_id>/label/"),
    ("post", "/api/v1/predictions/1/feedback/", "predictions/<id:prediction_id>/feedback/"),
    ("get", "/api/v1/projects/tickets/training-runs/", "projects/<slug:slug>/training-runs/"),
    ("post", "/api/v1/projects/tickets/training-runs/", "projects/<slug:slug>/training-runs/"),
    ("get", "/api/v1/training-runs/1/", "training-runs/<id:run_id>/"),
    ("get", "/api/v1/projects/tickets/model-versions/", "projects/<slug:slug>/model-versions/"),
    ("get", "/api/v1/projects/tickets/learning-curve/", "projects/<slug:slug>/learning-curve/"),
    ("get", "/api/v1/model-versions/1/model-card/", "model-versions/<id:version_id>/model-card/"),
    ("post", "/api/v1/model-versions/1/promote/", "model-versions/<id:version_id>/promote/"),
    ("post", "/api/v1/model-versions/1/reject/", "model-versions/<id:version_id>/reject/"),
    ("post", "/api/v1/projects/tickets/rollback/", "projects/<slug:slug>/rollback/"),
    ("get", "/api/v1/audit/events/", "audit/events/"),
    ("get", "/api/v1/audit/events/export/", "audit/events/export/"),
    ("get", "/api/v1/audit/verify/", "audit/verify/"),
    ("get", "/api/v1/projects/tickets/processing-record/", "projects/<slug:slug>/processing-record/"),
    ("get", "/api/v1/processing-records/", "processing-records/"),
    ("get", "/api/v1/privacy/requests/", "privacy/requests/"),
    ("get", "/api/v1/privacy/requests/1/", "privacy/requests/<id:request_id>/"),
    ("get", "/api/v1/privacy/requests/1/download/", "privacy/requests/<id:request_id>/download/"),
    ("post", "/api/v1/privacy/access/", "privacy/access/"),
    ("post", "/api/v1/privacy/erasures/", "privacy/erasures/"),
    ("post", "/api/v1/privacy/restrictions/", "privacy/restrictions/"),
    ("post", "/api/v1/privacy/restrictions/lift/", "privacy/restrictions/lift/"),
    ("post", "/api/v1/privacy/items/1/rectify/", "privacy/items/<id:item_id>/rectify/"),
    ("get", "/api/v1/projects/tickets/monitoring/", "projects/<slug:slug>/monitoring/"),
    ("get", "/api/v1/projects/tickets/monitoring/annotators/", "projects/<slug:slug>/monitoring/annotators/"),
    ("patch", "/api/v1/projects/tickets/monitoring/policy/", "projects/<slug:slug>/monitoring/policy/"),
    ("post", "/api/v1/projects/tickets/monitoring/check/", "projects/<slug:slug>/monitoring/check/"),
    ("get", "/api/v1/projects/tickets/change-envelope/", "projects/<slug:slug>/change-envelope/"),
    ("post", "/api/v1/projects/tickets/stop/", "projects/<slug:slug>/stop/"),
    ("post", "/api/v1/predictions/1/contest/", "predictions/<id:prediction_id>/contest/"),
    ("get", "/api/v1/projects/tickets/contests/", "projects/<slug:slug>/contests/"),
    ("post", "/api/v1/contests/1/decide/", "contests/<id:contest_id>/decide/"),
    ("get", "/api/v1/projects/tickets/gold/", "projects/<slug:slug>/gold/"),
    ("post", "/api/v1/projects/tickets/gold/", "projects/<slug:slug>/gold/"),
    ("delete", "/api/v1/projects/tickets/gold/1/", "projects/<slug:slug>/gold/<id:item_id>/"),
    ("post", "/api/v1/projects/tickets/start/", "projects/<slug:slug>/start/"),
    ("get", "/api/v1/schema/", "schema/"),
    ("get", "/api/v1/docs/", "docs/"),
]
PUBLIC_ROUTES = {"auth/token/", "auth/login/"}


def _api_routes() -> set[str]:
    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return {r.removeprefix("api/v1/") for r in walk(get_resolver().url_patterns, "") if r.startswith("api/v1/")}


def test_the_endpoint_list_covers_every_api_route():
    assert _api_routes() - PUBLIC_ROUTES == {route for _, _, route in PROTECTED}


@pytest.mark.parametrize("method, url", [(m, u) for m, u, _ in PROTECTED], ids=[f"{m} {u}" for m, u, _ in PROTECTED])
def test_every_endpoint_needs_credentials(anon, project, method, url):
    response = getattr(anon, method)(url, {}, format="json")
    assert response.status_code == 401, response.content[:200]


def test_a_user_without_a_role_gets_403_on_project_list(users, client_for):
    response = client_for(users["nobody"]).get("/api/v1/projects/")
    assert response.status_code == 403
    assert "roles" in response.json()["detail"]
