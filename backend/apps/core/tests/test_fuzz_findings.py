"""What the schema fuzzer (test_fuzz_api.py) found, pinned one by one: each answer is what the schema documents."""
import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_a_version_nobody_approved_has_a_null_approver_and_the_schema_allows_it(trained_project, users, client_for,
                                                                                 schema):
    body = client_for(users["auditor"]).get("/api/v1/projects/tickets/model-versions/").json()
    assert body["results"][0]["approved_by"] is None  # the first model is promoted by the gate, not by a person
    assert schema["components"]["schemas"]["ModelVersionOutput"]["properties"]["approved_by"]["nullable"] is True


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v1/projects/not%20a%20slug/rollback/",
                                  "/api/v1/items/-5/", "/api/v1/model-versions/99999999999999999999/promote/"])
def test_an_unsafe_request_to_an_unknown_api_path_is_a_json_404(client, method, path):
    """Not Django's HTML CSRF page (403): the catch-all API 404 view changes nothing, so it needs no CSRF token."""
    client.handler.enforce_csrf_checks = True
    response = getattr(client, method)(path, "{}", content_type="application/json", HTTP_AUTHORIZATION="Token x")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Not found.")


@pytest.mark.parametrize("params, name", [({"split": "train"}, "split"), ({"labelled": "maybe"}, "labelled")])
def test_an_unknown_item_filter_is_400_not_an_empty_page(project, users, client_for, params, name):
    response = client_for(users["auditor"]).get("/api/v1/projects/tickets/items/", params)
    assert response.status_code == 400 and name in response.json()


def test_item_filters_still_filter(project, users, client_for):
    api = client_for(users["auditor"])
    assert api.get("/api/v1/projects/tickets/items/", {"split": "holdout"}).json()["count"] == 12
    assert api.get("/api/v1/projects/tickets/items/", {"labelled": "false"}).json()["count"] == 0
    assert api.get("/api/v1/projects/tickets/items/").json()["count"] == 48


def test_every_paginated_list_and_the_model_card_document_their_400(schema):
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            if operation.get("operationId", "").endswith("_list") and "offset" in str(operation.get("parameters")):
                assert "400" in operation["responses"], path
    card = schema["paths"]["/api/v1/model-versions/{version_id}/model-card/"]["get"]
    assert "400" in card["responses"]


@pytest.mark.parametrize("value", ["0794-09-27T23:08:31+18:21", "2026-01-01T00:00:00-23:59", "2026-01-01T10:00:00"])
def test_an_audit_time_with_any_offset_python_parses_is_a_filter(users, client_for, value):
    """PostgreSQL refuses UTC offsets past ±15:59 (a 500 there, found by the fuzzer): the filter is sent in UTC."""
    response = client_for(users["admin"]).get("/api/v1/audit/events/", {"since": value, "until": value})
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_an_audit_time_outside_the_calendar_in_utc_is_400(users, client_for, value):
    response = client_for(users["admin"]).get("/api/v1/audit/events/", {"since": value})
    assert response.status_code == 400 and response.json()["detail"].startswith("since: out of range")


def test_an_unsupported_content_type_is_a_documented_415(trained_project, users, client_for, schema):
    response = client_for(users["annotator"]).post("/api/v1/projects/tickets/predict/", "refund", content_type="text/plain")
    assert response.status_code == 415 and "Unsupported media type" in response.json()["detail"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                assert "415" in operation["responses"], (method, path)


def test_the_predict_body_is_documented_as_the_api_takes_it(schema):
    body = schema["paths"]["/api/v1/projects/{slug}/predict/"]["post"]["requestBody"]["content"]
    one_of = body["application/json"]["schema"]["properties"]["inputs"]["items"]["oneOf"]
    assert [set(option["required"]) for option in one_of] == [{"text"}, {"item_id"}]
    assert body["multipart/form-data"]["schema"]["properties"]["files"]["items"]["format"] == "binary"
