"""The OpenAPI schema must say what the API does: the web app's typed client is generated from it.

- `paginated_schema(Output, parameters=[...])` documents a GET that returns `paginated_response(...)`:
  `{count, next, previous, results: [Output]}` with `limit` and `offset`.
- `errors_document` (a SPECTACULAR_SETTINGS postprocessing hook) adds the 4xx responses an operation can
  give, with the `{detail}` body of `apps.core.exceptions.exception_handler`.
- `AutoSchema` documents a request body on DELETE where a view declares one.

Nothing here changes what the API does; `apps/core/tests/test_schema.py` checks the schema against it.
"""
import functools
import re

from django.conf import settings
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers

from .limits import ID_MAX
from .pagination import Pagination

# Operations that answer 409 (docs/api.md, Errors), by method and path.
CONFLICTS = {
    ("post", "/api/v1/projects/"): "the slug is taken",
    ("post", "/api/v1/projects/{slug}/predict/"): "the project has no champion",
    ("post", "/api/v1/projects/{slug}/training-runs/"): "a training run is already queued or running",
    ("post", "/api/v1/model-versions/{version_id}/promote/"): "the version is already the champion",
    ("post", "/api/v1/model-versions/{version_id}/reject/"): "the version is not a candidate",
    ("post", "/api/v1/projects/{slug}/rollback/"): "no champion, or nothing to roll back to",
    ("post", "/api/v1/feedback/{feedback_id}/review/"): "the feedback is not waiting for review",
}
_ERROR = {
    "type": "object",
    "description": "A refused request. `detail` says why; a few errors add keys (e.g. `training_run`).",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": {},
}
_VALIDATION_ERROR = {
    "type": "object",
    "description": "Invalid input: `{detail}` (with `errors` and `error_count` for bad import rows), "
                   "or a map of field name to messages for an invalid request body.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object", "properties": {"row": {"type": "integer"}, "error": {"type": "string"}},
            "required": ["row", "error"]}},
        "error_count": {"type": "integer"},
    },
    "additionalProperties": {},
}
_DESCRIPTIONS = {
    400: "Invalid input.",
    401: "Not authenticated.",
    403: "Not a member of the project, a required role missing, or (with a session) the CSRF check failed.",
    404: "Not found.",
    413: "The request body is too large.",
    415: "The request body's Content-Type is not one the operation takes.",
}


def _component_name(serializer_class) -> str:
    ref_name = getattr(getattr(serializer_class, "Meta", None), "ref_name", None)
    return ref_name or serializer_class.__name__.removesuffix("Serializer")


@functools.cache
def _page_serializer(serializer_class, page_fields: tuple = ()):
    page = inline_serializer(f"Paginated{_component_name(serializer_class)}List", fields={
        "count": serializers.IntegerField(min_value=0),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": serializer_class(many=True),
        **dict(page_fields),
    })
    page._paginated = True
    return page


PAGE_PARAMETERS = [
    OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": Pagination.max_limit},
                     description=f"Page size: default {settings.REST_FRAMEWORK['PAGE_SIZE']}, "
                                 f"1 to {Pagination.max_limit} (anything else is a 400)."),
    OpenApiParameter("offset", {"type": "integer", "minimum": 0, "maximum": ID_MAX},
                     description="Index of the first result (default 0)."),
]


def paginated_schema(serializer_class, *, parameters=(), errors: dict[int, str] | None = None,
                     page_fields: dict | None = None, **kwargs):
    """extend_schema for a GET answered by `paginated_response(serializer_class=serializer_class)`.

    `errors` documents extra 4xx answers, e.g. {400: "unknown status"}; their body is the error shape. A limit or
    offset out of range is always a 400. `page_fields` are fields the page carries beside `count` and `results`
    (the view adds them to the response), e.g. the review queue's `strategy`.
    """
    errors = {400: "", **(errors or {})}
    errors[400] = " ".join(filter(None, [errors[400], "A limit or offset that is not an integer in its range."]))
    responses = {200: _page_serializer(serializer_class, tuple((page_fields or {}).items()))}
    responses.update({code: OpenApiResponse(description=text) for code, text in errors.items()})
    return extend_schema(responses=responses, parameters=[*parameters, *PAGE_PARAMETERS], **kwargs)


class AutoSchema(SpectacularAutoSchema):
    def get_operation_id(self) -> str:
        operation_id = super().get_operation_id()
        responses = self.get_response_serializers()
        if isinstance(responses, dict) and getattr(responses.get(200), "_paginated", False):
            operation_id = operation_id.removesuffix("_retrieve") + "_list"  # as drf-spectacular names list views
        return operation_id

    def _get_request_body(self, direction="request"):
        # drf-spectacular documents bodies of POST/PUT/PATCH only; DELETE …/members/ takes {"username"}.
        if self.method != "DELETE" or self.get_request_serializer() is None:
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


def _error_ref(code: int) -> dict:
    name = "ValidationError" if code == 400 else "Error"
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def _codes_for(path: str, method: str, operation: dict) -> dict[int, str]:
    codes: dict[int, str] = {}
    has_body = "requestBody" in operation
    if has_body:
        codes[400] = _DESCRIPTIONS[400]
        codes[413] = _DESCRIPTIONS[413]
        codes[415] = _DESCRIPTIONS[415]
    if {} not in operation.get("security", [{}]):  # no anonymous access
        codes[401] = _DESCRIPTIONS[401]
        codes[403] = _DESCRIPTIONS[403]
    if re.search(r"\{[^}]+\}", path):
        codes[404] = _DESCRIPTIONS[404]
    if (method, path) in CONFLICTS:
        codes[409] = f"Conflict: {CONFLICTS[method, path]}."
    return codes


def errors_document(result, generator, request, public):
    """Postprocessing hook: every operation lists the 4xx it can answer, each (and any 5xx) with its JSON error body."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = _ERROR
    schemas["ValidationError"] = _VALIDATION_ERROR
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, description in _codes_for(path, method, operation).items():
                responses.setdefault(str(code), {"description": description})
            for code, response in responses.items():
                if code.startswith(("4", "5")) and "content" not in response:
                    response["content"] = _error_ref(int(code))
            operation["responses"] = dict(sorted(responses.items()))
    return result
