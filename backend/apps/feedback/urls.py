from django.urls import path

from . import apis, contest_apis, gold_apis

urlpatterns = [
    path("projects/<slug:slug>/queue/", apis.ReviewQueueApi.as_view(), name="review-queue"),
    path("projects/<slug:slug>/queue/cold-start/", apis.ColdStartQueueApi.as_view(), name="cold-start-queue"),
    path("projects/<slug:slug>/items/<id:item_id>/label/", apis.FirstLabelApi.as_view(), name="item-label-first"),
    path("predictions/<id:prediction_id>/feedback/", apis.FeedbackSubmitApi.as_view(), name="feedback-submit"),
    path("projects/<slug:slug>/reviews/", apis.ReviewListApi.as_view(), name="review-list"),
    path("feedback/<id:feedback_id>/review/", apis.FeedbackReviewApi.as_view(), name="feedback-review"),
    path("projects/<slug:slug>/gold/", gold_apis.GoldListMarkApi.as_view(), name="gold-list-mark"),
    path("projects/<slug:slug>/gold/<id:item_id>/", gold_apis.GoldUnmarkApi.as_view(), name="gold-unmark"),
    path("predictions/<id:prediction_id>/contest/", contest_apis.ContestOpenApi.as_view(), name="contest-open"),
    path("projects/<slug:slug>/contests/", contest_apis.ContestListApi.as_view(), name="contest-list"),
    path("contests/<id:contest_id>/decide/", contest_apis.ContestDecideApi.as_view(), name="contest-decide"),
]
