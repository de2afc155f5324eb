import pytest


def test_healthz_needs_no_auth(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_each_dependency(client, trained_project):
    response = client.get("/readyz")
    body = response.json()
    assert set(body["checks"]) == {"database", "broker", "storage", "champions", "outbox"}
    assert body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"]
    assert body["checks"]["champions"]["loaded"] == 1
    assert response.status_code == (200 if body["checks"]["broker"]["ok"] else 503)


def test_schema_and_docs_need_auth(client, users, client_for):
    assert client.get("/api/v1/schema/").status_code == 401
    api = client_for(users["annotator"])
    schema = api.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/projects/{slug}/predict/" in schema.content
    assert api.get("/api/v1/docs/").status_code == 200
