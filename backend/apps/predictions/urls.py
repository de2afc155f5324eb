from django.urls import path

from . import apis

urlpatterns = [
    path("projects/<slug:slug>/predict/", apis.PredictApi.as_view(), name="predict"),
    path("projects/<slug:slug>/queue/scoring/", apis.QueueScoringApi.as_view(), name="queue-scoring"),
    path("prediction-batches/<id:batch_id>/", apis.PredictionBatchApi.as_view(), name="prediction-batch"),
]
