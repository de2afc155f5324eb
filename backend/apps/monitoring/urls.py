from django.urls import path

from . import apis

urlpatterns = [
    path("projects/<slug:slug>/monitoring/", apis.MonitoringApi.as_view(), name="monitoring"),
    path("projects/<slug:slug>/monitoring/policy/", apis.MonitoringPolicyApi.as_view(), name="monitoring-policy"),
    path("projects/<slug:slug>/monitoring/check/", apis.MonitoringCheckApi.as_view(), name="monitoring-check"),
    path("projects/<slug:slug>/monitoring/annotators/", apis.MonitoringAnnotatorsApi.as_view(),
         name="monitoring-annotators"),
]
