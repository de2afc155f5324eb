"""Strings no database can store (lone surrogates, NUL) are a 400 naming the field, from every entry point,
and nothing is stored. Run on SQLite and on PostgreSQL (DATABASE_URL): the drivers fail differently."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from apps.audit.models import AuditEvent
from apps.core import strings
from apps.core.exceptions import ApplicationError
from apps.core.tests.images import png
from apps.items.models import Item
from apps.predictions.models import Prediction
from apps.projects.services import project_create

pytestmark = pytest.mark.django_db
SURROGATE = "refund \udfff please"
SURROGATE_PROBLEM = "contains a lone surrogate (U+DFFF), which is not valid Unicode text"
NUL = "refund \x00 please"
NUL_PROBLEM = "contains a NUL character"


def post_json(api, url, body):
    """json.dumps escapes the surrogate (\\udfff), as any client would send it; the test client's own encoder
    would fail to encode it first."""
    return api.post(url, data=json.dumps(body), content_type="application/json")


def state():
    return Item.objects.count(), Prediction.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("body,detail", [
    ({"text": SURROGATE}, f"text: {SURROGATE_PROBLEM}."),
    ({"text": NUL}, f"text: {NUL_PROBLEM}."),
    ({"inputs": [{"text": "fine"}, {"text": SURROGATE}]}, f"inputs[1].text: {SURROGATE_PROBLEM}."),
    ({"inputs": [{"te\x00xt": "fine"}]}, f"inputs[0].te\\x00xt: field name {NUL_PROBLEM}."),
])
def test_predict(trained_project, users, client_for, body, detail):
    before = state()
    response = post_json(client_for(users["annotator"]), "/api/v1/projects/tickets/predict/", body)
    assert (response.status_code, response.json()) == (400, {"detail": detail})
    assert state() == before


@pytest.mark.parametrize("row,detail", [
    ({"text": SURROGATE}, f"items[0].text: {SURROGATE_PROBLEM}."),
    ({"text": "fine", "subject_ref": "subject\udfff"}, f"items[0].subject_ref: {SURROGATE_PROBLEM}."),
    ({"text": "fine", "subject_ref": "a\x00b"}, f"items[0].subject_ref: {NUL_PROBLEM}."),
    ({"text": "fine", "label": "billing\x00"}, f"items[0].label: {NUL_PROBLEM}."),
])
def test_json_item_import(project, users, client_for, row, detail):
    before = state()
    response = post_json(client_for(users["engineer"]), "/api/v1/projects/tickets/items/", {"items": [row]})
    assert (response.status_code, response.json()["detail"]) == (400, detail)
    assert state() == before


JSONL_SURROGATE = b'{"text": "fine"}\n{"text": "refund \\udfff please"}\n'
JSONL_NUL_REF = b'{"text": "fine", "subject_ref": "a\\u0000b"}\n'
CSV_NUL = b"text,subject_ref\nfine,ok\r\nrefund \x00 please,s1\r\n"
LABEL_STUDIO = json.dumps([{"id": 1, "data": {"text": SURROGATE}, "annotations": []}]).encode()
LABEL_STUDIO_REF = json.dumps([{"id": 1, "data": {"text": "fine", "subject_ref": "a\x00"}}]).encode()


@pytest.mark.parametrize("url,fields,detail", [
    ("items", {"file": ("t.jsonl", JSONL_SURROGATE)}, f"Row 2: text {SURROGATE_PROBLEM}. Nothing was imported."),
    ("items", {"file": ("t.jsonl", JSONL_NUL_REF)}, f"Row 1: subject_ref {NUL_PROBLEM}. Nothing was imported."),
    ("items", {"file": ("t.csv", CSV_NUL)}, f"Row 3: text {NUL_PROBLEM}. Nothing was imported."),
    ("import", {"format": "jsonl", "file": ("t.jsonl", JSONL_SURROGATE)}, f"Row 2: text {SURROGATE_PROBLEM}."),
    ("import", {"format": "csv", "file": ("t.csv", CSV_NUL)}, f"Row 3: text {NUL_PROBLEM}."),
    ("import", {"format": "labelstudio", "file": ("t.json", LABEL_STUDIO)}, f"Row 1: text {SURROGATE_PROBLEM}."),
    ("import", {"format": "labelstudio", "file": ("t.json", LABEL_STUDIO_REF)}, f"Row 1: subject_ref {NUL_PROBLEM}."),
])
def test_file_imports(project, users, client_for, url, fields, detail):
    data = {k: SimpleUploadedFile(*v) if isinstance(v, tuple) else v for k, v in fields.items()}
    before = state()
    response = client_for(users["engineer"]).post(f"/api/v1/projects/tickets/{url}/", data, format="multipart")
    assert response.status_code == 400, response.content
    assert response.json()["detail"].startswith(detail)
    assert state() == before


def test_multipart_fields(users, client_for):
    project_create(slug="shapes", name="Shapes", task="object_detection", labels=["circle", "square"],
                   creator=users["engineer"])
    before = state()
    response = client_for(users["engineer"]).post("/api/v1/projects/shapes/items/", {
        "files": [SimpleUploadedFile("a.png", png(seed=1))], "subject_ref": "a\x00b"}, format="multipart")
    assert (response.status_code, response.json()) == (400, {"detail": f"subject_ref: {NUL_PROBLEM}."})
    assert state() == before


def test_query_strings(project, users, client_for):
    response = client_for(users["auditor"]).get("/api/v1/projects/tickets/items/?split=%00")
    assert (response.status_code, response.json()) == (400, {"detail": f"?split=: {NUL_PROBLEM}."})
    assert client_for(users["auditor"]).get("/api/v1/audit/?action=a%00").status_code == 400


def test_the_database_refuses_them_whatever_the_path(project):
    """The backstop: a bad string in any query's parameters, JSON columns included, is an ApplicationError (400)
    before the driver sees it, on SQLite and PostgreSQL alike."""
    item = Item.objects.filter(project=project).first()
    writes = [lambda: Item.objects.filter(pk=item.pk).update(subject_ref="a\x00"),
              lambda: Item.objects.filter(pk=item.pk).update(text=SURROGATE),
              lambda: list(Item.objects.filter(subject_ref__in=["ok", "x\x00"]))]
    if connection.vendor == "postgresql":  # SQLite stores JSON as escaped ASCII text, which it can hold
        writes += [lambda: Item.objects.filter(pk=item.pk).update(boxes=[{"label": "a\x00"}]),
                   lambda: Item.objects.filter(pk=item.pk).update(boxes={"b\udfff": 1})]
    for write in writes:
        with pytest.raises(ApplicationError, match="nothing was stored"), transaction.atomic():
            write()
    item.refresh_from_db()
    assert item.subject_ref == "" and item.boxes is None


def _views(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _views(entry)
        elif isinstance(entry, URLPattern) and isinstance(getattr(entry.callback, "cls", None), type):
            yield entry.callback.cls


def test_every_api_view_parses_through_the_checking_parsers():
    checked = (strings.JSONParser, strings.FormParser, strings.MultiPartParser)
    views = [cls for cls in _views() if issubclass(cls, APIView)]
    assert len(views) > 20
    loose = {f"{cls.__module__}.{cls.__name__}": [p.__name__ for p in cls.parser_classes if not issubclass(p, checked)]
             for cls in views}
    assert {name: parsers for name, parsers in loose.items() if parsers} == {}


def test_find_bad_string_names_the_path():
    assert strings.find_bad_string({"a": [1, {"b": "ok"}, {"c": ["x", "y\x00"]}]}) == ("a[2].c[1]", NUL_PROBLEM)
    assert strings.find_bad_string("\ud800") == ("body", "contains a lone surrogate (U+D800), which is not valid "
                                                         "Unicode text")
    assert strings.find_bad_string({"ok": ["é", "😀", "\u2028"]}) is None
