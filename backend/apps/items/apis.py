"""Item endpoints: import (JSON body or a CSV/JSONL upload), list, read."""
from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import ALL_ROLES, CAN_IMPORT
from apps.core.exceptions import ApplicationError
from apps.core.pagination import paginated_response
from apps.projects.selectors import project_get_for_user

from .parsing import parse_upload
from .selectors import item_get, item_list
from .services import items_import


class ItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    label = serializers.CharField(allow_null=True)
    split = serializers.CharField()
    subject_ref = serializers.CharField()
    source = serializers.CharField()
    content_hash = serializers.CharField()
    created_at = serializers.DateTimeField()


class ItemImportRow(serializers.Serializer):
    text = serializers.CharField()
    label = serializers.CharField(required=False)
    split = serializers.ChoiceField(choices=["pool", "holdout"], required=False)
    subject_ref = serializers.CharField(required=False)


class ItemListImportApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ItemListImportInput"

        items = ItemImportRow(many=True)

    @extend_schema(parameters=[OpenApiParameter("split", str), OpenApiParameter("labelled", bool)],
                   responses=ItemOutput(many=True))
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=ALL_ROLES)
        labelled = request.query_params.get("labelled")
        qs = item_list(project=project, split=request.query_params.get("split"),
                       labelled=None if labelled is None else labelled.lower() in {"1", "true", "yes"})
        return paginated_response(request=request, view=self, queryset=qs, serializer_class=ItemOutput)

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_IMPORT)
        upload = request.FILES.get("file")
        if upload is not None:
            if upload.size > settings.IMPORT_MAX_BYTES:
                raise ApplicationError(f"{upload.name}: larger than the {settings.IMPORT_MAX_BYTES} byte limit.",
                                       status=413)
            rows, lines = parse_upload(name=upload.name, content=upload.read())
            return Response(items_import(project=project, rows=rows, actor=request.user, source="upload",
                                         line_numbers=lines), status=201)
        items = request.data.get("items") if isinstance(request.data, dict) else None
        if not isinstance(items, list):
            raise ApplicationError('Send {"items": [...]} as JSON or a CSV/JSONL file in the "file" field.')
        return Response(items_import(project=project, rows=items, actor=request.user), status=201)


class ItemDetailApi(APIView):
    @extend_schema(responses=ItemOutput)
    def get(self, request, item_id):
        item = item_get(item_id=item_id)
        if item is None:
            raise NotFound("No such item.")
        project_get_for_user(slug=item.project.slug, user=request.user, roles=ALL_ROLES)
        return Response(ItemOutput(item).data)
