"""Gold items (apps.feedback.gold): GET/POST /projects/{slug}/gold/, DELETE /projects/{slug}/gold/{item_id}/.

Reviewers and admins mark and unmark; auditors read. Annotators never see which items are gold.
"""
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import CAN_READ_AUDIT, CAN_REVIEW
from apps.core.limits import ID_MAX, LABEL_MAX
from apps.core.pagination import paginated_response
from apps.core.schema import paginated_schema
from apps.projects.selectors import project_get_for_user

from .gold import gold_list, gold_mark, gold_unmark


class GoldOutput(serializers.Serializer):
    item_id = serializers.IntegerField()
    label = serializers.CharField(help_text="text: the trusted label ('' for detection)")
    boxes = serializers.ListField(child=serializers.DictField(), allow_null=True, help_text="detection: trusted boxes")
    marked_by = serializers.CharField(source="marked_by.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    answers = serializers.IntegerField(help_text="answers scored against this gold item")
    agreed = serializers.IntegerField(help_text="of those, how many agreed with the trusted answer")


class GoldInput(serializers.Serializer):
    item_id = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    label = serializers.CharField(required=False, max_length=LABEL_MAX, help_text="text: the trusted label")
    boxes = serializers.ListField(child=serializers.JSONField(), required=False, allow_null=True, max_length=1000,
                                  help_text="detection: the trusted boxes (an empty list: nothing here)")


class GoldListMarkApi(APIView):
    @paginated_schema(GoldOutput, summary="The project's gold items, with how often annotators agreed with them")
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_REVIEW | CAN_READ_AUDIT)
        return paginated_response(request=request, view=self, queryset=gold_list(project=project),
                                  serializer_class=GoldOutput)

    @extend_schema(request=GoldInput, responses={201: GoldOutput, 404: OpenApiResponse(
        description="No such item in the project (or it was erased).")},
        summary="Mark a pool item gold with its trusted answer (or change the trusted answer); audited")
    def post(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_REVIEW)
        data = GoldInput(data=request.data)
        data.is_valid(raise_exception=True)
        gold = gold_mark(project=project, actor=request.user, **data.validated_data)
        return Response(GoldOutput(gold_list(project=project).get(pk=gold.pk)).data, status=201)


class GoldUnmarkApi(APIView):
    @extend_schema(request=None, responses={204: None}, summary="Unmark a gold item; its scored answers stay scored")
    def delete(self, request, slug, item_id):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_REVIEW)
        gold_unmark(project=project, item_id=item_id, actor=request.user)
        return Response(status=204)
