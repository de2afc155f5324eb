from django.urls import path

from . import apis

urlpatterns = [
    path("projects/<slug:slug>/export/", apis.ProjectExportApi.as_view(), name="project-export"),
    path("projects/<slug:slug>/import/", apis.ProjectImportApi.as_view(), name="project-import"),
]
