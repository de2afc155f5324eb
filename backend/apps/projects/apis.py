"""Project endpoints: list/create, read/update, members."""
from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import ALL_ROLES, CAN_MANAGE_PROJECTS
from apps.core.exceptions import ApplicationError

from .models import Project, Task
from .selectors import project_get_for_user, project_list_for_user, project_member_usernames, require_role
from .services import project_create, project_member_add, project_member_remove, project_update


class ProjectOutput(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "slug", "name", "task", "labels", "retrain_min_feedback", "feedback_weight",
                  "promotion_metric", "min_improvement", "require_approval", "review_iou_threshold",
                  "confident_removal_threshold", "retention_days", "purpose",
                  "lawful_basis", "created_at"]


class PolicyFields(serializers.Serializer):
    retrain_min_feedback = serializers.IntegerField(min_value=0, required=False)
    feedback_weight = serializers.FloatField(min_value=0.01, max_value=100, required=False)
    promotion_metric = serializers.ChoiceField(choices=["accuracy", "f1_macro", "map50", "map50_95"], required=False)
    review_iou_threshold = serializers.FloatField(min_value=0.01, max_value=1, required=False)
    confident_removal_threshold = serializers.FloatField(min_value=0.01, max_value=1, required=False)
    min_improvement = serializers.FloatField(min_value=-1, max_value=1, required=False)
    require_approval = serializers.BooleanField(required=False)
    retention_days = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    purpose = serializers.CharField(required=False, allow_blank=True)
    lawful_basis = serializers.CharField(required=False, allow_blank=True, max_length=64)


class ProjectListCreateApi(APIView):
    class InputSerializer(PolicyFields):
        class Meta:
            ref_name = "ProjectListCreateInput"

        slug = serializers.SlugField(max_length=64)
        name = serializers.CharField(max_length=200)
        task = serializers.ChoiceField(choices=Task.choices)
        labels = serializers.ListField(child=serializers.CharField(max_length=64), min_length=2)

    @extend_schema(responses=ProjectOutput(many=True))
    def get(self, request):
        require_role(request.user, ALL_ROLES)
        return Response(ProjectOutput(project_list_for_user(user=request.user), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ProjectOutput})
    def post(self, request):
        require_role(request.user, CAN_MANAGE_PROJECTS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        project = project_create(**data.validated_data, creator=request.user)
        return Response(ProjectOutput(project).data, status=201)


class ProjectDetailApi(APIView):
    class InputSerializer(PolicyFields):
        class Meta:
            ref_name = "ProjectDetailInput"

        labels = serializers.ListField(child=serializers.CharField(max_length=64), required=False)

    @extend_schema(responses=ProjectOutput)
    def get(self, request, slug):
        return Response(ProjectOutput(project_get_for_user(slug=slug, user=request.user, roles=ALL_ROLES)).data)

    @extend_schema(request=InputSerializer, responses=ProjectOutput)
    def patch(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_MANAGE_PROJECTS)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(ProjectOutput(project_update(project=project, actor=request.user, **data.validated_data)).data)


class MembersOutput(serializers.Serializer):
    members = serializers.ListField(child=serializers.CharField())


class ProjectMembersApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ProjectMembersInput"

        username = serializers.CharField()

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
