"""Item endpoints: import (JSON body or a CSV/JSONL upload), list, read, remove."""
import json
from collections.abc import Mapping

from django.conf import settings
from django.http import FileResponse
from django.utils.http import content_disposition_header
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import ALL_ROLES, CAN_IMPORT
from apps.audit.services import personal_data_read_record
from apps.core.exceptions import ApplicationError
from apps.core.limits import LABEL_MAX, SUBJECT_REF_MAX
from apps.core.pagination import paginated_response
from apps.core.schema import paginated_schema
from apps.core.strings import FormParser, JSONParser, MultiPartParser
from apps.projects.models import Task
from apps.projects.selectors import project_get_for_user

from .image_import import images_import
from .images import image_open
from .parsing import parse_upload
from .selectors import item_get, item_list
from .services import item_remove, items_import


class ItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    label = serializers.CharField(allow_null=True)
    boxes = serializers.ListField(child=serializers.DictField(), allow_null=True)
    file_name = serializers.CharField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    content_type = serializers.CharField()
    split = serializers.CharField()
    subject_ref = serializers.CharField()
    source = serializers.CharField()
    content_hash = serializers.CharField()
    created_at = serializers.DateTimeField()


class ItemImportRow(serializers.Serializer):
    """For the schema; apps.items.services validates each row (and names the bad ones)."""

    text = serializers.CharField(max_length=settings.TEXT_MAX_CHARS)
    label = serializers.CharField(required=False, max_length=LABEL_MAX)
    split = serializers.ChoiceField(choices=["pool", "holdout"], required=False)
    subject_ref = serializers.CharField(required=False, allow_blank=True, max_length=SUBJECT_REF_MAX)


class ItemListImportApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ItemListImportInput"

        items = ItemImportRow(many=True)

    class FilterSerializer(serializers.Serializer):
        split = serializers.ChoiceField(choices=["pool", "holdout"], required=False)
        labelled = serializers.BooleanField(required=False)

    @paginated_schema(ItemOutput, parameters=[
        OpenApiParameter("split", str, enum=["pool", "holdout"], description="only items of this split"),
        OpenApiParameter("labelled", bool, description="true: items with a label or boxes; false: without")],
        errors={400: "A split or labelled value that is not one of those documented."})
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=ALL_ROLES)
        filters = self.FilterSerializer(data=request.query_params.dict())  # a dict: a missing boolean stays missing
        filters.is_valid(raise_exception=True)  # an unknown split is a 400, not an empty page
        qs = item_list(project=project, split=filters.validated_data.get("split"),
                       labelled=filters.validated_data.get("labelled"))
        response = paginated_response(request=request, view=self, queryset=qs, serializer_class=ItemOutput)
        personal_data_read_record(actor=request.user, project=project, via="items.list",
                                  item_ids=[row["id"] for row in response.data["results"]])
        return response

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_IMPORT)
        if project.task == Task.OBJECT_DETECTION:
            return Response(_import_images(request, project), status=201)
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


def _import_images(request, project) -> dict:
    """Multipart: one or more `files`, optional `boxes` (JSON: file name -> boxes), `split`, `subject_ref`."""
    if not isinstance(request.data, Mapping):  # a JSON body that is a number, a string or a list
        raise ApplicationError('Upload images as multipart "files" (optional fields: "boxes", "split", '
                               '"subject_ref").')
    files = [(f.name, f.read()) for f in request.FILES.getlist("files")]
    raw_boxes = request.data.get("boxes")
    try:
        boxes = json.loads(raw_boxes) if isinstance(raw_boxes, str) and raw_boxes.strip() else raw_boxes
    except json.JSONDecodeError as exc:
        raise ApplicationError(f"'boxes' is not valid JSON ({exc.msg}).") from exc
    except (ValueError, RecursionError) as exc:  # an integer of more than 4300 digits; nesting too deep
        raise ApplicationError(f"'boxes' is not valid JSON ({exc.__class__.__name__}).") from exc
    return images_import(project=project, files=files, boxes_by_name=boxes, split=request.data.get("split") or "pool",
                         subject_ref=_subject_ref(request.data.get("subject_ref")), actor=request.user)


def _subject_ref(value) -> str:
    """The multipart `subject_ref`: at most SUBJECT_REF_MAX characters, refused (not cut) when longer."""
    value = str(value or "")
    if len(value) > SUBJECT_REF_MAX:
        raise ApplicationError(f"subject_ref: at most {SUBJECT_REF_MAX} characters.")
    return value


def _member_item(request, item_id):
    item = item_get(item_id=item_id)
    if item is None:
        raise NotFound("No such item.")
    project_get_for_user(slug=item.project.slug, user=request.user, roles=ALL_ROLES)
    return item


class ItemDetailApi(APIView):
    class RemovedOutput(serializers.Serializer):
        class Meta:
            ref_name = "ItemRemoved"

        id = serializers.IntegerField()
        outcome = serializers.ChoiceField(choices=["deleted", "retired"],
                                          help_text="deleted: nothing referred to it; retired: its predictions and "
                                                    "feedback are kept, the item leaves the project")
        predictions = serializers.IntegerField()
        feedback = serializers.IntegerField()

    @extend_schema(responses=ItemOutput)
    def get(self, request, item_id):
        item = _member_item(request, item_id)
        data = ItemOutput(item).data
        personal_data_read_record(actor=request.user, project=item.project, item_ids=[item.pk], via="items.detail")
        return Response(data)

    @extend_schema(request=None, responses={200: RemovedOutput})
    def delete(self, request, item_id):
        item = _member_item(request, item_id)
        project_get_for_user(slug=item.project.slug, user=request.user, roles=CAN_IMPORT)
        return Response(self.RemovedOutput(item_remove(item=item, actor=request.user)).data)


class ItemImageApi(APIView):
    """Streams the image bytes to a project member; the bucket itself is never public."""

    @extend_schema(responses={(200, "image/*"): bytes})
    def get(self, request, item_id):
        item = _member_item(request, item_id)
        if not item.storage_key:
            raise NotFound("This item has no image.")
        response = FileResponse(image_open(item.storage_key), content_type=item.content_type)
        personal_data_read_record(actor=request.user, project=item.project, item_ids=[item.pk], via="items.image")
        response["Cache-Control"] = "private, max-age=300"
        response["Content-Disposition"] = content_disposition_header(False, item.file_name or str(item.pk))
        return response
