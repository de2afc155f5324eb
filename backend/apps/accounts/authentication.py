"""Authentication: API tokens for clients, and Django's session for the browser app with a CSRF check that says
what to send.

API clients send `Authorization: Token <key>`; keys are hashed, expiring and revocable (tokens.py).
The web app never holds a token: it logs in with POST /auth/login/ (a Django session) and sends the
`csrftoken` cookie's value back in the X-CSRFToken header on every unsafe request.
"""
from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication, exceptions

CSRF_HINT = ("Send the csrftoken cookie's value in the X-CSRFToken header "
             "(GET /api/v1/auth/me/ sets the cookie).")


def csrf_enforce(request) -> None:
    """Django's own CSRF check (as DRF runs it for session users), for views DRF marks csrf_exempt."""
    check = authentication.CSRFCheck(lambda _request: None)
    check.process_request(request)  # reads the CSRF cookie into request.META
    reason = check.process_view(request, None, (), {})
    if reason:
        raise exceptions.PermissionDenied(f"CSRF check failed: {reason} {CSRF_HINT}")


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's `Token <key>` header scheme (documented as tokenAuth), checked against apps.accounts.tokens."""

    def authenticate_credentials(self, key: str):
        from .tokens import token_authenticate  # models: not at import time of the settings' class list

        token = token_authenticate(key=key)
        return token.user, token


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, with the clearer CSRF refusal above."""

    def enforce_csrf(self, request) -> None:
        csrf_enforce(request)


class SessionAuthenticationScheme(SessionScheme):
    """Documents the class above in the OpenAPI schema as drf-spectacular documents DRF's (cookieAuth)."""

    target_class = SessionAuthentication
    match_subclasses = True
