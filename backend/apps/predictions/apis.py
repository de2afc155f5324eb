"""Predict endpoints. Text: one or many texts or items (a bare {"text": ...} works too). Images: item ids or
uploaded `files`; more than PREDICT_SYNC_MAX_IMAGES go to a Celery batch (202) to poll."""
from django.conf import settings
from django.http import JsonResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import ALL_ROLES, CAN_PREDICT
from apps.core.exceptions import ApplicationError, Conflict
from apps.core.limits import ID_MAX
from apps.core.strings import FormParser, JSONParser, MultiPartParser
from apps.items.image_import import images_import
from apps.projects.models import Task
from apps.projects.oversight import project_ensure_running
from apps.projects.selectors import project_get_for_user
from apps.training.selectors import champion_get

from .detection import detection_items_resolve, detection_predict, prediction_batch_start
from .models import PredictionBatch, QueueScoring, ScoringStatus, ScoringTrigger
from .selectors import queue_scoring_latest
from .services import predictions_create


class PredictionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    label = serializers.CharField()
    confidence = serializers.FloatField()
    probabilities = serializers.DictField(child=serializers.FloatField())


class BoxPredictionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    item_id = serializers.IntegerField()
    confidence = serializers.FloatField()
    boxes = serializers.ListField(child=serializers.DictField())


class BatchOutput(serializers.ModelSerializer):
    total = serializers.SerializerMethodField()

    class Meta:
        model = PredictionBatch
        fields = ["id", "status", "done", "total", "error", "created_at", "finished_at"]

    def get_total(self, batch) -> int:
        return len(batch.item_ids)


# What predictions_create and detection_items_resolve accept, written out: drf-spectacular cannot say "exactly one
# of text or item_id" from a serializer. (A bare {"text": ...} is accepted too, as one input.)
_TEXT_INPUT = {"type": "object", "additionalProperties": False, "required": ["text"], "properties": {
    "text": {"type": "string", "minLength": 1, "maxLength": settings.TEXT_MAX_CHARS,
             "description": "text projects: a new text (it becomes an item)"}}}
_ITEM_INPUT = {"type": "object", "additionalProperties": False, "required": ["item_id"], "properties": {
    "item_id": {"type": "integer", "minimum": 1, "maximum": ID_MAX, "description": "an item of this project"}}}
PREDICT_INPUT_SCHEMA = {"type": "object", "required": ["inputs"], "properties": {"inputs": {
    "type": "array", "minItems": 1, "maxItems": settings.PREDICT_MAX_INPUTS,
    "items": {"oneOf": [_TEXT_INPUT, _ITEM_INPUT]}}}}
PREDICT_UPLOAD_SCHEMA = {"type": "object", "required": ["files"], "properties": {"files": {
    "type": "array", "items": {"type": "string", "format": "binary"},
    "description": "detection projects: images to store as pool items and predict"}}}


class PredictApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={"application/json": PREDICT_INPUT_SCHEMA, "multipart/form-data": PREDICT_UPLOAD_SCHEMA},
        responses={200: inline_serializer("PredictOutput", {"model_version": serializers.IntegerField(),
                                                             "predictions": PredictionOutput(many=True)}),
                   202: inline_serializer("PredictBatchAccepted", {"batch": BatchOutput()}),
                   503: OpenApiResponse(description="The project is stopped (POST /projects/{slug}/start/ resumes "
                                                    "it), or a service it needs is down.")},
    )
    def post(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_PREDICT)
        project_ensure_running(project)
        if project.task == Task.OBJECT_DETECTION:
            return self._detect(request, project)
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

    def _detect(self, request, project) -> Response:
        champion = champion_get(project=project)
        if champion is None:  # before storing uploads that could not be predicted
            raise Conflict(f"Project {project.slug!r} has no champion model yet: train and promote one first.")
        files = [(f.name, f.read()) for f in request.FILES.getlist("files")]
        if files:  # new images become pool items first (validated and deduplicated like an upload)
            ids = images_import(project=project, files=files, actor=request.user, source="predict")["items"]
        else:
            inputs = request.data.get("inputs") if isinstance(request.data, dict) else None
            if not isinstance(inputs, list) or not all(isinstance(i, dict) and set(i) == {"item_id"} for i in inputs):
                raise ApplicationError('Send {"inputs": [{"item_id": ...}, ...]} or upload images as "files".')
            ids = [i["item_id"] for i in inputs]
        items = detection_items_resolve(project=project, item_ids=ids)
        if len(items) > settings.PREDICT_SYNC_MAX_IMAGES:
            return Response({"batch": BatchOutput(prediction_batch_start(project=project, items=items,
                                                                         actor=request.user)).data}, status=202)
        model_version, predictions = detection_predict(project=project, items=items, actor=request.user,
                                                       champion=champion)
        return Response({"model_version": model_version.number,
                         "predictions": BoxPredictionOutput(predictions, many=True).data})


class PredictionBatchApi(APIView):
    @extend_schema(responses=inline_serializer("PredictionBatchDetail", {
        "batch": BatchOutput(), "model_versions": serializers.ListField(child=serializers.IntegerField()),
        "predictions": BoxPredictionOutput(many=True)}))
    def get(self, request, batch_id):
        batch = PredictionBatch.objects.select_related("project").filter(pk=batch_id).first()
        if batch is None:
            raise NotFound("No such prediction batch.")
        project_get_for_user(slug=batch.project.slug, user=request.user, roles=ALL_ROLES)
        predictions = batch.predictions.select_related("model_version").order_by("id")
        return Response({"batch": BatchOutput(batch).data,
                         "model_versions": sorted({p.model_version.number for p in predictions}),
                         "predictions": BoxPredictionOutput(predictions, many=True).data})




class QueueScoringOutput(serializers.ModelSerializer):
    model_version = serializers.IntegerField(source="model_version.number")

    class Meta:
        model = QueueScoring
        fields = ["id", "status", "done", "total", "model_version", "trigger", "error", "created_at", "finished_at"]


# The body is a job or JSON null; drf-spectacular cannot mark a response serializer nullable, so the schema is
# written out (it mirrors QueueScoringOutput).
_STAMP = {"type": "string", "format": "date-time"}
QUEUE_SCORING_SCHEMA = {
    "type": "object", "nullable": True,
    "required": ["id", "status", "done", "total", "model_version", "trigger", "error", "created_at", "finished_at"],
    "properties": {
        "id": {"type": "integer"}, "done": {"type": "integer"}, "total": {"type": "integer"},
        "status": {"type": "string", "enum": ScoringStatus.values},
        "model_version": {"type": "integer", "description": "number of the champion that scores"},
        "trigger": {"type": "string", "enum": ScoringTrigger.values}, "error": {"type": "string"},
        "created_at": _STAMP, "finished_at": {**_STAMP, "nullable": True}}}


class QueueScoringApi(APIView):
    """The latest scoring of the project's review queue by its champion (null before the first one)."""

    @extend_schema(responses={200: QUEUE_SCORING_SCHEMA})
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=ALL_ROLES)
        job = queue_scoring_latest(project=project)
        if job is None:  # DRF renders None as an empty body; the contract is a JSON null
            return JsonResponse(None, safe=False)
        return Response(QueueScoringOutput(job).data)
