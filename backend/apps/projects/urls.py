from django.urls import path

from . import apis, oversight_apis

urlpatterns = [
    path("projects/", apis.ProjectListCreateApi.as_view(), name="project-list"),
    path("projects/<slug:slug>/", apis.ProjectDetailApi.as_view(), name="project-detail"),
    path("projects/<slug:slug>/members/", apis.ProjectMembersApi.as_view(), name="project-members"),
    path("projects/<slug:slug>/stop/", oversight_apis.ProjectStopApi.as_view(), name="project-stop"),
    path("projects/<slug:slug>/start/", oversight_apis.ProjectStartApi.as_view(), name="project-start"),
    path("projects/<slug:slug>/processing-record/", apis.ProcessingRecordApi.as_view(), name="processing-record"),
    path("processing-records/", apis.ProcessingRecordListApi.as_view(), name="processing-records"),
]
