"""Item import (JSON body, CSV/JSONL upload): counts, duplicates, all-or-nothing refusals; listing and detail."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.tests.fixtures import tiny_texts
from apps.items.models import Item
from apps.items.services import content_hash

pytestmark = pytest.mark.django_db

URL = "/api/v1/projects/tickets/items/"
IMPORTED = 48  # the `project` fixture: 36 labelled pool items and 12 labelled holdout items


@pytest.fixture
def eng(users, client_for):
    return client_for(users["engineer"])


def _upload(api, name: str, content: bytes):
    return api.post(URL, {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_json_import_reports_counts_and_is_audited(project, users, eng):
    rows = [{"text": "new invoice question", "label": "billing"},
            {"text": "  app freezes on start  "},
            {"text": "parcel never arrived", "label": "shipping", "split": "holdout", "subject_ref": "cust-7"}]

    response = eng.post(URL, {"items": rows}, format="json")

    assert response.status_code == 201, response.content
    assert response.json() == {"created": 3, "duplicates": 0, "labelled": 2, "holdout": 1}
    assert Item.objects.filter(project=project).count() == IMPORTED + 3
    item = Item.objects.get(text="app freezes on start")  # stripped
    assert (item.label, item.split, item.source, item.created_by) == (None, "pool", "import", users["engineer"])
    subject_item = Item.objects.get(content_hash=content_hash("parcel never arrived"))  # sealed: no lookup by text
    assert (subject_item.subject_ref, subject_item.text) == ("cust-7", "parcel never arrived")
    event = AuditEvent.objects.filter(action="items.imported").order_by("-seq").first()
    assert event.project_slug == "tickets" and event.object_type == "items.item"
    assert {k: event.details[k] for k in ("created", "duplicates", "labelled", "holdout", "source")} == {
        "created": 3, "duplicates": 0, "labelled": 2, "holdout": 1, "source": "import"}
    assert len(event.details["batch_hash"]) == 64
    stored = json.dumps(event.details)
    assert all(word not in stored for word in ("invoice", "freezes", "parcel", "cust-7"))


def test_duplicates_are_reported_not_recreated(project, eng):
    known = tiny_texts(12, seed=1)[0]  # already imported by the fixture
    rows = [known, {"text": "brand new text"}, {"text": "brand new text", "label": "billing"},
            {"text": f"  {known['text']} "}]

    response = eng.post(URL, {"items": rows}, format="json")

    assert response.status_code == 201
    assert response.json() == {"created": 1, "duplicates": 3, "labelled": 0, "holdout": 0}
    assert Item.objects.filter(project=project).count() == IMPORTED + 1
    assert Item.objects.get(text="brand new text").label is None  # the first occurrence wins
    again = eng.post(URL, {"items": [{"text": "brand new text"}]}, format="json")
    assert again.json() == {"created": 0, "duplicates": 1, "labelled": 0, "holdout": 0}


def test_csv_upload(project, eng):
    content = ("\ufefftext,label,split,subject_ref\n"
               "refund not received,billing,,\n"
               '"crash, then error",technical,holdout,u1\n'
               "where is my parcel,,,\n").encode()

    response = _upload(eng, "rows.csv", content)

    assert response.status_code == 201, response.content
    assert response.json() == {"created": 3, "duplicates": 0, "labelled": 2, "holdout": 1}
    item = Item.objects.get(content_hash=content_hash("crash, then error"))  # sealed (u1): no lookup by text
    assert (item.label, item.split, item.subject_ref, item.source) == ("technical", "holdout", "u1", "upload")
    assert Item.objects.get(text="where is my parcel").label is None
    assert AuditEvent.objects.filter(action="items.imported").order_by("-seq").first().details["source"] == "upload"


def test_jsonl_upload(project, eng):
    content = b'{"text": "refund not received", "label": "billing"}\n\n{"text": "where is my parcel"}\r\n'

    response = _upload(eng, "rows.JSONL", content)

    assert response.status_code == 201, response.content
    assert response.json() == {"created": 2, "duplicates": 0, "labelled": 1, "holdout": 0}
    assert Item.objects.filter(project=project).count() == IMPORTED + 2


def test_jsonl_upload_keeps_unicode_line_separators_inside_strings(project, eng):
    text = "first part\u2028second part"
    content = (json.dumps({"text": text, "label": "billing"}, ensure_ascii=False) + "\n").encode()
    response = _upload(eng, "rows.jsonl", content)
    assert response.status_code == 201, response.content
    assert Item.objects.filter(text=text).exists()


GOOD = [{"text": "good row one", "label": "billing"}, {"text": "good row two"}]
BAD_ROWS = {
    "unknown label": {"text": "bad row", "label": "refunds"},
    "empty text": {"text": ""},
    "whitespace text": {"text": "  \t\n "},
    "missing text": {"label": "billing"},
    "text not a string": {"text": 42},
    "holdout without label": {"text": "bad row", "split": "holdout"},
    "bad split": {"text": "bad row", "split": "train"},
    "unknown field": {"text": "bad row", "colour": "red"},
    "not an object": "just a string",
    "text too long": {"text": "x" * 20001},
    "subject_ref too long": {"text": "bad row", "subject_ref": "s" * 129},
}


@pytest.mark.parametrize("bad", BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_a_bad_json_row_refuses_the_whole_import_naming_the_row(project, eng, bad):
    events = AuditEvent.objects.count()

    response = eng.post(URL, {"items": [GOOD[0], bad, GOOD[1]]}, format="json")

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["errors"][0]["row"] == 2 and body["error_count"] == 1
    assert body["detail"].startswith("Row 2:")
    assert Item.objects.filter(project=project).count() == IMPORTED
    assert not Item.objects.filter(text__startswith="good row").exists()
    assert AuditEvent.objects.count() == events


def test_a_text_with_a_nul_character_is_refused_naming_the_row(project, eng):
    response = eng.post(URL, {"items": [GOOD[0], {"text": "abc\u0000def"}]}, format="json")
    assert response.status_code == 400
    # refused by the JSON parser (apps.core.strings), which names the field: items[1] is row 2
    assert response.json()["detail"] == "items[1].text: contains a NUL character."


def test_every_bad_row_is_listed(project, eng):
    rows = [{"text": ""}, GOOD[0], {"text": "x", "label": "nope"}, {"text": "y", "split": "holdout"}]
    body = eng.post(URL, {"items": rows}, format="json").json()
    assert [e["row"] for e in body["errors"]] == [1, 3, 4] and body["error_count"] == 3


UPLOAD_REFUSALS = {
    "jsonl unknown label": ("rows.jsonl", b'{"text": "ok"}\n\n{"text": "bad", "label": "nope"}\n', 3),
    "jsonl malformed line": ("rows.jsonl", b'{"text": "ok"}\n{"text": "bad"\n{"text": "ok2"}\n', 2),
    "jsonl not an object": ("rows.jsonl", b'{"text": "ok"}\n["bad"]\n', 2),
    "jsonl unknown field": ("rows.jsonl", b'{"text": "ok"}\n{"text": "bad", "lable": "billing"}\n', 2),
    "csv unknown label": ("rows.csv", b"text,label\nok,billing\nbad,nope\n", 3),
    "csv whitespace text": ("rows.csv", b"text,label\nok,billing\n   ,billing\n", 3),
    "csv holdout without label": ("rows.csv", b"text,split\nok,pool\nbad,holdout\n", 3),
    "csv bad split": ("rows.csv", b"text,split\nok,pool\nbad,train\n", 3),
    "csv too many fields": ("rows.csv", b"text,label\nok,billing\nbad,billing,extra\nok2,\n", 3),
}


@pytest.mark.parametrize("name, content, row", UPLOAD_REFUSALS.values(), ids=UPLOAD_REFUSALS.keys())
def test_a_bad_upload_row_refuses_the_file_naming_its_line(project, eng, name, content, row):
    response = _upload(eng, name, content)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["row"] == row
    assert f"{row}" in response.json()["detail"]
    assert Item.objects.filter(project=project).count() == IMPORTED


FILE_REFUSALS = {
    "csv without a text column": ("rows.csv", b"body,label\nhello,billing\n", "'text' column"),
    "empty csv": ("rows.csv", b"", "'text' column"),
    "non-UTF-8": ("rows.csv", b"text\nok\ncaf\xe9 au lait\n", "not UTF-8"),
    "unsupported extension": ("rows.xlsx", b"text\nok\n", "unsupported file type"),
    "empty jsonl": ("rows.jsonl", b"\n\n", "Nothing to import"),
}


@pytest.mark.parametrize("name, content, message", FILE_REFUSALS.values(), ids=FILE_REFUSALS.keys())
def test_a_bad_file_is_refused(project, eng, name, content, message):
    response = _upload(eng, name, content)
    assert response.status_code == 400, response.content
    assert message in response.json()["detail"]
    assert Item.objects.filter(project=project).count() == IMPORTED


def test_non_utf8_upload_names_the_line(project, eng):
    response = _upload(eng, "rows.csv", b"text\nok\ncaf\xe9 au lait\n")
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 3


def test_malformed_csv_quoting_names_the_line(project, eng):
    response = _upload(eng, "rows.csv", b'text,label\nok,billing\n"bad"x,billing\n')
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 3


def test_csv_with_an_unknown_column_is_refused(project, eng):
    response = _upload(eng, "rows.csv", b"text,lable\nrefund please,billing\n")
    assert response.status_code == 400
    assert Item.objects.filter(project=project).count() == IMPORTED


@pytest.mark.parametrize("body", [{"items": []}, {"rows": [{"text": "x"}]}, {}, [{"text": "x"}], {"items": "x"}],
                         ids=["empty items", "no items key", "empty body", "bare list", "items not a list"])
def test_a_json_body_without_items_is_refused(project, eng, body):
    response = eng.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert Item.objects.filter(project=project).count() == IMPORTED


def test_oversize_upload_is_413(project, eng, settings):
    settings.IMPORT_MAX_BYTES = 32
    response = _upload(eng, "rows.csv", b"text\n" + b"a long enough line of text\n" * 2)
    assert response.status_code == 413
    assert "32 byte limit" in response.json()["detail"]
    assert Item.objects.filter(project=project).count() == IMPORTED
    assert _upload(eng, "rows.csv", b"text\nshort\n").status_code == 201  # at or under the limit is fine


@pytest.mark.parametrize("role", ["annotator", "reviewer", "auditor", "outsider"])
def test_only_member_engineers_and_admins_import(project, users, client_for, role):
    api = client_for(users[role])
    assert api.post(URL, {"items": [{"text": "hello"}]}, format="json").status_code == 403
    assert _upload(api, "rows.csv", b"text\nhello\n").status_code == 403
    assert Item.objects.filter(project=project).count() == IMPORTED


def test_admin_imports_without_membership(project, users, client_for):
    response = client_for(users["admin"]).post(URL, {"items": [{"text": "hello"}]}, format="json")
    assert response.status_code == 201


def test_auditor_lists_items(project, users, client_for):
    response = client_for(users["auditor"]).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == IMPORTED and len(body["results"]) == IMPORTED
    assert set(body["results"][0]) == {"id", "text", "label", "split", "subject_ref", "source", "content_hash",
                                       "created_at", "boxes", "file_name", "width", "height", "content_type"}


def test_listing_filters_and_paginates(project, users, client_for, eng):
    eng.post(URL, {"items": [{"text": "unlabelled one"}, {"text": "unlabelled two"}]}, format="json")
    api = client_for(users["annotator"])

    def get(**params):
        response = api.get(URL, params)
        assert response.status_code == 200
        return response.json()

    assert get(split="holdout")["count"] == 12
    assert get(split="pool")["count"] == 38
    assert get(labelled="true")["count"] == IMPORTED
    assert [r["text"] for r in get(labelled="false")["results"]] == ["unlabelled one", "unlabelled two"]
    assert get(split="pool", labelled="0")["count"] == 2
    page = get(limit=10, offset=45)
    assert page["count"] == 50 and len(page["results"]) == 5 and page["next"] is None
    first = get(limit=10)
    assert len(first["results"]) == 10 and first["next"]
    ids = [r["id"] for r in first["results"]]
    assert ids == sorted(ids)


def test_listing_needs_membership(project, users, client_for):
    assert client_for(users["outsider"]).get(URL).status_code == 403
    assert client_for(users["engineer"]).get("/api/v1/projects/nope/items/").status_code == 404


def test_item_detail(project, users, client_for):
    item = Item.objects.filter(project=project).first()
    url = f"/api/v1/items/{item.pk}/"

    response = client_for(users["annotator"]).get(url)

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["text"]) == (item.pk, item.text)
    assert client_for(users["admin"]).get(url).status_code == 200
    assert client_for(users["outsider"]).get(url).status_code == 403
    assert client_for(users["annotator"]).get("/api/v1/items/999999/").status_code == 404


def test_an_erased_item_is_not_served(project, users, client_for):
    item = Item.objects.filter(project=project).first()
    Item.objects.filter(pk=item.pk).update(erased_at=timezone.now())
    assert client_for(users["annotator"]).get(f"/api/v1/items/{item.pk}/").status_code == 404
