"""Fixtures of the fast-path tests (apps.predictions.serving): they commit, so they are live tests."""
import pytest
from django.db import connection

from apps.core.models import ServingGeneration
from apps.predictions.serving import group_commit as gc


@pytest.fixture(scope="module")
def serving_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ServingGeneration.objects.get_or_create(pk=1)  # as migrations leave it; a flushed test database has none
        yield
        if connection.vendor == "postgresql":  # the view's pool threads keep theirs (CONN_MAX_AGE)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        connection.close()


@pytest.fixture
def batcher(monkeypatch):
    """A fresh group-commit thread for the test, stopped (its connection closed) afterwards."""
    instance = gc.GroupCommit(threads=2)
    monkeypatch.setattr(gc, "_instance", instance)
    yield instance
    instance.stop()
