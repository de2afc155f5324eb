"""The OpenAPI schema is true enough to generate the web app's typed client from: it validates without a single
warning, paginated lists have their page shape, every operation documents its 4xx, bodies and constraints are there.
"""
import inspect
import re

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from apps.core.schema import CONFLICTS

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in METHODS:
                yield path, method, operation


def _component(schema, ref: str) -> dict:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def _body_schema(schema, operation) -> dict:
    return _component(schema, operation["requestBody"]["content"]["application/json"]["schema"]["$ref"])


def _api_views():
    """(schema path, view class) of every API route."""
    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and hasattr(p.callback, "cls"):
                yield "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", prefix + str(p.pattern)), p.callback.cls

    return [(path, cls) for path, cls in walk(get_resolver().url_patterns, "") if path.startswith("/api/v1/")]


def test_schema_validates_without_warnings(tmp_path):
    """What CI and scripts/gen-api-client.sh run; a warning (e.g. an enum name collision) fails it."""
    GENERATOR_STATS.reset()  # warnings of earlier generations in this process are not ours
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3")


def test_every_paginated_list_documents_its_page_and_paging_parameters(schema):
    paginated = [(path, cls) for path, cls in _api_views()
                 if hasattr(cls, "get") and "paginated_response(" in inspect.getsource(cls.get)]
    assert {p for p, _ in paginated} >= {
        "/api/v1/projects/{slug}/items/", "/api/v1/projects/{slug}/queue/", "/api/v1/projects/{slug}/reviews/",
        "/api/v1/projects/{slug}/training-runs/", "/api/v1/projects/{slug}/model-versions/", "/api/v1/audit/events/"}
    for path, _ in paginated:
        operation = schema["paths"][path]["get"]
        page = _component(schema, operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"])
        extra = ["strategy", "strategy_note"] if path == "/api/v1/projects/{slug}/queue/" else []  # what ordered it
        assert page["required"] == ["count", "next", "previous", "results", *extra], path
        assert page["properties"]["count"]["type"] == "integer"
        for link in ("next", "previous"):
            assert page["properties"][link] == {"type": "string", "format": "uri", "nullable": True}
        assert page["properties"]["results"]["type"] == "array"
        assert {"limit", "offset"} <= {p["name"] for p in operation["parameters"] if p["in"] == "query"}, path
        assert operation["operationId"].endswith("_list")


def test_the_documented_page_is_what_the_api_sends(project, users, client_for):
    body = client_for(users["engineer"]).get("/api/v1/projects/tickets/items/", {"limit": 2}).json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["next"].startswith("http") and body["previous"] is None and len(body["results"]) == 2


def test_every_operation_documents_its_errors_with_a_body(schema):
    for path, method, operation in _operations(schema):
        codes = set(operation["responses"])
        where = f"{method} {path}"
        for code in codes - {"200", "201", "202", "204"}:
            content = operation["responses"][code]["content"]["application/json"]["schema"]
            assert content["$ref"].endswith("/ValidationError" if code == "400" else "/Error"), where
        if {} not in operation.get("security", [{}]):
            assert {"401", "403"} <= codes, where
        if "{" in path:
            assert "404" in codes, where
        if "requestBody" in operation:
            assert {"400", "413"} <= codes, where
    errors = schema["components"]["schemas"]["Error"]
    assert errors["required"] == ["detail"] and errors["properties"]["detail"] == {"type": "string"}


def test_conflicts_name_real_operations(schema):
    for method, path in CONFLICTS:
        assert "409" in schema["paths"][path][method]["responses"], (method, path)


def test_login_and_logout_document_csrf_and_sessions(schema):
    login = schema["paths"]["/api/v1/auth/login/"]["post"]
    assert {"200", "400", "403"} <= set(login["responses"]) and {} in login["security"]
    assert _body_schema(schema, login)["properties"]["username"]["minLength"] == 1
    logout = schema["paths"]["/api/v1/auth/logout/"]["post"]
    assert logout["security"] == [{"tokenAuth": []}, {"cookieAuth": []}] and "requestBody" not in logout
    logout_all = schema["paths"]["/api/v1/auth/logout-all/"]["post"]
    assert logout_all["security"] == logout["security"] and "requestBody" not in logout_all
    me = _component(schema, schema["paths"]["/api/v1/auth/me/"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]["$ref"])
    assert set(me["required"]) == {"username", "roles", "is_staff", "is_superuser"}


def test_delete_members_documents_its_body(schema):
    delete = schema["paths"]["/api/v1/projects/{slug}/members/"]["delete"]
    body = _body_schema(schema, delete)
    assert body["required"] == ["username"] and body["properties"]["username"]["minLength"] == 1
    assert delete["requestBody"]["required"] is True


def test_bodies_refuse_empty_values_where_the_api_does(schema):
    components = schema["components"]["schemas"]
    assert components["ProjectListCreateInputRequest"]["properties"]["labels"]["minItems"] == 2
    assert components["PatchedProjectDetailInputRequest"]["properties"]["labels"]["minItems"] == 2
    assert components["ItemImportRowRequest"]["properties"]["text"]["minLength"] == 1
    assert components["CredentialsInputRequest"]["properties"]["password"]["minLength"] == 1


def test_exports_document_their_real_content_types(schema):
    project_export = schema["paths"]["/api/v1/projects/{slug}/export/"]["get"]
    assert set(project_export["responses"]["200"]["content"]) == {
        "application/zip", "application/json", "text/csv", "application/x-ndjson"}
    audit_export = schema["paths"]["/api/v1/audit/events/export/"]["get"]
    assert set(audit_export["responses"]["200"]["content"]) == {"text/csv", "application/json"}
    fmt = next(p for p in audit_export["parameters"] if p["name"] == "format")
    assert fmt["required"] and fmt["schema"]["enum"] == ["csv", "json"]


@pytest.mark.parametrize("path, names", [
    ("/api/v1/audit/events/", {"action", "actor", "project", "since", "until"}),
    ("/api/v1/audit/events/export/", {"format", "action", "actor", "project", "since", "until"}),
    ("/api/v1/projects/{slug}/items/", {"split", "labelled"}),
    ("/api/v1/projects/{slug}/reviews/", {"status"}),
    ("/api/v1/projects/{slug}/export/", {"format"}),
])
def test_filters_the_views_read_are_documented(schema, path, names):
    parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"] if p["in"] == "query"}
    assert names <= set(parameters)
    if "since" in names:
        assert parameters["since"]["schema"] == {"type": "string", "format": "date-time"}


def test_project_output_documents_the_overview(schema):
    project = schema["components"]["schemas"]["ProjectOutput"]
    assert {"champion", "queue_count", "pending_reviews"} <= set(project["required"])
    assert project["properties"]["champion"]["nullable"] is True
    champion = schema["components"]["schemas"]["ChampionSummary"]
    assert set(champion["required"]) == {"id", "number", "metric", "value"}
