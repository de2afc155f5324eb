from django.urls import path

from . import apis

urlpatterns = [
    path("audit/events/", apis.AuditEventListApi.as_view(), name="audit-events"),
    path("audit/events/export/", apis.AuditEventExportApi.as_view(), name="audit-events-export"),
    path("audit/verify/", apis.AuditVerifyApi.as_view(), name="audit-verify"),
]
