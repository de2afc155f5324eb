"""Login endpoints: a token for API clients; a session (cookie + CSRF) for the browser app; me; logout (of the token
or the session used) and logout everywhere (every token of the user)."""
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.limits import PASSWORD_MAX, USERNAME_MAX

from .authentication import SessionAuthentication, TokenAuthentication, csrf_enforce
from .models import ApiToken
from .roles import Role, user_roles
from .services import logout_everywhere, session_login, session_logout, token_login
from .tokens import token_revoke


class CredentialsInput(serializers.Serializer):
    username = serializers.CharField(max_length=USERNAME_MAX)
    password = serializers.CharField(trim_whitespace=False, max_length=PASSWORD_MAX, style={"input_type": "password"})


THROTTLED = OpenApiResponse(description=(
    "Too many failed logins for this account or from this address: nothing was checked. "
    "Retry-After says in how many seconds the window ends."))


class MeOutput(serializers.Serializer):
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=[r.value for r in Role]))
    is_staff = serializers.BooleanField()
    is_superuser = serializers.BooleanField()


def _me(user) -> dict:
    return {"username": user.username, "roles": sorted(user_roles(user)), "is_staff": user.is_staff,
            "is_superuser": user.is_superuser}


class TokenLoginApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=CredentialsInput, responses={
        200: inline_serializer("TokenOutput", {"token": serializers.CharField(),
                                               "expires_at": serializers.DateTimeField()}),
        429: THROTTLED})
    def post(self, request):
        data = CredentialsInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = token_login(request=request, **data.validated_data)
        # A credential: no cache along the way may keep it (as OAuth's token endpoint, RFC 6749 5.1).
        return Response({"token": key, "expires_at": token.expires_at}, headers={"Cache-Control": "no-store"})


@method_decorator(ensure_csrf_cookie, name="dispatch")  # also on the 401: the app needs the cookie to log in
class MeApi(APIView):
    @extend_schema(responses=MeOutput)
    def get(self, request):
        return Response(MeOutput(_me(request.user)).data)


class SessionLoginApi(APIView):
    authentication_classes: list = []  # anonymous by design; CSRF is checked explicitly below
    permission_classes = [AllowAny]

    @extend_schema(request=CredentialsInput, responses={
        200: MeOutput, 403: OpenApiResponse(description="The CSRF check failed."), 429: THROTTLED})
    def post(self, request):
        csrf_enforce(request)
        data = CredentialsInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = session_login(request=request, **data.validated_data)
        return Response(MeOutput(_me(user)).data)


class LogoutApi(APIView):
    """Ends what authenticated this request: the token (revoked) or the session (checked for CSRF)."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            token_revoke(token=request.auth, actor=request.user)
        else:
            session_logout(request=request)
        return Response(status=204)


class LogoutEverywhereApi(APIView):
    """Revokes every API token of the user (and ends this session, when called with one)."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]

    @extend_schema(request=None, responses=inline_serializer("LogoutEverywhereOutput", {
        "revoked": serializers.IntegerField(min_value=0, help_text="API tokens revoked")}))
    def post(self, request):
        return Response({"revoked": logout_everywhere(request=request)})
