"""Audit endpoints: filtered event listing, its streamed export, and chain verification (auditors and admins)."""

from django.contrib.auth.models import User
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import CAN_READ_AUDIT
from apps.core.limits import QUERY_VALUE_MAX, query_schema, query_value
from apps.core.pagination import paginated_response
from apps.core.schema import paginated_schema
from apps.core.timeparse import utc_datetime
from apps.projects.selectors import is_global_admin, project_list_for_user, require_role

from .export import CONTENT_TYPES, audit_events_stream
from .models import AuditEvent
from .selectors import audit_chain_verify, audit_event_list
from .services import EXPORT_FORMATS, actor_reference, audit_export_start


class AuditEventOutput(serializers.ModelSerializer):
    project = serializers.CharField(source="project_slug")

    class Meta:
        model = AuditEvent
        fields = ["seq", "created_at", "actor_ref", "actor_role", "action", "object_type", "object_id", "project",
                  "request_id", "details", "prev_hash", "hash"]
        read_only_fields = fields  # output only: every field is always present (and so required in the schema)


FILTERS = [
    OpenApiParameter("action", query_schema(), description="exact action name, e.g. auth.login"),
    OpenApiParameter("actor", query_schema(), description="a username, a pseudonym (actor_ref) or system"),
    OpenApiParameter("project", query_schema(), description="project slug"),
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="ISO 8601, inclusive"),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description="ISO 8601, inclusive"),
]
BAD_FILTER = {400: f"A since or until that is not an ISO 8601 date-time, or a filter over {QUERY_VALUE_MAX} characters."}


def _filters(request) -> dict:
    """The filters of the query string, as audit_event_list takes them (an actor's username becomes its pseudonym)."""
    params = {name: query_value(request, name) for name in ("action", "actor", "project", "since", "until")}
    actor_ref = None
    if params["actor"]:
        user = User.objects.filter(username=params["actor"]).first()
        actor_ref = actor_reference(user) if user else params["actor"]
    return {"action": params["action"] or None, "actor_ref": actor_ref, "project_slug": params["project"] or None,
            "since": utc_datetime(params["since"], "since"), "until": utc_datetime(params["until"], "until")}


def _visible_events(request) -> tuple:
    """The filtered events the caller may see, and the filters: an auditor sees the events of their projects and
    those of no project; an admin sees all."""
    require_role(request.user, CAN_READ_AUDIT)
    filters = _filters(request)
    scope = None if is_global_admin(request.user) else list(
        project_list_for_user(user=request.user).values_list("slug", flat=True))
    return audit_event_list(**filters, project_slugs=scope), filters


class AuditEventListApi(APIView):
    @paginated_schema(AuditEventOutput, parameters=FILTERS, errors=BAD_FILTER)
    def get(self, request):
        events, _ = _visible_events(request)
        return paginated_response(request=request, view=self, queryset=events, serializer_class=AuditEventOutput,
                                  key="seq")


class ChainPoint(serializers.Serializer):
    seq = serializers.IntegerField()
    hash = serializers.CharField()


class AuditExportOutput(serializers.Serializer):
    """The JSON export: its manifest (CSV: the first line, `# hitl-audit-export {...}`) and the events."""
    format = serializers.CharField(help_text="hitl-audit-export")
    version = serializers.IntegerField()
    exported_at = serializers.DateTimeField()
    export_event_seq = serializers.IntegerField(help_text="the audit.exported event that records this export")
    filters = serializers.DictField()
    count = serializers.IntegerField()
    first_seq = serializers.IntegerField(allow_null=True)
    last_seq = serializers.IntegerField(allow_null=True)
    contiguous = serializers.BooleanField(help_text="no event between first_seq and last_seq was left out")
    anchor = ChainPoint(allow_null=True, help_text="the event just before the first one exported (seq 0: genesis)")
    head = ChainPoint(help_text="the chain's last event when the export started")
    events = AuditEventOutput(many=True)


class AuditEventExportApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("format", str, required=True, enum=list(EXPORT_FORMATS)), *FILTERS],
        responses={(200, "text/csv"): OpenApiTypes.STR, (200, "application/json"): AuditExportOutput,
                   400: OpenApiResponse(description="An unknown format, or a bad since/until.")})
    def get(self, request):
        events, filters = _visible_events(request)
        fmt = request.query_params.get("format", "")
        recorded = {"project" if k == "project_slug" else k: v.isoformat() if hasattr(v, "isoformat") else v
                    for k, v in filters.items() if v}
        events, manifest = audit_export_start(actor=request.user, fmt=fmt, events=events, filters=recorded)
        response = StreamingHttpResponse(audit_events_stream(events=events, fmt=fmt, manifest=manifest),
                                         content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = content_disposition_header(
            True, f"audit-events-{timezone.now():%Y%m%dT%H%M%SZ}.{fmt}")
        response["X-Event-Count"] = str(manifest["count"])
        response["X-Chain-Head"] = f"{manifest['head']['seq']}:{manifest['head']['hash']}"
        return response


class AuditVerifyOutput(serializers.Serializer):
    ok = serializers.BooleanField()
    events = serializers.IntegerField()
    head_hash = serializers.CharField()
    first_bad_seq = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()


class AuditVerifyApi(APIView):
    @extend_schema(responses=AuditVerifyOutput)
    def get(self, request):
        require_role(request.user, CAN_READ_AUDIT)
        report = audit_chain_verify()
        return Response({"ok": report.ok, "events": report.events, "head_hash": report.head_hash,
                         "first_bad_seq": report.first_bad_seq, "reason": report.reason})
