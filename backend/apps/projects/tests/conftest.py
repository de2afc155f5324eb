import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The fixtures create several users per test; a cheap hasher keeps that fast (login is still real)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
