"""Monitoring endpoints: the series and flags per model version, the thresholds, a check now, and the
automation-bias indicators per annotator. Auditors, ML engineers and admins read; annotators see only themselves."""
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import ALL_ROLES, CAN_MANAGE_PROJECTS, Role, has_any_role
from apps.core.exceptions import ApplicationError
from apps.projects.selectors import project_get_for_user

from .annotators import annotator_indicators
from .models import MonitoringFlag, MonitoringPolicy
from .selectors import (
    MAX_WINDOW_DAYS,
    monitoring_flags_open,
    monitoring_flags_recent,
    monitoring_policy_get,
    monitoring_series,
    window_bounds,
)
from .services import POLICY_FIELDS, monitoring_check, monitoring_policy_update

CAN_MONITOR = frozenset({Role.AUDITOR, Role.ML_ENGINEER, Role.ADMIN})
DAYS = OpenApiParameter("days", {"type": "integer", "minimum": 1, "maximum": MAX_WINDOW_DAYS},
                        description="the window: the last N UTC days, today included (default: the policy's window_days)")
VERSION = OpenApiParameter("version", {"type": "integer", "minimum": 0, "maximum": 999_999_999},
                           description="only this model version number")
BAD_QUERY = OpenApiResponse(description="days or version out of range or not an integer.")


def _days(request, default: int) -> int:
    raw = request.query_params.get("days")
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4 and 1 <= int(raw) <= MAX_WINDOW_DAYS):
        raise ApplicationError(f"days must be an integer from 1 to {MAX_WINDOW_DAYS}.")
    return int(raw)


class FlagOutput(serializers.ModelSerializer):
    model_version = serializers.IntegerField(source="model_version.number")

    class Meta:
        model = MonitoringFlag
        fields = ["id", "model_version", "kind", "value", "threshold", "details", "raised_at", "cleared_at",
                  "clear_reason", "training_run"]
        read_only_fields = fields


def _threshold(name: str, **bounds) -> serializers.FloatField:
    return serializers.FloatField(required=False, help_text=MonitoringPolicy._meta.get_field(name).help_text, **bounds)


# The ranges are here so that a refusal names its field (the web app shows it there); monitoring_policy_update
# checks the same ranges for its other callers.
class PolicySerializer(serializers.ModelSerializer):
    window_days = serializers.IntegerField(min_value=1, max_value=MAX_WINDOW_DAYS, required=False)
    min_predictions = serializers.IntegerField(min_value=0, max_value=10**9, required=False)
    min_answers = serializers.IntegerField(min_value=0, max_value=10**9, required=False)
    max_correction_rate = _threshold("max_correction_rate", min_value=0, max_value=1)
    max_disagreement_rate = _threshold("max_disagreement_rate", min_value=0, max_value=1)
    confident_threshold = _threshold("confident_threshold", min_value=0, max_value=1)
    shift_p_value = _threshold("shift_p_value", min_value=0, max_value=1)
    label_shift_min_distance = _threshold("label_shift_min_distance", min_value=0, max_value=1)
    input_psi_threshold = _threshold("input_psi_threshold", min_value=0, max_value=100)

    class Meta:
        model = MonitoringPolicy
        fields = list(POLICY_FIELDS)

    def validate_input_psi_threshold(self, value: float) -> float:
        if value <= 0:
            raise serializers.ValidationError("Must be positive: a PSI of 0 would flag any stream.")
        return value


class MonitoringOutput(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    days = serializers.IntegerField()
    feature = serializers.CharField(help_text="the input feature whose shift is measured")
    confident_threshold = serializers.FloatField()
    versions = serializers.ListField(child=serializers.DictField(), help_text="per model version: window totals with "
                                     "the shift tests, and daily buckets (see docs/monitoring.md)")
    flags = FlagOutput(many=True, help_text="open flags")
    recent_flags = FlagOutput(many=True, help_text="flags open in the window or cleared during it")
    policy = PolicySerializer()


class MonitoringApi(APIView):
    @extend_schema(parameters=[DAYS, VERSION], responses={200: MonitoringOutput, 400: BAD_QUERY})
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_MONITOR)
        policy = monitoring_policy_get(project=project)
        version = request.query_params.get("version")
        if version is not None and not (version.isascii() and version.isdigit() and len(version) <= 9):
            raise ApplicationError("version must be a model version number.")
        data = monitoring_series(project=project, days=_days(request, policy.window_days),
                                 version_numbers=None if version is None else [int(version)])
        return Response(MonitoringOutput({**data, "policy": policy, "flags": monitoring_flags_open(project=project),
                                          "recent_flags": monitoring_flags_recent(project=project,
                                                                                  since=data["since"])}).data)


class MonitoringPolicyApi(APIView):
    @extend_schema(request=PolicySerializer, responses=PolicySerializer)
    def patch(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_MANAGE_PROJECTS)
        data = PolicySerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if not data.validated_data:
            raise ApplicationError(f"Send at least one of: {', '.join(POLICY_FIELDS)}.")
        policy = monitoring_policy_update(project=project, actor=request.user, **data.validated_data)
        return Response(PolicySerializer(policy).data)


class MonitoringCheckOutput(serializers.Serializer):
    raised = FlagOutput(many=True)
    cleared = FlagOutput(many=True)
    training_run = serializers.IntegerField(allow_null=True)


class MonitoringCheckApi(APIView):
    @extend_schema(request=None, responses=MonitoringCheckOutput)
    def post(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_MANAGE_PROJECTS)
        result = monitoring_check(project=project)
        return Response(MonitoringCheckOutput(result).data)


class AnnotatorIndicatorOutput(serializers.Serializer):
    annotator = serializers.CharField()
    answers = serializers.IntegerField()
    accepted = serializers.IntegerField()
    accept_rate = serializers.FloatField(help_text="answers accepting the prediction as is / answers")
    corrected = serializers.IntegerField()
    correction_rate = serializers.FloatField()
    uncertain_answers = serializers.IntegerField(help_text="answers to predictions below 0.5 confidence")
    uncertain_accept_rate = serializers.FloatField(allow_null=True)
    median_seconds = serializers.FloatField(allow_null=True, help_text="median of answer time - prediction time")
    gold_answers = serializers.IntegerField(allow_null=True, help_text="answers to gold items (null in a person's "
                                            "view of their own indicators: it would tell them which items were gold)")
    gold_agreed = serializers.IntegerField(allow_null=True, help_text="of those, answers agreeing with the trusted label")
    gold_agreement = serializers.FloatField(allow_null=True, help_text="gold_agreed / gold_answers")


class AnnotatorsOutput(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    annotators = AnnotatorIndicatorOutput(many=True)


class MonitoringAnnotatorsApi(APIView):
    @extend_schema(parameters=[DAYS], responses={200: AnnotatorsOutput, 400: BAD_QUERY})
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=ALL_ROLES)
        days = _days(request, monitoring_policy_get(project=project).window_days)
        since, until = window_bounds(days=days)
        # Auditors, engineers and admins see everyone; an annotator or reviewer only their own indicators.
        only = None if has_any_role(request.user, CAN_MONITOR) else request.user
        rows = annotator_indicators(project=project, since=since, until=until, annotator=only)
        if only is not None:  # watching a count move after each answer would reveal which items were gold
            rows = [{**row, "gold_answers": None, "gold_agreed": None, "gold_agreement": None} for row in rows]
        return Response(AnnotatorsOutput({"since": since, "until": until, "annotators": rows}).data)
