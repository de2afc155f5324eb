"""Every table the serving generation watches keeps its triggers after all migrations, on SQLite as on PostgreSQL.

A later migration that adds a column rebuilds the table on SQLite and silently drops its triggers: training.0004 did
that to training_modelversion, and promotions stopped reaching the predict fast path (core.0004 puts them back).
"""
import importlib

import pytest
from django.db import connection

from apps.core.models import ServingGeneration
from apps.core.tests.fixtures import create_project, train_inline
from apps.training.models import ModelVersion

GENERATION = importlib.import_module("apps.core.migrations.0002_serving_generation")
pytestmark = pytest.mark.django_db


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


def test_every_watched_table_has_its_triggers():
    present = _triggers()
    for table, (columns, on_insert) in GENERATION.WATCHED.items():
        if connection.vendor == "sqlite":
            expected = {f"hitl_serving_{table}_{i}" for i in range(len(GENERATION._events(columns, on_insert)))}
        else:
            expected = {f"hitl_serving_{table}"}
        assert expected <= present, f"{table}: missing {sorted(expected - present)}"


def test_a_champion_change_moves_the_generation(users):
    project = create_project(slug="gen", owner=users["engineer"], require_approval=False)
    version = train_inline(project, users["engineer"])

    def value() -> int:
        return ServingGeneration.objects.get(pk=1).value

    before = value()
    ModelVersion.objects.filter(pk=version.pk).update(status="archived")
    assert value() > before
