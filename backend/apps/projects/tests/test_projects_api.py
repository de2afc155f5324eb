"""Projects API: create (roles, validation, audit), scoped reads, policy/label updates, members."""
import pytest

from apps.audit.models import AuditEvent
from apps.audit.services import actor_reference
from apps.projects.models import Membership, Project
from apps.projects.services import project_create

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/projects/"
DETAIL_URL = "/api/v1/projects/tickets/"
MEMBERS_URL = "/api/v1/projects/tickets/members/"
LABELS = ["billing", "technical", "shipping"]


def _new_project(**overrides):
    return {"slug": "support", "name": "Support", "task": "text_classification", "labels": ["a", "b"], **overrides}


def _last(action):
    return AuditEvent.objects.filter(action=action).order_by("-seq").first()


def test_engineer_creates_a_project(users, client_for):
    engineer = users["engineer"]
    body = _new_project(feedback_weight=3.0, retrain_min_feedback=5, require_approval=False,
                        purpose="triage", lawful_basis="contract", retention_days=30)

    response = client_for(engineer).post(LIST_URL, body, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["slug"], data["labels"], data["feedback_weight"]) == ("support", ["a", "b"], 3.0)
    project = Project.objects.get(slug="support")
    assert project.created_by == engineer
    assert Membership.objects.filter(project=project, user=engineer).exists()
    event = _last("project.created")
    assert event.project_slug == "support" and event.object_id == str(project.pk)
    assert event.actor_ref == actor_reference(engineer)
    assert event.details["task"] == "text_classification" and event.details["labels"] == ["a", "b"]
    assert event.details["policies"] == {
        "retrain_min_feedback": 5, "feedback_weight": 3.0, "promotion_metric": "f1_macro", "min_improvement": 0.0,
        "require_approval": False, "text_model": "tfidf_lr", "review_iou_threshold": 0.5,
        "confident_removal_threshold": 0.75, "gold_rate": 0.05, "queue_strategy": "least_confident",
        "max_unreviewed_accept_share": None, "retention_days": 30, "log_retention_days": None,
        "purpose": "triage", "lawful_basis": "contract", "controller": "",
        "data_categories": "", "data_subject_categories": "", "recipients": "", "international_transfers": "",
        "security_measures": ""}


def test_admin_creates_a_project(users, client_for):
    assert client_for(users["admin"]).post(LIST_URL, _new_project(), format="json").status_code == 201


@pytest.mark.parametrize("role", ["annotator", "reviewer", "auditor", "nobody"])
def test_non_managers_cannot_create_projects(users, client_for, role):
    events = AuditEvent.objects.count()
    response = client_for(users[role]).post(LIST_URL, _new_project(), format="json")
    assert response.status_code == 403
    assert not Project.objects.filter(slug="support").exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("overrides, status", [
    ({"labels": ["only"]}, 400),
    ({"labels": []}, 400),
    ({"labels": ["a", "a"]}, 400),
    ({"labels": ["a", " a "]}, 400),
    ({"labels": ["a", ""]}, 400),
    ({"labels": ["a", "x" * 65]}, 400),
    ({"task": "image_segmentation"}, 400),
    ({"slug": "bad slug!"}, 400),
    ({"slug": ""}, 400),
    ({"slug": "tickets"}, 409),
    ({"feedback_weight": 0}, 400),
    ({"feedback_weight": -1}, 400),
    ({"promotion_metric": "loss"}, 400),
    ({"min_improvement": 2}, 400),
    ({"retention_days": 0}, 400),
    ({"name": ""}, 400),
], ids=lambda v: str(v))
def test_bad_project_input_is_refused_and_nothing_stored(project, users, client_for, overrides, status):
    projects, events = Project.objects.count(), AuditEvent.objects.count()

    response = client_for(users["engineer"]).post(LIST_URL, _new_project(**overrides), format="json")

    assert response.status_code == status, response.content
    assert Project.objects.count() == projects
    assert AuditEvent.objects.count() == events
    assert Project.objects.get(slug="tickets").labels == LABELS


def test_duplicate_slug_names_the_slug(project, users, client_for):
    response = client_for(users["engineer"]).post(LIST_URL, _new_project(slug="tickets"), format="json")
    assert response.status_code == 409 and "tickets" in response.json()["detail"]


def test_list_shows_only_member_projects(project, users, client_for):
    project_create(slug="other", name="Other", task="text_classification", labels=["x", "y"],
                   creator=users["outsider"])

    def slugs(user):
        response = client_for(user).get(LIST_URL)
        assert response.status_code == 200
        return [p["slug"] for p in response.json()]

    assert slugs(users["annotator"]) == ["tickets"]
    assert slugs(users["engineer"]) == ["tickets"]
    assert slugs(users["outsider"]) == ["other"]
    assert slugs(users["admin"]) == ["other", "tickets"]
    Membership.objects.filter(project__slug="other").delete()
    assert slugs(users["outsider"]) == []


def test_detail_for_members_and_admin(project, users, client_for):
    for role in ("annotator", "reviewer", "auditor", "engineer", "admin"):
        response = client_for(users[role]).get(DETAIL_URL)
        assert response.status_code == 200, role
        assert response.json()["labels"] == LABELS


def test_detail_is_403_for_a_non_member_and_404_for_an_unknown_slug(project, users, client_for):
    assert client_for(users["outsider"]).get(DETAIL_URL).status_code == 403
    assert client_for(users["engineer"]).get("/api/v1/projects/nope/").status_code == 404


def test_engineer_updates_policies_with_an_audited_before_and_after(project, users, client_for):
    response = client_for(users["engineer"]).patch(
        DETAIL_URL, {"require_approval": False, "retrain_min_feedback": 10, "feedback_weight": 2.0}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["require_approval"] is False
    project.refresh_from_db()
    assert (project.require_approval, project.retrain_min_feedback) == (False, 10)
    event = _last("project.updated")
    assert event.actor_ref == actor_reference(users["engineer"]) and event.project_slug == "tickets"
    assert event.details == {"require_approval": {"before": True, "after": False},
                             "retrain_min_feedback": {"before": 50, "after": 10}}  # unchanged weight not listed


def test_patch_without_a_change_records_nothing(project, users, client_for):
    events = AuditEvent.objects.count()
    assert client_for(users["engineer"]).patch(DETAIL_URL, {"feedback_weight": 2.0}, format="json").status_code == 200
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role, status", [("annotator", 403), ("auditor", 403), ("outsider", 403)])
def test_only_managers_patch(project, users, client_for, role, status):
    response = client_for(users[role]).patch(DETAIL_URL, {"require_approval": False}, format="json")
    assert response.status_code == status
    project.refresh_from_db()
    assert project.require_approval is True


def test_patch_with_a_bad_policy_is_refused(project, users, client_for):
    response = client_for(users["engineer"]).patch(DETAIL_URL, {"feedback_weight": 0}, format="json")
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.feedback_weight == 2.0


def test_labels_can_be_appended(project, users, client_for):
    response = client_for(users["engineer"]).patch(DETAIL_URL, {"labels": [*LABELS, "returns"]}, format="json")

    assert response.status_code == 200
    project.refresh_from_db()
    assert project.labels == [*LABELS, "returns"]
    assert _last("project.updated").details == {"labels": {"before": LABELS, "after": [*LABELS, "returns"]}}


@pytest.mark.parametrize("labels", [
    ["billing", "tech", "shipping"],                  # renamed
    ["technical", "billing", "shipping"],             # reordered
    ["billing", "technical"],                         # removed
    ["billing", "shipping", "technical", "returns"],  # reordered while appending
    ["billing", "technical", "shipping", "billing"],  # appended a duplicate
    ["returns", "billing", "technical", "shipping"],  # prepended
], ids=["rename", "reorder", "remove", "reorder-append", "duplicate", "prepend"])
def test_labels_cannot_be_renamed_reordered_or_removed(project, users, client_for, labels):
    events = AuditEvent.objects.count()
    response = client_for(users["engineer"]).patch(DETAIL_URL, {"labels": labels}, format="json")
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.labels == LABELS
    assert AuditEvent.objects.count() == events


def test_members_are_listed_for_members(project, users, client_for):
    response = client_for(users["auditor"]).get(MEMBERS_URL)
    assert response.status_code == 200
    assert response.json() == {"members": ["ann", "aud", "eng", "rev"]}
    assert client_for(users["outsider"]).get(MEMBERS_URL).status_code == 403


def test_engineer_adds_and_removes_a_member_audited(project, users, client_for):
    api, outsider = client_for(users["engineer"]), users["outsider"]

    added = api.post(MEMBERS_URL, {"username": "out"}, format="json")

    assert added.status_code == 201
    assert "out" in added.json()["members"]
    event = _last("project.member_added")
    assert (event.project_slug, event.object_type, event.object_id) == ("tickets", "auth.user", str(outsider.pk))
    assert event.actor_ref == actor_reference(users["engineer"])
    assert client_for(outsider).get(DETAIL_URL).status_code == 200

    removed = api.delete(MEMBERS_URL, {"username": "out"}, format="json")

    assert removed.status_code == 204
    assert not Membership.objects.filter(project=project, user=outsider).exists()
    event = _last("project.member_removed")
    assert (event.project_slug, event.object_id) == ("tickets", str(outsider.pk))
    assert client_for(outsider).get(DETAIL_URL).status_code == 403


def test_adding_an_existing_member_records_nothing(project, users, client_for):
    events = AuditEvent.objects.count()
    assert client_for(users["engineer"]).post(MEMBERS_URL, {"username": "ann"}, format="json").status_code == 201
    assert AuditEvent.objects.count() == events


def test_member_changes_with_bad_usernames(project, users, client_for):
    api = client_for(users["engineer"])
    events = AuditEvent.objects.count()
    assert api.post(MEMBERS_URL, {"username": "ghost"}, format="json").status_code == 400
    assert api.post(MEMBERS_URL, {}, format="json").status_code == 400
    assert api.delete(MEMBERS_URL, {"username": "out"}, format="json").status_code == 404
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", ["annotator", "reviewer", "auditor"])
def test_non_managers_cannot_change_members(project, users, client_for, role):
    api = client_for(users[role])
    assert api.post(MEMBERS_URL, {"username": "out"}, format="json").status_code == 403
    assert api.delete(MEMBERS_URL, {"username": "ann"}, format="json").status_code == 403
    assert not Membership.objects.filter(project=project, user=users["outsider"]).exists()
    assert Membership.objects.filter(project=project, user=users["annotator"]).exists()


def test_a_non_member_engineer_cannot_manage_the_project(project, users, client_for):
    api = client_for(users["outsider"])  # holds ml_engineer, but is not a member
    assert api.post(MEMBERS_URL, {"username": "out"}, format="json").status_code == 403
    assert api.patch(DETAIL_URL, {"require_approval": False}, format="json").status_code == 403
    assert not Membership.objects.filter(project=project, user=users["outsider"]).exists()
