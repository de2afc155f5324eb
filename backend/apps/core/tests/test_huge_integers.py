"""Integers the database cannot hold are refused (400 naming the field, or 404 for an id in a path), never an
OverflowError: in bodies, in predict inputs, in paths and in query strings. Run on SQLite and on PostgreSQL."""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from apps.audit.models import AuditEvent
from apps.core.limits import ID_MAX, INT_MAX
from apps.projects.models import Project

pytestmark = pytest.mark.django_db

HUGE = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("field", ["retrain_min_feedback", "retention_days"])
@pytest.mark.parametrize("value", HUGE)
def test_policy_integers_past_the_column_are_400_on_update(project, users, client_for, field, value):
    before = AuditEvent.objects.count()
    response = client_for(users["engineer"]).patch("/api/v1/projects/tickets/", {field: value}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    project.refresh_from_db()
    assert getattr(project, field) == getattr(Project(), field)  # unchanged default
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("field", ["retrain_min_feedback", "retention_days"])
def test_policy_integers_past_the_column_are_400_on_create(users, client_for, field):
    body = {"slug": "big", "name": "Big", "task": "text_classification", "labels": ["a", "b"], field: 2**63}
    response = client_for(users["engineer"]).post("/api/v1/projects/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Project.objects.filter(slug="big").exists()


def test_the_largest_storable_retrain_threshold_is_kept(project, users, client_for):
    response = client_for(users["engineer"]).patch("/api/v1/projects/tickets/", {"retrain_min_feedback": INT_MAX},
                                                   format="json")
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.retrain_min_feedback == INT_MAX


@pytest.mark.parametrize("item_id", [2**63, 10**30, -(2**63) - 1, ID_MAX])
def test_predict_with_a_huge_item_id_is_400_naming_the_input(trained_project, users, client_for, item_id):
    response = client_for(users["annotator"]).post("/api/v1/projects/tickets/predict/",
                                                   {"inputs": [{"item_id": item_id}]}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"].startswith("inputs[0]: no item")


def _id_routes() -> list[str]:
    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.pattern.converters

    return [(route, converters) for route, converters in walk(get_resolver().url_patterns, "")
            if route.startswith("api/v1/")]


def test_no_route_takes_an_unbounded_int():
    unbounded = [route for route, converters in _id_routes()
                 if any(isinstance(c, IntConverter) for c in converters.values())]
    assert unbounded == [], "use <id:...> (apps.core.limits.IdConverter), not <int:...>"
    assert any("<id:" in route for route, _ in _id_routes())


@pytest.mark.parametrize("number", [str(ID_MAX + 1), "9" * 30, "9" * 5000])
def test_a_huge_id_in_a_path_is_404(users, client_for, number):
    client = client_for(users["admin"])
    client.handler.enforce_csrf_checks = True  # as a real client: unsafe methods meet Django's CSRF middleware
    for route, converters in _id_routes():
        if not converters:
            continue
        url = "/" + route
        for name in converters:
            url = url.replace(f"<id:{name}>", number)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {}, format="json")
            assert response.status_code in (404, 405), (method, url, response.status_code)
            assert response["Content-Type"] == "application/json", (method, url)  # not Django's HTML CSRF page


def test_the_largest_offset_is_an_empty_page_and_a_larger_one_a_400(project, users, client_for):
    client = client_for(users["admin"])
    for url in ("/api/v1/projects/tickets/items/", "/api/v1/audit/events/"):
        response = client.get(url, {"offset": str(ID_MAX), "limit": "1000"})
        assert response.status_code == 200, (url, response.content)
        assert response.json()["results"] == []
        for offset in (str(ID_MAX + 1), "9" * 40):
            assert client.get(url, {"offset": offset}).status_code == 400
