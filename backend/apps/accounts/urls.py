from django.urls import path

from . import apis

urlpatterns = [
    path("auth/token/", apis.TokenLoginApi.as_view(), name="auth-token"),
    path("auth/login/", apis.SessionLoginApi.as_view(), name="auth-login"),
    path("auth/logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/logout-all/", apis.LogoutEverywhereApi.as_view(), name="auth-logout-all"),
    path("auth/me/", apis.MeApi.as_view(), name="auth-me"),
]
