"""Project endpoints: list/create, read/update, members."""
from django.contrib.auth.models import User
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import ALL_ROLES, CAN_MANAGE_PROJECTS, CAN_READ_AUDIT
from apps.core.exceptions import ApplicationError
from apps.core.limits import (
    INT_MAX,
    LABEL_MAX,
    LABELS_MAX,
    LAWFUL_BASIS_MAX,
    NAME_MAX,
    PURPOSE_MAX,
    RETENTION_DAYS_MAX,
    USERNAME_MAX,
)

from .models import RECORD_TEXT_MAX, Project, QueueStrategy, Task, TextModel
from .records import processing_record, processing_records, processing_records_markdown
from .selectors import (
    is_global_admin,
    project_get_for_user,
    project_list_for_user,
    project_member_usernames,
    project_overviews,
    require_role,
)
from .services import RECORD_FIELDS, project_create, project_member_add, project_member_remove, project_update


class ChampionSummary(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    metric = serializers.CharField(help_text="the project's promotion_metric")
    value = serializers.FloatField(allow_null=True, help_text="the champion's holdout value of that metric")


class ProjectOutput(serializers.ModelSerializer):
    """A project with its overview (project_overviews): pass `overviews` in the context."""

    labels = serializers.ListField(child=serializers.CharField(), read_only=True,
                                   help_text="ordered; a label's position is its class index")
    champion = serializers.SerializerMethodField()
    queue_count = serializers.SerializerMethodField(help_text="entries in the annotators' review queue")
    pending_reviews = serializers.SerializerMethodField(help_text="flagged feedback waiting for a second review")

    class Meta:
        model = Project
        fields = ["id", "slug", "name", "task", "labels", "retrain_min_feedback", "feedback_weight",
                  "promotion_metric", "min_improvement", "require_approval", "text_model", "review_iou_threshold",
                  "confident_removal_threshold", "gold_rate", "queue_strategy", "max_unreviewed_accept_share",
                  "retention_days",
                  "log_retention_days", "purpose",
                  "lawful_basis", *RECORD_FIELDS, "created_at", "stopped_at", "stopped_role", "stop_reason",
                  "champion", "queue_count", "pending_reviews"]
        read_only_fields = fields  # output only: every field is always present (and so required in the schema)

    @extend_schema_field(ChampionSummary(allow_null=True))
    def get_champion(self, project) -> dict | None:
        return self.context["overviews"][project.pk].champion

    def get_queue_count(self, project) -> int:
        return self.context["overviews"][project.pk].queue_count

    def get_pending_reviews(self, project) -> int:
        return self.context["overviews"][project.pk].pending_reviews


def _projects_data(projects) -> list:
    projects = list(projects)
    return ProjectOutput(projects, many=True, context={"overviews": project_overviews(projects=projects)}).data


def _project_data(project: Project) -> dict:
    return _projects_data([project])[0]


class PolicyFields(serializers.Serializer):
    retrain_min_feedback = serializers.IntegerField(min_value=0, max_value=INT_MAX, required=False)
    feedback_weight = serializers.FloatField(min_value=0.01, max_value=100, required=False)
    promotion_metric = serializers.ChoiceField(choices=["accuracy", "f1_macro", "map50", "map50_95"], required=False)
    review_iou_threshold = serializers.FloatField(min_value=0.01, max_value=1, required=False)
    confident_removal_threshold = serializers.FloatField(min_value=0.01, max_value=1, required=False)
    min_improvement = serializers.FloatField(min_value=-1, max_value=1, required=False)
    gold_rate = serializers.FloatField(min_value=0, max_value=0.5, required=False,
                                       help_text="share of each annotator's queue that is gold items")
    queue_strategy = serializers.ChoiceField(
        choices=QueueStrategy.choices, required=False,
        help_text="the review queue's order: least_confident (default), margin, entropy, diverse or random")
    max_unreviewed_accept_share = serializers.FloatField(
        min_value=0, max_value=1, required=False, allow_null=True,
        help_text="cap on the share of training labels that are unreviewed accepts; null = no cap")
    require_approval = serializers.BooleanField(required=False)
    text_model = serializers.ChoiceField(
        choices=TextModel.choices, required=False,
        help_text="text projects: the model family retraining builds; outside a declared envelope its candidates "
                  "wait for an admin's approval")
    retention_days = serializers.IntegerField(min_value=1, max_value=RETENTION_DAYS_MAX, required=False, allow_null=True)
    log_retention_days = serializers.IntegerField(
        min_value=1, max_value=RETENTION_DAYS_MAX, required=False, allow_null=True,
        help_text="days prediction logs are kept; at least LOG_RETENTION_FLOOR_DAYS (183 by default); null: for good")
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=PURPOSE_MAX)
    lawful_basis = serializers.CharField(required=False, allow_blank=True, max_length=LAWFUL_BASIS_MAX)
    # GDPR Art. 30 texts: admins only (the other policies: ml_engineers too).
    controller = serializers.CharField(required=False, allow_blank=True, max_length=RECORD_TEXT_MAX)
    data_categories = serializers.CharField(required=False, allow_blank=True, max_length=RECORD_TEXT_MAX)
    data_subject_categories = serializers.CharField(required=False, allow_blank=True, max_length=RECORD_TEXT_MAX)
    recipients = serializers.CharField(required=False, allow_blank=True, max_length=RECORD_TEXT_MAX)
    international_transfers = serializers.CharField(required=False, allow_blank=True, max_length=RECORD_TEXT_MAX)
    security_measures = serializers.CharField(required=False, allow_blank=True, max_length=RECORD_TEXT_MAX,
                                              help_text="blank: the platform's description of what it does")


def _record_fields_need_admin(user, data: dict) -> None:
    given = sorted(set(data) & set(RECORD_FIELDS))
    if given and not is_global_admin(user):
        raise PermissionDenied(f"Only admins edit the record of processing: {', '.join(given)}.")


class ProjectListCreateApi(APIView):
    class InputSerializer(PolicyFields):
        class Meta:
            ref_name = "ProjectListCreateInput"

        slug = serializers.SlugField(max_length=64)
        name = serializers.CharField(max_length=NAME_MAX)
        task = serializers.ChoiceField(choices=Task.choices)
        labels = serializers.ListField(child=serializers.CharField(max_length=LABEL_MAX), min_length=2,
                                       max_length=LABELS_MAX)

    @extend_schema(responses=ProjectOutput(many=True))
    def get(self, request):
        require_role(request.user, ALL_ROLES)
        return Response(_projects_data(project_list_for_user(user=request.user)))

    @extend_schema(request=InputSerializer, responses={201: ProjectOutput})
    def post(self, request):
        require_role(request.user, CAN_MANAGE_PROJECTS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _record_fields_need_admin(request.user, data.validated_data)
        project = project_create(**data.validated_data, creator=request.user)
        return Response(_project_data(project), status=201)


class ProjectDetailApi(APIView):
    class InputSerializer(PolicyFields):
        class Meta:
            ref_name = "ProjectDetailInput"

        labels = serializers.ListField(child=serializers.CharField(max_length=LABEL_MAX), required=False, min_length=2,
                                       max_length=LABELS_MAX)

    @extend_schema(responses=ProjectOutput)
    def get(self, request, slug):
        return Response(_project_data(project_get_for_user(slug=slug, user=request.user, roles=ALL_ROLES)))

    @extend_schema(request=InputSerializer, responses=ProjectOutput)
    def patch(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_MANAGE_PROJECTS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _record_fields_need_admin(request.user, data.validated_data)
        return Response(_project_data(project_update(project=project, actor=request.user, **data.validated_data)))


class MembersOutput(serializers.Serializer):
    members = serializers.ListField(child=serializers.CharField())


class ProjectMembersApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ProjectMembersInput"

        username = serializers.CharField(max_length=USERNAME_MAX)

    @extend_schema(responses=MembersOutput)
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=ALL_ROLES)
        return Response({"members": project_member_usernames(project=project)})

    @extend_schema(request=InputSerializer, responses={201: MembersOutput})
    def post(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_MANAGE_PROJECTS)
        project_member_add(project=project, user=_user_named(request.data), actor=request.user)
        return Response({"members": project_member_usernames(project=project)}, status=201)

    @extend_schema(request=InputSerializer, responses={204: None})
    def delete(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_MANAGE_PROJECTS)
        project_member_remove(project=project, user=_user_named(request.data), actor=request.user)
        return Response(status=204)


def _user_named(data) -> User:
    serializer = ProjectMembersApi.InputSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    user = User.objects.filter(username=serializer.validated_data["username"]).first()
    if user is None:
        raise ApplicationError(f"No user {serializer.validated_data['username']!r}.")
    return user


RECORD_FORMATS = {"json", "md"}
RECORD_PARAMETERS = [OpenApiParameter("format", str, enum=sorted(RECORD_FORMATS), default="json",
                                      description="json: the record as data; md: a Markdown document")]
RECORD_RESPONSES = {(200, "application/json"): OpenApiTypes.OBJECT, (200, "text/markdown"): OpenApiTypes.STR,
                    400: OpenApiResponse(description="A format other than json or md.")}


def _record_format(request) -> str:
    fmt = request.query_params.get("format", "json")
    if fmt not in RECORD_FORMATS:
        raise ApplicationError(f"format must be json or md, not {fmt[:20]!r}.")
    return fmt


def _record_response(document: dict, fmt: str, name: str):
    if fmt == "json":
        return Response(document)
    text = processing_records_markdown(records=document["records"], generated_at=document["generated_at"])
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.md"'
    return response


class ProcessingRecordApi(APIView):
    """GDPR Art. 30: one project's record of processing (admins, and auditors of the project)."""

    @extend_schema(parameters=RECORD_PARAMETERS, responses=RECORD_RESPONSES)
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_READ_AUDIT)
        fmt = _record_format(request)
        record = processing_record(project=project)
        if fmt == "json":
            return Response(record)
        return _record_response({"generated_at": record["generated_at"], "records": [record]}, fmt,
                                f"processing-record-{project.slug}")


class ProcessingRecordListApi(APIView):
    """GDPR Art. 30: the records of every project the caller may see (admins: all; auditors: theirs)."""

    @extend_schema(parameters=RECORD_PARAMETERS, responses=RECORD_RESPONSES)
    def get(self, request):
        require_role(request.user, CAN_READ_AUDIT)
        fmt = _record_format(request)
        return _record_response(processing_records(projects=project_list_for_user(user=request.user)), fmt,
                                "processing-records")
