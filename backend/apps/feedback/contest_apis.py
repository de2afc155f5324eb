"""Contests (GDPR Art. 21, 22(3)): POST /predictions/{id}/contest/, GET /projects/{slug}/contests/,
POST /contests/{id}/decide/ (apps.feedback.contests)."""
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import CAN_PREDICT, CAN_READ_AUDIT, CAN_REVIEW, Role
from apps.core.exceptions import ApplicationError, NotFound
from apps.core.limits import NOTE_MAX
from apps.predictions.models import Prediction
from apps.projects.selectors import project_get_for_user

from .contests import contest_decide, contest_open, contests_of
from .models import Contest, ContestStatus

CAN_CONTEST = CAN_PREDICT | {Role.PRIVACY_OFFICER}


class ContestOutput(serializers.Serializer):
    id = serializers.IntegerField()
    prediction_id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    predicted_label = serializers.CharField(source="prediction.label")
    predicted_boxes = serializers.ListField(source="prediction.boxes", child=serializers.DictField(), allow_null=True,
                                            help_text="detection: the model's boxes, with confidences")
    item_width = serializers.IntegerField(source="item.width", allow_null=True)
    item_height = serializers.IntegerField(source="item.height", allow_null=True)
    model_version = serializers.IntegerField(source="prediction.model_version.number")
    reason = serializers.CharField()
    status = serializers.ChoiceField(choices=ContestStatus.choices)
    decision_id = serializers.IntegerField(allow_null=True)
    decision_note = serializers.CharField()
    decided_label = serializers.CharField(source="decision.resolved_label", allow_null=True,
                                          help_text="text: the decided label (null while open)")
    decided_boxes = serializers.ListField(source="decision.resolved_boxes", child=serializers.DictField(),
                                          allow_null=True, help_text="detection: the decided boxes (null while open)")
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class ContestInput(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_MAX, help_text="the objection, as given on the subject's behalf")


class DecideInput(serializers.Serializer):
    label = serializers.CharField(max_length=64, required=False, help_text="text: the decided label")
    boxes = serializers.ListField(child=serializers.DictField(), required=False, allow_null=True,
                                  help_text="detection: the decided boxes (omit to accept the model's)")
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True)


class ContestOpenApi(APIView):
    @extend_schema(request=ContestInput, responses={201: ContestOutput, 409: OpenApiResponse(
                       description="Already contested and open, or the item was erased.")},
                   summary="Contest a prediction: a human decides instead (top of the review queue)")
    def post(self, request, prediction_id):
        prediction = (Prediction.objects.select_related("project", "item", "model_version")
                      .filter(pk=prediction_id).first())
        if prediction is None:
            raise NotFound("No such prediction.")
        project_get_for_user(slug=prediction.project.slug, user=request.user, roles=CAN_CONTEST)
        data = ContestInput(data=request.data)
        data.is_valid(raise_exception=True)
        contest = contest_open(prediction=prediction, actor=request.user, reason=data.validated_data["reason"])
        return Response(ContestOutput(contest).data, status=201)


class ContestListApi(APIView):
    @extend_schema(parameters=[OpenApiParameter("status", str, enum=["open", "decided", "all"])],
                   responses={200: ContestOutput(many=True), 400: OpenApiResponse(description="A bad status.")})
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_REVIEW | CAN_READ_AUDIT | CAN_CONTEST)
        status = request.query_params.get("status", "open")
        if status not in ("open", "decided", "all"):
            raise ApplicationError("status must be open, decided or all.")
        contests = contests_of(project=project, status=None if status == "all" else status)
        return Response(ContestOutput(contests[:1000], many=True).data)


class ContestDecideApi(APIView):
    @extend_schema(request=DecideInput, responses={200: ContestOutput, 409: OpenApiResponse(
        description="Already decided.")}, summary="A reviewer's decision on a contest")
    def post(self, request, contest_id):
        contest = Contest.objects.select_related("project").filter(pk=contest_id).first()
        if contest is None:
            raise NotFound("No such contest.")
        project_get_for_user(slug=contest.project.slug, user=request.user, roles=CAN_REVIEW)
        data = DecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        contest = contest_decide(contest=contest, actor=request.user, **data.validated_data)
        return Response(ContestOutput(contest).data)
