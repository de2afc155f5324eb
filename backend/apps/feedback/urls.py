from django.urls import path

from . import apis

urlpatterns = [
    path("projects/<slug:slug>/queue/", apis.ReviewQueueApi.as_view(), name="review-queue"),
    path("predictions/<id:prediction_id>/feedback/", apis.FeedbackSubmitApi.as_view(), name="feedback-submit"),
    path("projects/<slug:slug>/reviews/", apis.ReviewListApi.as_view(), name="review-list"),
    path("feedback/<id:feedback_id>/review/", apis.FeedbackReviewApi.as_view(), name="feedback-review"),
]
