"""Feedback endpoints: the review queue (and its cold-start order, whose texts take a first label), submitting an
answer to a prediction."""
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import CAN_GIVE_FEEDBACK, CAN_READ_AUDIT, CAN_REVIEW, has_any_role
from apps.audit.services import personal_data_read_record
from apps.core.exceptions import ApplicationError
from apps.core.limits import LABEL_MAX, NOTE_MAX
from apps.core.pagination import paginated_response
from apps.core.schema import paginated_schema
from apps.predictions.models import Prediction
from apps.projects.models import QueueStrategy
from apps.projects.selectors import project_get_for_user

from .first_labels import item_label_first
from .models import Feedback, FeedbackStatus, Verdict
from .queue import annotator_queue
from .selectors import cold_start_items, review_list
from .services import feedback_review, feedback_submit
from .strategies import strategy_applied


class QueueEntryOutput(serializers.Serializer):
    prediction_id = serializers.IntegerField(source="id")
    item_id = serializers.IntegerField()
    text = serializers.CharField(source="item.text")
    label = serializers.CharField()
    confidence = serializers.FloatField()
    probabilities = serializers.DictField(child=serializers.FloatField())
    boxes = serializers.ListField(child=serializers.DictField(), allow_null=True)
    model_version = serializers.IntegerField(source="model_version.number")
    scored_by_champion = serializers.BooleanField()
    contested = serializers.BooleanField(help_text="someone contested this prediction: a human decision is owed")
    item_width = serializers.IntegerField(source="item.width", allow_null=True)
    item_height = serializers.IntegerField(source="item.height", allow_null=True)
    created_at = serializers.DateTimeField()


class FeedbackOutput(serializers.Serializer):
    id = serializers.IntegerField()
    prediction_id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    verdict = serializers.CharField()
    label = serializers.CharField(allow_null=True)
    resolved_label = serializers.CharField()
    boxes = serializers.ListField(child=serializers.DictField(), allow_null=True)
    resolved_boxes = serializers.ListField(child=serializers.DictField(), allow_null=True)
    flags = serializers.ListField(child=serializers.DictField())
    status = serializers.CharField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


STRATEGY_FIELDS = {
    "strategy": serializers.ChoiceField(choices=QueueStrategy.choices,
                                        help_text="the queue strategy that ordered this page (after contested entries)"),
    "strategy_note": serializers.CharField(help_text="why `strategy` is not the project's queue_strategy; "
                                                     "empty when it is"),
}


class ReviewQueueApi(APIView):
    @paginated_schema(QueueEntryOutput, page_fields=STRATEGY_FIELDS)
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_GIVE_FEEDBACK)
        queue = annotator_queue(project=project, user=request.user,
                                reopen_contested=has_any_role(request.user, CAN_REVIEW))
        response = paginated_response(request=request, view=self, queryset=queue,
                                      serializer_class=QueueEntryOutput)
        applied = strategy_applied(project=project)
        response.data.update(strategy=applied.strategy, strategy_note=applied.note)
        personal_data_read_record(actor=request.user, project=project, via="feedback.queue",
                                  item_ids=[row["item_id"] for row in response.data["results"]])
        return response


class ColdStartEntryOutput(serializers.Serializer):
    item_id = serializers.IntegerField(source="id")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()


class ColdStartQueueApi(APIView):
    """Pool texts no model has scored yet, cluster representatives first: what to label before the first model."""

    @paginated_schema(ColdStartEntryOutput)
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_GIVE_FEEDBACK)
        response = paginated_response(request=request, view=self, queryset=cold_start_items(project=project),
                                      serializer_class=ColdStartEntryOutput)
        personal_data_read_record(actor=request.user, project=project, via="feedback.cold_start",
                                  item_ids=[row["item_id"] for row in response.data["results"]])
        return response


class FirstLabelOutput(serializers.Serializer):
    item_id = serializers.IntegerField(source="id")
    label = serializers.CharField()
    labelled_at = serializers.DateTimeField()


class FirstLabelApi(APIView):
    """A first label for a pool text no model has scored (apps.feedback.first_labels): the cold start's answer."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FirstLabelInput"

        label = serializers.CharField(max_length=LABEL_MAX)

    @extend_schema(request=InputSerializer, responses={201: FirstLabelOutput, 404: OpenApiResponse(
        description="No such item in the project (or it was erased)."), 409: OpenApiResponse(
        description="The item has a model's prediction (answer it in the review queue), already has a label, "
                    "or its processing is restricted.")},
        summary="Label a pool text that no model has scored yet (first labels, before the first model); audited")
    def post(self, request, slug, item_id):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_GIVE_FEEDBACK)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_label_first(project=project, item_id=item_id, actor=request.user, **data.validated_data)
        return Response(FirstLabelOutput(item).data, status=201)


class FeedbackSubmitApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FeedbackSubmitInput"

        verdict = serializers.ChoiceField(choices=Verdict.choices)
        label = serializers.CharField(required=False, max_length=LABEL_MAX)
        boxes = serializers.ListField(child=serializers.JSONField(), required=False, allow_null=True, max_length=1000)
        comment = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX)

    @extend_schema(request=InputSerializer, responses={201: FeedbackOutput})
    def post(self, request, prediction_id):
        prediction = Prediction.objects.select_related("project", "model_version").filter(pk=prediction_id).first()
        if prediction is None:
            raise NotFound("No such prediction.")
        project_get_for_user(slug=prediction.project.slug, user=request.user, roles=CAN_GIVE_FEEDBACK)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = feedback_submit(prediction=prediction, annotator=request.user, **data.validated_data)
        return Response(FeedbackOutput(feedback).data, status=201)


class ReviewEntryOutput(FeedbackOutput):
    annotator = serializers.CharField(source="annotator.username", allow_null=True, default=None)
    item_width = serializers.IntegerField(source="item.width", allow_null=True)
    item_height = serializers.IntegerField(source="item.height", allow_null=True)
    predicted_boxes = serializers.ListField(source="prediction.boxes", child=serializers.DictField(), allow_null=True)
    predicted_label = serializers.CharField(source="prediction.label")
    review = serializers.SerializerMethodField()

    def get_review(self, feedback) -> dict | None:
        review = getattr(feedback, "review", None)
        if review is None:
            return None
        return {"label": review.label, "boxes": review.boxes, "notes": review.notes,
                "reviewer": review.reviewer.username if review.reviewer else None, "created_at": review.created_at}


class ReviewListApi(APIView):
    @paginated_schema(ReviewEntryOutput, parameters=[OpenApiParameter(
        "status", str, enum=["pending", "reviewed", "all"], default="pending")], errors={400: "Unknown status."})
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_REVIEW | CAN_READ_AUDIT)
        wanted = request.query_params.get("status", "pending")
        statuses = {"pending": FeedbackStatus.PENDING_REVIEW, "reviewed": FeedbackStatus.REVIEWED, "all": None}
        if wanted not in statuses:
            raise ApplicationError("status must be pending, reviewed or all.")
        return paginated_response(request=request, view=self, queryset=review_list(project=project, status=statuses[wanted]),
                                  serializer_class=ReviewEntryOutput)


class FeedbackReviewApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FeedbackReviewInput"

        label = serializers.CharField(required=False, max_length=LABEL_MAX)
        boxes = serializers.ListField(child=serializers.JSONField(), required=False, allow_null=True, max_length=1000)
        notes = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX, default="")

    @extend_schema(request=InputSerializer, responses={201: ReviewEntryOutput})
    def post(self, request, feedback_id):
        feedback = Feedback.objects.select_related("project").filter(pk=feedback_id).first()
        if feedback is None:
            raise NotFound("No such feedback.")
        project_get_for_user(slug=feedback.project.slug, user=request.user, roles=CAN_REVIEW)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback_review(feedback=feedback, reviewer=request.user, **data.validated_data)
        feedback.refresh_from_db()
        return Response(ReviewEntryOutput(feedback).data, status=201)
