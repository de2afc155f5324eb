"""Root conftest: the environment comes from hitl_test_env (loaded first); fixtures from apps.core.tests."""
from pathlib import Path

import pytest

from hitl_test_env import TEST_TMP

pytest_plugins = ["apps.core.tests.fixtures"]


@pytest.fixture(scope="session")
def test_tmp() -> Path:
    return TEST_TMP


def pytest_collection_modifyitems(config, items):
    """Live tests commit their data, so they run after every test that expects a clean database; the stack tests
    run last, so that the whole stack they start (session-scoped) is not left running beside the other tests."""
    items.sort(key=lambda item: (item.get_closest_marker("stack") is not None,
                                 item.get_closest_marker("live") is not None))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Fixtures create several users per test; a cheap hasher keeps that fast (logins are still real)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    """Always create the test database, also when only live tests (which commit, unmarked) are selected."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_subject_keyring():
    """Each test's database starts without subject keys, and (on SQLite) may give a new key an id an earlier test's
    key had: no key opened in one test may be cached into the next."""
    from apps.privacy.sealing import keyring

    keyring.clear()
    yield
    keyring.clear()
