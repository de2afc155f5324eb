from django.urls import path

from . import apis

urlpatterns = [
    path("projects/<slug:slug>/items/", apis.ItemListImportApi.as_view(), name="item-list"),
    path("items/<id:item_id>/", apis.ItemDetailApi.as_view(), name="item-detail"),
    path("items/<id:item_id>/image/", apis.ItemImageApi.as_view(), name="item-image"),
]
