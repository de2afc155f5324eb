from django.urls import path

from . import apis

urlpatterns = [
    path("projects/<slug:slug>/training-runs/", apis.TrainingRunListStartApi.as_view(), name="training-runs"),
    path("training-runs/<id:run_id>/", apis.TrainingRunDetailApi.as_view(), name="training-run-detail"),
    path("projects/<slug:slug>/model-versions/", apis.ModelVersionListApi.as_view(), name="model-versions"),
    path("model-versions/<id:version_id>/promote/", apis.ModelVersionPromoteApi.as_view(), name="model-promote"),
    path("model-versions/<id:version_id>/reject/", apis.ModelVersionRejectApi.as_view(), name="model-reject"),
    path("projects/<slug:slug>/rollback/", apis.RollbackApi.as_view(), name="rollback"),
    path("projects/<slug:slug>/learning-curve/", apis.LearningCurveApi.as_view(), name="learning-curve"),
    path("projects/<slug:slug>/change-envelope/", apis.ChangeEnvelopeApi.as_view(), name="change-envelope"),
    path("model-versions/<id:version_id>/model-card/", apis.ModelCardApi.as_view(), name="model-card"),
]
