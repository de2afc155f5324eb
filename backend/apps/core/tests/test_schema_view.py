"""GET /api/v1/schema/ answers in the format asked for (issue 8, defect 16: ?format=json used to return YAML)."""
import json

import pytest
import yaml

pytestmark = pytest.mark.django_db
URL = "/api/v1/schema/"


def test_format_json_is_json(users, client_for):
    response = client_for(users["annotator"]).get(URL, {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["openapi"].startswith("3.")


@pytest.mark.parametrize("query, accept", [({}, None), ({"format": "yaml"}, None), ({}, "application/yaml")])
def test_yaml_stays_the_default_and_can_be_asked_for(users, client_for, query, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = client_for(users["annotator"]).get(URL, query, **headers)
    assert response.status_code == 200
    assert "yaml" in response["Content-Type"] or "openapi" in response["Content-Type"]
    assert yaml.safe_load(response.content)["openapi"].startswith("3.")
    assert not response.content.lstrip().startswith(b"{")


def test_accept_json_is_json(users, client_for):
    response = client_for(users["annotator"]).get(URL, HTTP_ACCEPT="application/json")
    assert json.loads(response.content)["paths"]


def test_an_unknown_format_is_400(users, client_for):
    response = client_for(users["annotator"]).get(URL, {"format": "xml"})
    assert response.status_code == 400 and response.json() == {"detail": "format must be json or yaml."}


def test_the_schema_needs_a_login(client):
    assert client.get(URL, {"format": "json"}).status_code == 401
