"""GET /projects/{slug}/export/?format=... and POST /projects/{slug}/import/ (multipart: format, file)."""
from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import ALL_ROLES, CAN_IMPORT
from apps.audit.services import AuditEntry, personal_data_read_record
from apps.core.exceptions import ApplicationError
from apps.core.strings import MultiPartParser
from apps.projects.selectors import project_get_for_user

from .services import project_export, project_import


class ProjectExportApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter(
            "format", str, required=True, enum=["yolo", "coco", "coco_zip", "labelstudio", "csv", "jsonl"],
            description="Text projects: csv, jsonl, labelstudio. Detection projects: yolo, coco, coco_zip, labelstudio. "
                        "Sent as an attachment: yolo and coco_zip as application/zip, coco and labelstudio as "
                        "application/json, csv as text/csv, jsonl as application/x-ndjson.")],
        responses={(200, "application/zip"): OpenApiTypes.BINARY, (200, "application/json"): OpenApiTypes.ANY,
                   (200, "text/csv"): OpenApiTypes.STR, (200, "application/x-ndjson"): OpenApiTypes.STR,
                   400: OpenApiResponse(description="Not a format of this project's task.")})
    def get(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=ALL_ROLES)
        fmt = request.query_params.get("format", "")
        exported = project_export(project=project, fmt=fmt)
        # One append: the export's own event and the personal_data.read event for the items the file holds.
        personal_data_read_record(
            actor=request.user, project=project, item_ids=exported.item_ids, via=f"transfer.export.{fmt}",
            also=[AuditEntry(action="project.exported", actor=request.user, project=project, obj=project,
                             details={"format": fmt, "bytes": len(exported.content)})])
        response = HttpResponse(exported.content, content_type=exported.content_type)
        response["Content-Disposition"] = content_disposition_header(True, exported.file_name)
        return response


class ProjectImportApi(APIView):
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "ProjectImportInput"

        format = serializers.ChoiceField(choices=["yolo", "coco", "coco_zip", "labelstudio", "csv", "jsonl"])
        file = serializers.FileField()

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, slug):
        project = project_get_for_user(slug=slug, user=request.user, roles=CAN_IMPORT)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ApplicationError(f"{upload.name}: larger than the {settings.IMPORT_MAX_BYTES} byte limit.", status=413)
        result = project_import(project=project, fmt=data.validated_data["format"], name=upload.name,
                                data=upload.read(), actor=request.user)
        return Response(result, status=201)
