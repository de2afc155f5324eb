from django.urls import path

from . import apis

urlpatterns = [path("auth/token/", apis.TokenLoginApi.as_view(), name="auth-token")]
