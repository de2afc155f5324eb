"""Training endpoints: start and read runs, list versions, promote, roll back, learning curve, model cards."""
import json

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import ALL_ROLES, CAN_MANAGE_PROJECTS, CAN_PROMOTE, CAN_READ_AUDIT, CAN_TRAIN
from apps.core.exceptions import ApplicationError
from apps.core.limits import REASON_MAX
from apps.core.pagination import paginated_response
from apps.core.schema import paginated_schema
from apps.projects.selectors import project_get_for_user

from .envelope import change_envelope_get, change_envelope_set, envelope_as_dict
from .model_card_render import model_card_document, model_card_html, model_card_markdown
from .models import ModelVersion, TrainingRun, Trigger
from .overrides import training_overrides_validate
from .promotion import model_version_promote, model_version_reject, model_version_rollback, version_outside_envelope
from .selectors import learning_curve, model_version_list, training_run_list
from .services import training_run_start


class TrainingRunOutput(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    model_version = serializers.SerializerMethodField()

    class Meta:
        model = TrainingRun
        fields = ["id", "project", "trigger", "status", "progress", "params", "overrides", "kfold", "mlflow_run_id", "error",
                  "dataset_version", "model_version", "created_at", "started_at", "finished_at"]

    def get_model_version(self, run) -> dict | None:
        """{id, number, status, outside_envelope: what the gate found outside the project's envelope of
        pre-determined changes (AI Act Annex IV 2(f)); [] inside or when none is declared}."""
        version = getattr(run, "model_version", None)
        if version is None:
            return None
        return {"id": version.pk, "number": version.number, "status": version.status,
                "outside_envelope": version_outside_envelope(version)}


class ModelVersionOutput(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True,
                                               help_text="who approved the promotion; null if nobody had to")
    mlflow_run_url = serializers.SerializerMethodField(help_text="the run in the MLflow UI (MLFLOW_UI_URL), or null")

    def get_mlflow_run_url(self, version) -> str | None:
        if not settings.MLFLOW_UI_URL or not version.mlflow_run_id:
            return None
        return f"{settings.MLFLOW_UI_URL}/#/runs/{version.mlflow_run_id}"

    class Meta:
        model = ModelVersion
        fields = ["id", "project", "number", "status", "metrics", "gate", "mlflow_run_id", "mlflow_run_url",
                  "registered_model_name", "registered_version", "training_run", "approved_by", "promotion_reason",
                  "promoted_at", "rolled_back_at", "model_card", "artifact_sha256", "created_at"]


class TrainingRunParamsInput(serializers.Serializer):
    """For the schema; apps.training.overrides validates (text: k_folds, C, max_iter; detection: epochs, k_folds,
    batch_size, img_size, patience)."""

    k_folds = serializers.IntegerField(required=False, min_value=2, max_value=20)
    C = serializers.FloatField(required=False, min_value=0, max_value=1e6, help_text="text only; > 0")
    max_iter = serializers.IntegerField(required=False, min_value=10, max_value=100_000, help_text="text only")
    epochs = serializers.IntegerField(required=False, min_value=1, max_value=500, help_text="detection only")
    batch_size = serializers.IntegerField(required=False, min_value=1, max_value=256, help_text="detection only")
    img_size = serializers.IntegerField(required=False, min_value=32, max_value=1280,
                                        help_text="detection only; a multiple of 32")
    patience = serializers.IntegerField(required=False, min_value=1, max_value=500, help_text="detection only")


class TrainingRunStartInput(serializers.Serializer):
    params = TrainingRunParamsInput(required=False)


class TrainingRunListStartApi(APIView):
    @paginated_schema(TrainingRunOutput)
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=ALL_ROLES)
        return paginated_response(request=request, view=self, queryset=training_run_list(project=project),
                                  serializer_class=TrainingRunOutput)

    @extend_schema(request=TrainingRunStartInput, responses={202: TrainingRunOutput, 409: OpenApiResponse(
        description="A run is already active, or the project is stopped (POST /projects/{slug}/start/).")})
    def post(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_TRAIN)
        overrides = training_overrides_validate(task=project.task, body=request.data)
        run = training_run_start(project=project, trigger=Trigger.MANUAL, actor=request.user, overrides=overrides)
        return Response(TrainingRunOutput(run).data, status=202)


class TrainingRunDetailApi(APIView):
    @extend_schema(responses=TrainingRunOutput)
    def get(self, request, run_id):
        run = TrainingRun.objects.select_related("project").filter(pk=run_id).first()
        if run is None:
            raise NotFound("No such training run.")
        project_get_for_user(slug=run.project.slug, user=request.user, roles=ALL_ROLES)
        return Response(TrainingRunOutput(run).data)


class ModelVersionListApi(APIView):
    @paginated_schema(ModelVersionOutput)
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=ALL_ROLES)
        return paginated_response(request=request, view=self, queryset=model_version_list(project=project),
                                  serializer_class=ModelVersionOutput)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX, default="")


def _version_for_promoter(request, version_id) -> ModelVersion:
    version = ModelVersion.objects.select_related("project").filter(pk=version_id).first()
    if version is None:
        raise NotFound("No such model version.")
    project_get_for_user(slug=version.project.slug, user=request.user, roles=CAN_PROMOTE)
    return version


class ModelVersionPromoteApi(APIView):
    @extend_schema(request=ReasonInput, responses=ModelVersionOutput)
    def post(self, request, version_id):
        version = _version_for_promoter(request, version_id)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = model_version_promote(model_version=version, actor=request.user, reason=data.validated_data["reason"])
        return Response(ModelVersionOutput(version).data)


class ModelVersionRejectApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RejectInput"

        reason = serializers.CharField(max_length=REASON_MAX)

    @extend_schema(request=InputSerializer, responses=ModelVersionOutput)
    def post(self, request, version_id):
        version = _version_for_promoter(request, version_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = model_version_reject(model_version=version, actor=request.user, reason=data.validated_data["reason"])
        return Response(ModelVersionOutput(version).data)


class RollbackApi(APIView):
    @extend_schema(request=ReasonInput, responses=ModelVersionOutput)
    def post(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_PROMOTE)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        version = model_version_rollback(project=project, actor=request.user, reason=data.validated_data["reason"])
        return Response(ModelVersionOutput(version).data)


class LearningCurvePoint(serializers.Serializer):
    version_id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    human_answers = serializers.IntegerField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()


class LearningCurveOutput(serializers.Serializer):
    metric = serializers.CharField()
    points = LearningCurvePoint(many=True)


class LearningCurveApi(APIView):
    @extend_schema(responses=LearningCurveOutput)
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=ALL_ROLES)
        return Response(LearningCurveOutput(learning_curve(project=project)).data)


class ModelCardApi(APIView):
    """The version's model card as a download: readable Markdown (default), printable self-contained HTML, or JSON."""

    FORMATS = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8", "json": "application/json"}

    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["md", "html", "json"])],
                   responses={(200, "text/markdown"): OpenApiResponse(bytes), (200, "text/html"): OpenApiResponse(bytes),
                              (200, "application/json"): dict,
                              400: OpenApiResponse(description="A format other than md, html or json.")})
    def get(self, request, version_id):
        version = (ModelVersion.objects.select_related("project", "approved_by", "training_run__dataset_version")
                   .filter(pk=version_id).first())
        if version is None:
            raise NotFound("No such model version.")
        project_get_for_user(slug=version.project.slug, user=request.user, roles=ALL_ROLES)
        fmt = request.query_params.get("format", "md")
        if fmt not in self.FORMATS:
            raise ApplicationError("format must be md, html or json.")
        if fmt == "json":
            body = json.dumps(model_card_document(model_version=version), indent=2)
        else:
            body = (model_card_html if fmt == "html" else model_card_markdown)(model_version=version)
        response = HttpResponse(body, content_type=self.FORMATS[fmt])
        response["Content-Disposition"] = content_disposition_header(
            True, f"{version.project.slug}-v{version.number}-model-card.{fmt}")
        if fmt == "html":  # opened in a browser, the document may run nothing and fetch nothing
            response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return response


class ChangeEnvelopeOutput(serializers.Serializer):
    task = serializers.CharField()
    labels = serializers.ListField(child=serializers.CharField())
    model_family = serializers.CharField()
    param_ranges = serializers.DictField(child=serializers.DictField(child=serializers.FloatField()))
    updated_at = serializers.CharField()
    updated_by = serializers.CharField(allow_null=True)


class ChangeEnvelopeBody(serializers.Serializer):
    envelope = ChangeEnvelopeOutput(allow_null=True, help_text="null: the project declares no envelope")


class StrictText(serializers.CharField):
    """A string, never a number made into one (the schema says string)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ChangeEnvelopeApi(APIView):
    """{"envelope": the project's envelope of pre-determined changes (AI Act Annex IV 2(f)), or null}.
    Read: ml_engineers, admins and auditors of the project; set: ml_engineers and admins (audited)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ChangeEnvelopeInput"

        labels = serializers.ListField(child=StrictText(max_length=64), required=False, min_length=1, max_length=1000,
                                       help_text="default: the project's labels now")
        model_family = StrictText(required=False, max_length=64, min_length=1,
                                             help_text="default: the family params.yaml trains now")
        param_ranges = serializers.JSONField(required=False, default=dict,
                                             help_text='{"C": {"min": 0.5, "max": 8}, "img_size": {"max": 640}}')

    @extend_schema(responses=ChangeEnvelopeBody)
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_MANAGE_PROJECTS | CAN_READ_AUDIT)
        return Response({"envelope": envelope_as_dict(change_envelope_get(project=project))})

    @extend_schema(request=InputSerializer, responses=ChangeEnvelopeBody)
    def put(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_MANAGE_PROJECTS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        envelope = change_envelope_set(project=project, actor=request.user, labels=data.validated_data.get("labels"),
                                       model_family=data.validated_data.get("model_family"),
                                       param_ranges=data.validated_data["param_ranges"])
        return Response({"envelope": envelope_as_dict(envelope)})
