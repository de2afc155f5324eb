import pytest

from apps.audit.models import AuditEvent
from apps.items.models import Item
from apps.predictions.models import Prediction

pytestmark = pytest.mark.django_db


def url(slug="tickets"):
    return f"/api/v1/projects/{slug}/predict/"


def test_predict_many_texts_and_items(trained_project, users, client_for):
    api = client_for(users["annotator"])
    item = Item.objects.filter(project=trained_project, split="pool").first()
    response = api.post(url(), {"inputs": [{"text": "the parcel delivery is late, tracking shows nothing"},
                                           {"item_id": item.pk}]}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["model_version"] == 1
    first, second = body["predictions"]
    assert first["label"] == "shipping"
    assert set(first["probabilities"]) == set(trained_project.labels)
    assert first["confidence"] == pytest.approx(max(first["probabilities"].values()))
    assert sum(first["probabilities"].values()) == pytest.approx(1.0, abs=1e-4)
    assert second["item_id"] == item.pk
    stored = Prediction.objects.get(pk=first["id"])
    assert stored.model_version.number == 1 and stored.actor == users["annotator"]
    assert stored.request_id == response["X-Request-ID"] and stored.latency_ms > 0
    assert stored.started_at < stored.created_at  # the request's start and the log's end (AI Act Art. 12(3)(a))
    event = AuditEvent.objects.filter(action="predictions.created").last()
    assert event.details["count"] == 2 and event.request_id == response["X-Request-ID"]


def test_bare_text_becomes_one_deduplicated_item(trained_project, users, client_for):
    api = client_for(users["annotator"])
    before = Item.objects.count()
    one = api.post(url(), {"text": "  my invoice shows a double charge  "}, format="json").json()
    two = api.post(url(), {"text": "my invoice shows a double charge"}, format="json").json()
    assert one["predictions"][0]["item_id"] == two["predictions"][0]["item_id"]
    assert Item.objects.count() == before + 1
    assert Item.objects.get(pk=one["predictions"][0]["item_id"]).source == "predict"


@pytest.mark.parametrize("body", [
    {}, {"inputs": []}, {"inputs": "text"}, {"inputs": [{"text": ""}]}, {"inputs": [{"text": "   "}]},
    {"inputs": [{"text": "a", "item_id": 1}]}, {"inputs": [{"other": 1}]}, {"inputs": [{"item_id": 999999}]},
    {"inputs": [{"item_id": "1"}]}, {"inputs": [{"text": 12}]}, {"inputs": [{"text": "ok"}, {"text": ""}]},
])
def test_bad_input_is_400_and_stores_nothing(trained_project, users, client_for, body):
    api = client_for(users["annotator"])
    counts = Item.objects.count(), Prediction.objects.count(), AuditEvent.objects.count()
    response = api.post(url(), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert (Item.objects.count(), Prediction.objects.count(), AuditEvent.objects.count()) == counts


def test_item_of_another_project_is_refused(trained_project, users, client_for):
    from apps.core.tests.fixtures import create_project

    other = create_project(slug="other", owner=users["engineer"], members=[users["annotator"]], seed=5)
    foreign = Item.objects.filter(project=other).first()
    response = client_for(users["annotator"]).post(url(), {"inputs": [{"item_id": foreign.pk}]}, format="json")
    assert response.status_code == 400
    assert "no item" in response.json()["detail"]


def test_too_many_inputs(trained_project, users, client_for, settings):
    settings.PREDICT_MAX_INPUTS = 2
    response = client_for(users["annotator"]).post(url(), {"inputs": [{"text": f"t{i}"} for i in range(3)]},
                                                  format="json")
    assert response.status_code == 400


def test_no_champion_is_409(project, users, client_for):
    response = client_for(users["annotator"]).post(url(), {"text": "hello"}, format="json")
    assert response.status_code == 409
    assert "no champion" in response.json()["detail"]
    assert not Prediction.objects.exists()


@pytest.mark.parametrize("who,status", [("outsider", 403), ("auditor", 403), ("nobody", 403), ("engineer", 200)])
def test_predict_permissions(trained_project, users, client_for, who, status):
    response = client_for(users[who]).post(url(), {"text": "app crash after update"}, format="json")
    assert response.status_code == status


def test_unknown_project_404(users, client_for):
    assert client_for(users["admin"]).post(url("nope"), {"text": "x"}, format="json").status_code == 404
