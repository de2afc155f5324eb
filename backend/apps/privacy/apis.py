"""Data-subject rights endpoints (privacy officers and admins): access archives, erasure, rectification,
restriction, and the list of requests. Thin: validate, call a service or selector, serialize."""
from django.conf import settings
from django.contrib.auth.models import User
from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.roles import CAN_HANDLE_SUBJECT_RIGHTS
from apps.core.exceptions import ApplicationError, NotFound
from apps.core.limits import INT_MAX
from apps.core.pagination import paginated_response
from apps.core.schema import paginated_schema
from apps.projects.selectors import require_role

from .models import ErasureCleanup, RequestKind, SubjectRequest
from .selectors import subject_request_get, subject_request_list
from .services import (
    access_archive_download,
    access_request_create,
    item_rectify,
    subject_erase,
    subject_restrict,
    subject_restriction_lift,
)

NO_SUBJECT = "No items carry this subject_ref (never imported, or already erased)."
NOT_FOUND = OpenApiResponse(description=NO_SUBJECT)
SUBJECT_REF = serializers.CharField(max_length=128, help_text="the pseudonymous data-subject id items carry")


class SubjectInput(serializers.Serializer):
    subject_ref = SUBJECT_REF


class CleanupOutput(serializers.ModelSerializer):
    class Meta:
        model = ErasureCleanup
        fields = ["kind", "status", "attempts", "last_error", "done_at"]
        read_only_fields = fields


class SubjectRequestOutput(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", default=None)
    download_url = serializers.SerializerMethodField()
    cleanups = serializers.SerializerMethodField()

    class Meta:
        model = SubjectRequest
        fields = ["id", "kind", "status", "subject_hash", "subject_user", "requested_by", "result", "archive_sha256",
                  "archive_bytes", "created_at", "downloaded_at", "download_url", "cleanups"]
        read_only_fields = fields

    def get_download_url(self, obj) -> str | None:
        return f"/api/v1/privacy/requests/{obj.pk}/download/" if obj.status == "ready" else None

    def get_cleanups(self, obj) -> list[dict]:
        """Erasure: the deletions outside the database and how they went."""
        return CleanupOutput(obj.cleanups.order_by("id"), many=True).data


def _officer(request) -> None:
    require_role(request.user, CAN_HANDLE_SUBJECT_RIGHTS)


class AccessRequestApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "AccessRequestInput"

        subject_ref = serializers.CharField(max_length=128, required=False,
                                            help_text="a data subject: everything about them")
        user = serializers.IntegerField(min_value=1, max_value=INT_MAX, required=False,
                                        help_text="an annotator's user id: everything they did")

    @extend_schema(request=InputSerializer,
                   responses={201: SubjectRequestOutput, 404: OpenApiResponse(description=NO_SUBJECT + " No such user.")},
                   summary="Art. 15/20: build a subject's (or an annotator's) archive, downloadable once")
    def post(self, request):
        _officer(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = None
        if "user" in data.validated_data:
            user = User.objects.filter(pk=data.validated_data["user"]).first()
            if user is None:
                raise NotFound("No such user.")
        created = access_request_create(requester=request.user, subject_ref=data.validated_data.get("subject_ref"),
                                        user=user)
        return Response(SubjectRequestOutput(created).data, status=201)


class AccessDownloadApi(APIView):
    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(bytes),
                              410: OpenApiResponse(description="Already downloaded (or withdrawn by an erasure).")},
                   summary="The archive, once, for the person who requested it; then it is deleted")
    def get(self, request, request_id):
        _officer(request)
        archive, record = access_archive_download(request_id=request_id, user=request.user)
        return FileResponse(archive, as_attachment=True, filename=f"subject-access-{record.pk}.zip",
                            content_type="application/zip")


class ErasureApi(APIView):
    @extend_schema(request=SubjectInput, responses={201: SubjectRequestOutput, 404: NOT_FOUND},
                   summary="Art. 17: erase a subject's content everywhere the platform keeps it; queue retraining")
    def post(self, request):
        _officer(request)
        data = SubjectInput(data=request.data)
        data.is_valid(raise_exception=True)
        erasure = subject_erase(subject_ref=data.validated_data["subject_ref"], actor=request.user)
        return Response(SubjectRequestOutput(SubjectRequest.objects.get(pk=erasure.pk)).data, status=201)


class RestrictionApi(APIView):
    @extend_schema(request=SubjectInput, responses={201: SubjectRequestOutput, 404: NOT_FOUND},
                   summary="Art. 18: restrict a subject (items kept, out of queues, predictions and training)")
    def post(self, request):
        _officer(request)
        data = SubjectInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(SubjectRequestOutput(subject_restrict(actor=request.user, **data.validated_data)).data,
                        status=201)


class RestrictionLiftApi(APIView):
    @extend_schema(request=SubjectInput, responses={201: SubjectRequestOutput, 404: NOT_FOUND},
                   summary="Lift a restriction")
    def post(self, request):
        _officer(request)
        data = SubjectInput(data=request.data)
        data.is_valid(raise_exception=True)
        lifted = subject_restriction_lift(actor=request.user, **data.validated_data)
        return Response(SubjectRequestOutput(lifted).data, status=201)


class RectifyApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RectifyInput"

        text = serializers.CharField(trim_whitespace=False, max_length=settings.TEXT_MAX_CHARS,
                                     help_text="the corrected text")

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RectifyOutput"

        id = serializers.IntegerField()
        content_hash = serializers.CharField()

    @extend_schema(request=InputSerializer,
                   responses={200: OutputSerializer, 409: OpenApiResponse(description="Another item of the project "
                                                                                      "already has this text.")},
                   summary="Art. 16: correct a text item's content")
    def post(self, request, item_id):
        _officer(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_rectify(item_id=item_id, text=data.validated_data["text"], actor=request.user)
        return Response(self.OutputSerializer(item).data)


class RequestListApi(APIView):
    @paginated_schema(SubjectRequestOutput, parameters=[OpenApiParameter("kind", str, enum=RequestKind.values)],
                      errors={400: "An unknown kind."}, summary="Subject requests, newest first")
    def get(self, request):
        _officer(request)
        kind = request.query_params.get("kind") or None
        if kind and kind not in RequestKind.values:
            raise ApplicationError(f"kind must be one of {', '.join(RequestKind.values)}.")
        return paginated_response(request=request, view=self, queryset=subject_request_list(kind=kind),
                                  serializer_class=SubjectRequestOutput)


class RequestDetailApi(APIView):
    @extend_schema(responses=SubjectRequestOutput)
    def get(self, request, request_id):
        _officer(request)
        found = subject_request_get(request_id=request_id)
        if found is None:
            raise NotFound("No such request.")
        return Response(SubjectRequestOutput(found).data)
