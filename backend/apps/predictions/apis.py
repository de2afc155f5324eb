"""POST /projects/{slug}/predict/: one or many texts or items; a bare {"text": ...} works too."""
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import CAN_PREDICT
from apps.core.exceptions import ApplicationError
from apps.projects.selectors import project_get_for_user

from .services import predictions_create


class PredictionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    label = serializers.CharField()
    confidence = serializers.FloatField()
    probabilities = serializers.DictField(child=serializers.FloatField())


class PredictApi(APIView):
    @extend_schema(
        request=inline_serializer("PredictInput", {"inputs": serializers.ListField(child=serializers.DictField())}),
        responses=inline_serializer("PredictOutput", {"model_version": serializers.IntegerField(),
                                                       "predictions": PredictionOutput(many=True)}),
    )
    def post(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_PREDICT)
        body = request.data if isinstance(request.data, dict) else {}
        if "inputs" in body:
            inputs = body["inputs"]
        elif "text" in body or "item_id" in body:
            inputs = [{k: body[k] for k in ("text", "item_id") if k in body}]
        else:
            raise ApplicationError('Send {"inputs": [{"text": ...} | {"item_id": ...}, ...]} or {"text": ...}.')
        model_version, predictions = predictions_create(project=project, inputs=inputs, actor=request.user)
        return Response({"model_version": model_version.number,
                         "predictions": PredictionOutput(predictions, many=True).data})
