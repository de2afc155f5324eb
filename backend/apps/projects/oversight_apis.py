"""POST /projects/{slug}/stop/ and /start/: the stop button of human oversight (apps.projects.oversight)."""
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import CAN_TRAIN
from apps.core.limits import NOTE_MAX

from .oversight import project_start, project_stop
from .selectors import project_get_for_user


class OversightReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_MAX, help_text="why: recorded in the audit log")


class StopStateOutput(serializers.Serializer):
    slug = serializers.CharField()
    stopped = serializers.BooleanField()
    stopped_at = serializers.DateTimeField(allow_null=True)
    stopped_role = serializers.CharField(help_text="role of who stopped it; empty while running")
    stop_reason = serializers.CharField()


def _state(project) -> dict:
    return {"slug": project.slug, "stopped": project.stopped_at is not None, "stopped_at": project.stopped_at,
            "stopped_role": project.stopped_role, "stop_reason": project.stop_reason}


class ProjectStopApi(APIView):
    @extend_schema(request=OversightReasonInput, responses={200: StopStateOutput, 409: OpenApiResponse(
        description="Already stopped.")}, summary="Stop the project's model: predictions, scoring and training "
                                                  "are refused (503) until it is started again")
    def post(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_TRAIN)
        data = OversightReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_stop(project=project, actor=request.user, reason=data.validated_data["reason"])
        return Response(StopStateOutput(_state(project)).data)


class ProjectStartApi(APIView):
    @extend_schema(request=OversightReasonInput, responses={200: StopStateOutput, 409: OpenApiResponse(
        description="Not stopped.")}, summary="Start a stopped project's model again")
    def post(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_TRAIN)
        data = OversightReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_start(project=project, actor=request.user, reason=data.validated_data["reason"])
        return Response(StopStateOutput(_state(project)).data)
