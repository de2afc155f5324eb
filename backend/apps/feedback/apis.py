"""Feedback endpoints: the review queue and submitting an answer to a prediction."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import CAN_GIVE_FEEDBACK
from apps.core.pagination import paginated_response
from apps.predictions.models import Prediction
from apps.projects.selectors import project_get_for_user

from .models import Verdict
from .selectors import review_queue
from .services import feedback_submit


class QueueEntryOutput(serializers.Serializer):
    prediction_id = serializers.IntegerField(source="id")
    item_id = serializers.IntegerField()
    text = serializers.CharField(source="item.text")
    label = serializers.CharField()
    confidence = serializers.FloatField()
    probabilities = serializers.DictField(child=serializers.FloatField())
    model_version = serializers.IntegerField(source="model_version.number")
    created_at = serializers.DateTimeField()


class FeedbackOutput(serializers.Serializer):
    id = serializers.IntegerField()
    prediction_id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    verdict = serializers.CharField()
    label = serializers.CharField(allow_null=True)
    resolved_label = serializers.CharField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReviewQueueApi(APIView):
    @extend_schema(responses=QueueEntryOutput(many=True))
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_GIVE_FEEDBACK)
        return paginated_response(request=request, view=self, queryset=review_queue(project=project),
                                  serializer_class=QueueEntryOutput)


class FeedbackSubmitApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "FeedbackSubmitInput"

        verdict = serializers.ChoiceField(choices=Verdict.choices)
        label = serializers.CharField(required=False, max_length=64)
        comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)

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
