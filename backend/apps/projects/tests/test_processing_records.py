"""GDPR Art. 30 records of processing: edited by admins (API and Django admin, each change audited), exported per
project and for all projects as JSON or Markdown to admins and auditors."""
import pytest
from django.test import Client

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.audit.services import actor_reference
from apps.projects.models import Project
from apps.projects.records import LABELS
from apps.projects.services import RECORD_FIELDS, project_create

pytestmark = pytest.mark.django_db

RECORD_URL = "/api/v1/projects/tickets/processing-record/"
ALL_URL = "/api/v1/processing-records/"
RECORD = {"controller": "Acme Support GmbH, dpo@acme.example", "data_categories": "ticket texts | contact names",
          "data_subject_categories": "customers", "recipients": "support staff", "international_transfers": "none",
          "security_measures": "ISO 27001 hosting"}


def _last_update():
    return AuditEvent.objects.filter(action="project.updated").order_by("-seq").first()


def test_an_admin_edits_the_record_through_the_api_and_it_is_audited(project, users, client_for):
    response = client_for(users["admin"]).patch("/api/v1/projects/tickets/", RECORD, format="json")

    assert response.status_code == 200, response.content
    assert {k: response.json()[k] for k in RECORD} == RECORD
    event = _last_update()
    assert event.actor_ref == actor_reference(users["admin"]) and event.project_slug == "tickets"
    assert event.details == {k: {"before": "", "after": v} for k, v in RECORD.items()}
    assert audit_chain_verify().ok


@pytest.mark.parametrize("field", RECORD_FIELDS)
def test_only_admins_edit_the_record_texts(project, users, client_for, field):
    before = AuditEvent.objects.count()
    engineer = client_for(users["engineer"])

    response = engineer.patch("/api/v1/projects/tickets/", {field: "x", "purpose": "p"}, format="json")

    assert response.status_code == 403 and field in response.json()["detail"]
    assert getattr(Project.objects.get(slug="tickets"), field) == "" and AuditEvent.objects.count() == before
    created = engineer.post("/api/v1/projects/", {"slug": "s2", "name": "S", "task": "text_classification",
                                                  "labels": ["a", "b"], field: "x"}, format="json")
    assert created.status_code == 403 and not Project.objects.filter(slug="s2").exists()
    assert engineer.patch("/api/v1/projects/tickets/", {"purpose": "p"}, format="json").status_code == 200


def test_a_record_text_over_the_limit_is_400(project, users, client_for):
    response = client_for(users["admin"]).patch("/api/v1/projects/tickets/", {"recipients": "r" * 2001}, format="json")
    assert response.status_code == 400 and "recipients" in response.json()


def test_an_admin_edits_the_record_in_the_django_admin_and_it_is_audited(project, users):
    browser = Client()
    browser.force_login(users["admin"])
    url = f"/admin/projects/processingrecord/{project.pk}/change/"
    assert browser.get(url).status_code == 200
    form = {"controller": "Acme", "purpose": "triage", "lawful_basis": "contract", "data_categories": "",
            "data_subject_categories": "", "recipients": "", "international_transfers": "", "retention_days": "30",
            "security_measures": "", "_save": "Save"}

    response = browser.post(url, form)

    assert response.status_code == 302, response.content[:500]
    project.refresh_from_db()
    assert (project.controller, project.purpose, project.retention_days) == ("Acme", "triage", 30)
    event = _last_update()
    assert event.actor_ref == actor_reference(users["admin"])
    assert event.details == {"controller": {"before": "", "after": "Acme"}, "purpose": {"before": "", "after": "triage"},
                             "lawful_basis": {"before": "", "after": "contract"},
                             "retention_days": {"before": None, "after": 30}}
    assert audit_chain_verify().ok


def test_the_django_admin_refuses_non_admins_and_keeps_projects_read_only(project, users):
    users["engineer"].is_staff = True
    users["engineer"].save()
    browser = Client()
    browser.force_login(users["engineer"])
    assert browser.get(f"/admin/projects/processingrecord/{project.pk}/change/").status_code == 403
    before = AuditEvent.objects.count()
    browser.post(f"/admin/projects/processingrecord/{project.pk}/change/", {"controller": "x", "_save": "Save"})
    assert Project.objects.get(pk=project.pk).controller == "" and AuditEvent.objects.count() == before


def test_the_json_record_states_defaults_and_what_is_missing(project, users, client_for):
    body = client_for(users["auditor"]).get(RECORD_URL).json()

    assert body["project"] == "tickets" and body["missing"] == ["controller", "purpose", "lawful_basis"]
    assert set(body["defaults"]) == set(RECORD_FIELDS) - {"controller"}
    assert "Free text of the items" in body["data_categories"]
    assert "NOT forced onto HTTPS" in body["security_measures"] and "hash chain" in body["security_measures"]
    assert body["retention"] == {"days": None, "description": "No retention limit is set for this project "
                                                              "(set retention_days)."}
    assert body["statistics"]["items"] == Project.objects.get(slug="tickets").items.count() == 48
    assert body["statistics"]["members_by_role"] == {"annotator": 1, "reviewer": 1, "ml_engineer": 1, "auditor": 1}


def test_the_record_shows_what_the_admin_wrote(project, users, client_for, settings):
    settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS = True, 3600
    admin = client_for(users["admin"])
    admin.patch("/api/v1/projects/tickets/", {**RECORD, "security_measures": "", "purpose": "triage",
                                              "lawful_basis": "contract", "retention_days": 90}, format="json",
                secure=True)

    body = admin.get(RECORD_URL, {"format": "json"}, secure=True).json()

    assert body["missing"] == [] and body["defaults"] == ["security_measures"]
    assert body["controller"] == RECORD["controller"] and body["retention"]["days"] == 90
    assert "HTTPS for the web app and API (redirect, HSTS for 3600 s" in body["security_measures"]


def test_the_markdown_record_is_a_document(project, users, client_for):
    admin = client_for(users["admin"])
    admin.patch("/api/v1/projects/tickets/", RECORD, format="json")

    response = admin.get(RECORD_URL, {"format": "md"})

    assert response.status_code == 200 and response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("# Records of processing activities (GDPR Art. 30)")
    assert "## Tickets (`tickets`, text_classification)" in text
    assert all(f"| {label} |" in text for label in LABELS.values())
    assert "ticket texts \\| contact names" in text  # a | in a value does not break the table
    assert "| Purposes of the processing (Art. 30(1)(b)) | **missing: an admin must fill this in** |" in text


def test_all_records_for_admins_and_each_auditor_sees_theirs(project, users, client_for):
    project_create(slug="other", name="Other", task="object_detection", labels=["a", "b"], creator=users["admin"])

    everything = client_for(users["admin"]).get(ALL_URL).json()
    theirs = client_for(users["auditor"]).get(ALL_URL).json()
    markdown = client_for(users["admin"]).get(ALL_URL, {"format": "md"}).content.decode()

    assert [r["project"] for r in everything["records"]] == ["other", "tickets"]
    assert "Images of the items" in everything["records"][0]["data_categories"]
    assert [r["project"] for r in theirs["records"]] == ["tickets"]
    assert "## Other (`other`" in markdown and "## Tickets (`tickets`" in markdown


@pytest.mark.parametrize("role, url, status", [
    ("annotator", RECORD_URL, 403), ("engineer", RECORD_URL, 403), ("outsider", RECORD_URL, 403),
    ("annotator", ALL_URL, 403), ("engineer", ALL_URL, 403), ("nobody", ALL_URL, 403),
    ("admin", "/api/v1/projects/nope/processing-record/", 404)])
def test_records_are_for_admins_and_auditors(project, users, client_for, role, url, status):
    assert client_for(users[role]).get(url).status_code == status


@pytest.mark.parametrize("url", [RECORD_URL, ALL_URL])
def test_an_unknown_format_is_400(project, users, client_for, url):
    response = client_for(users["admin"]).get(url, {"format": "pdf"})
    assert response.status_code == 400 and "json or md" in response.json()["detail"]
