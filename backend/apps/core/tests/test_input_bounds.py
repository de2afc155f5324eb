"""Every input the API documents is bounded (issue 8, defect 14): the schema walk fails for any request-body or
parameter string without maxLength (enums and formats such as date-time aside) and any integer without minimum and
maximum, listing the offenders; and an over-long value is a 400 naming the field that stores and audits nothing."""
import pytest
from drf_spectacular.generators import SchemaGenerator

from apps.audit.models import AuditEvent
from apps.core.limits import NOTE_MAX, PURPOSE_MAX, QUERY_VALUE_MAX, REASON_MAX, SUBJECT_REF_MAX
from apps.projects.models import Project

SELF_BOUNDED_FORMATS = {"date-time", "date", "binary", "uri", "uuid", "email", "decimal"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _unbounded(schema: dict, node: dict, where: str, seen: frozenset = frozenset()):
    """(where, why) for each string or integer under `node` that has no bound."""
    ref = node.get("$ref")
    if ref in seen:
        return
    node = _resolve(schema, node)
    seen = seen | {ref} if ref else seen
    for key in ("allOf", "oneOf", "anyOf"):
        for i, sub in enumerate(node.get(key, [])):
            yield from _unbounded(schema, sub, f"{where}/{key}[{i}]", seen)
    kind = node.get("type")
    if kind == "string" and "enum" not in node and node.get("format") not in SELF_BOUNDED_FORMATS \
            and "maxLength" not in node:
        yield where, "string without maxLength"
    if kind == "integer" and not {"minimum", "maximum"} <= set(node):
        yield where, "integer without minimum and maximum"
    for name, sub in node.get("properties", {}).items():
        if not sub.get("readOnly"):
            yield from _unbounded(schema, sub, f"{where}.{name}", seen)
    if isinstance(node.get("items"), dict):
        yield from _unbounded(schema, node["items"], f"{where}[]", seen)
    if isinstance(node.get("additionalProperties"), dict):
        yield from _unbounded(schema, node["additionalProperties"], f"{where}{{*}}", seen)


def test_every_documented_input_is_bounded(schema):
    offenders = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} {parameter['in']} {parameter['name']}"
                offenders += _unbounded(schema, parameter.get("schema", {}), where)
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                offenders += _unbounded(schema, content.get("schema", {}), f"{method.upper()} {path} ({media_type})")
    assert not offenders, "unbounded inputs:\n" + "\n".join(f"  {where}: {why}" for where, why in offenders)


def test_the_walk_finds_an_unbounded_field():
    """The walk itself can fail: a string and an integer without bounds, nested in a list, are both named."""
    fake = {"components": {"schemas": {"Row": {"type": "object", "properties": {
        "text": {"type": "string"}, "n": {"type": "integer", "minimum": 0}, "when": {"type": "string", "format": "date"},
        "kind": {"type": "string", "enum": ["a"]}, "id": {"type": "integer", "readOnly": True}}}}}}
    found = list(_unbounded(fake, {"type": "array", "items": {"$ref": "#/components/schemas/Row"}}, "body"))
    assert found == [("body[].text", "string without maxLength"), ("body[].n", "integer without minimum and maximum")]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_megabyte_purpose_is_400_and_copied_nowhere(project, users, client_for, method):
    before = AuditEvent.objects.count()
    client = client_for(users["engineer"])
    if method == "post":
        body = {"slug": "big", "name": "Big", "task": "text_classification", "labels": ["a", "b"], "purpose": "x" * 2**20}
        response = client.post("/api/v1/projects/", body, format="json")
    else:
        response = client.patch("/api/v1/projects/tickets/", {"purpose": "x" * 2**20}, format="json")
    assert response.status_code == 400 and "purpose" in response.json(), response.content[:200]
    assert AuditEvent.objects.count() == before
    assert not Project.objects.filter(purpose__startswith="xxx").exists()


@pytest.mark.django_db
def test_the_longest_purpose_is_kept(project, users, client_for):
    response = client_for(users["engineer"]).patch("/api/v1/projects/tickets/", {"purpose": "p" * PURPOSE_MAX},
                                                   format="json")
    assert response.status_code == 200
    assert len(Project.objects.get(slug="tickets").purpose) == PURPOSE_MAX


@pytest.mark.django_db
@pytest.mark.parametrize("field, value", [("name", "n" * 201), ("lawful_basis", "l" * 65),
                                          ("labels", ["a", "b" * 65])])
def test_other_project_texts_are_bounded(users, client_for, field, value):
    body = {"slug": "big", "name": "Big", "task": "text_classification", "labels": ["a", "b"], field: value}
    response = client_for(users["engineer"]).post("/api/v1/projects/", body, format="json")
    assert response.status_code == 400 and field in response.json()


@pytest.mark.django_db
def test_feedback_comment_and_reason_are_bounded(trained_project, users, client_for):
    client = client_for(users["annotator"])
    prediction = client.post("/api/v1/projects/tickets/predict/", {"text": "refund please"}, format="json").json()
    url = f"/api/v1/predictions/{prediction['predictions'][0]['id']}/feedback/"
    response = client.post(url, {"verdict": "accept", "comment": "c" * (NOTE_MAX + 1)}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    response = client_for(users["engineer"]).post("/api/v1/projects/tickets/rollback/", {"reason": "r" * (REASON_MAX + 1)},
                                                  format="json")
    assert response.status_code == 400 and "reason" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/audit/events/", "/api/v1/audit/events/export/?format=csv"])
@pytest.mark.parametrize("name", ["action", "actor", "project"])
def test_long_audit_filters_are_400_naming_the_filter(users, client_for, url, name):
    before = AuditEvent.objects.count()
    response = client_for(users["admin"]).get(url, {name: "a" * (QUERY_VALUE_MAX + 1)})
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{name}:")
    assert AuditEvent.objects.count() == before  # an export is audited, a refused one is not


@pytest.mark.django_db
def test_an_image_upload_with_a_long_subject_ref_is_400_not_cut(users, client_for):
    """It used to be cut to 128 characters silently, so a pseudonym could be stored wrong."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.core.tests.images import png
    from apps.items.models import Item
    from apps.projects.services import project_create

    project_create(slug="shapes", name="Shapes", task="object_detection", labels=["circle", "square"],
                   creator=users["engineer"])
    api = client_for(users["engineer"])
    data = {"files": [SimpleUploadedFile("a.png", png(seed=1))], "subject_ref": "s" * (SUBJECT_REF_MAX + 1)}
    response = api.post("/api/v1/projects/shapes/items/", data, format="multipart")
    assert response.status_code == 400 and response.json()["detail"].startswith("subject_ref:")
    assert not Item.objects.filter(project__slug="shapes").exists()
    data = {"files": [SimpleUploadedFile("a.png", png(seed=1))], "subject_ref": "s" * SUBJECT_REF_MAX}
    assert api.post("/api/v1/projects/shapes/items/", data, format="multipart").status_code == 201
    assert Item.objects.get(project__slug="shapes").subject_ref == "s" * SUBJECT_REF_MAX
