"""A human rejects a candidate: it never serves, the champion and MLflow's alias stay, the audit log says why."""
import pytest

from apps.audit.models import AuditEvent
from apps.core.tests.fixtures import train_inline
from apps.training.models import ModelVersion

from .test_promotion import alias, weak_champion_project  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_a_candidate_is_rejected_with_a_reason(weak_champion_project, users, client_for):  # noqa: F811
    project = weak_champion_project
    champion = ModelVersion.objects.get(project=project)
    candidate = train_inline(project, users["engineer"])
    assert candidate.status == "candidate"
    url = f"/api/v1/model-versions/{candidate.pk}/reject/"

    missing = client_for(users["engineer"]).post(url, {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    blank = client_for(users["engineer"]).post(url, {"reason": "   "}, format="json")
    assert blank.status_code == 400
    assert client_for(users["annotator"]).post(url, {"reason": "no"}, format="json").status_code == 403
    candidate.refresh_from_db()
    assert candidate.status == "candidate"

    response = client_for(users["engineer"]).post(url, {"reason": "misroutes VIP tickets"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "rejected"
    assert body["gate"]["decision"] == "rejected_by_human" and body["gate"]["passed"] is True
    assert body["gate"]["rejected_reason"] == "misroutes VIP tickets"
    champion.refresh_from_db()
    assert champion.status == "champion" and alias(project) == champion.registered_version
    event = AuditEvent.objects.filter(action="model.rejected").get()
    assert event.details == {"version": candidate.number, "reason": "misroutes VIP tickets"}

    again = client_for(users["engineer"]).post(url, {"reason": "twice"}, format="json")
    assert again.status_code == 409 and "only a candidate" in again.json()["detail"]
    promote = client_for(users["engineer"]).post(f"/api/v1/model-versions/{candidate.pk}/promote/", {}, format="json")
    assert promote.status_code == 400 and "needs a 'reason'" in promote.json()["detail"]


def test_the_champion_cannot_be_rejected(trained_project, users, client_for):
    champion = ModelVersion.objects.get(project=trained_project, status="champion")
    response = client_for(users["engineer"]).post(f"/api/v1/model-versions/{champion.pk}/reject/",
                                                 {"reason": "x"}, format="json")
    assert response.status_code == 409
    assert client_for(users["engineer"]).post("/api/v1/model-versions/99999/reject/", {"reason": "x"},
                                              format="json").status_code == 404
