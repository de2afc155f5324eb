from django.urls import path

from . import apis

urlpatterns = [
    path("privacy/requests/", apis.RequestListApi.as_view(), name="privacy-requests"),
    path("privacy/requests/<id:request_id>/", apis.RequestDetailApi.as_view(), name="privacy-request-detail"),
    path("privacy/requests/<id:request_id>/download/", apis.AccessDownloadApi.as_view(), name="privacy-download"),
    path("privacy/access/", apis.AccessRequestApi.as_view(), name="privacy-access"),
    path("privacy/erasures/", apis.ErasureApi.as_view(), name="privacy-erasure"),
    path("privacy/restrictions/", apis.RestrictionApi.as_view(), name="privacy-restriction"),
    path("privacy/restrictions/lift/", apis.RestrictionLiftApi.as_view(), name="privacy-restriction-lift"),
    path("privacy/items/<id:item_id>/rectify/", apis.RectifyApi.as_view(), name="privacy-rectify"),
]
