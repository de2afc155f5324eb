"""Audit endpoints: filtered event listing and chain verification (auditors and admins)."""
from django.contrib.auth.models import User
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import CAN_READ_AUDIT
from apps.core.exceptions import ApplicationError
from apps.core.pagination import paginated_response
from apps.projects.selectors import is_global_admin, project_list_for_user, require_role

from .models import AuditEvent
from .selectors import audit_chain_verify, audit_event_list
from .services import actor_reference


class AuditEventOutput(serializers.ModelSerializer):
    project = serializers.CharField(source="project_slug")

    class Meta:
        model = AuditEvent
        fields = ["seq", "created_at", "actor_ref", "actor_role", "action", "object_type", "object_id", "project",
                  "request_id", "details", "prev_hash", "hash"]


def _time(value: str | None, name: str):
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:  # well-formed but impossible, e.g. month 13
        parsed = None
    if parsed is None:
        raise ApplicationError(f"{name}: not an ISO 8601 date-time: {value!r}.")
    return parsed


class AuditEventListApi(APIView):
    @extend_schema(parameters=[OpenApiParameter(n, str) for n in ("action", "actor", "project", "since", "until")],
                   responses=AuditEventOutput(many=True))
    def get(self, request):
        require_role(request.user, CAN_READ_AUDIT)
        params = request.query_params
        actor_ref = None
        if params.get("actor"):
            user = User.objects.filter(username=params["actor"]).first()
            actor_ref = actor_reference(user) if user else params["actor"]  # a username or a pseudonym
        scope = None if is_global_admin(request.user) else list(
            project_list_for_user(user=request.user).values_list("slug", flat=True))
        qs = audit_event_list(action=params.get("action"), actor_ref=actor_ref, project_slug=params.get("project"),
                              since=_time(params.get("since"), "since"), until=_time(params.get("until"), "until"),
                              project_slugs=scope)
        return paginated_response(request=request, view=self, queryset=qs, serializer_class=AuditEventOutput)


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
