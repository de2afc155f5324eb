"""Put back the serving-generation triggers of training_modelversion on SQLite.

training.0004 added a column to training_modelversion after core.0002 had installed its triggers; on SQLite that
rebuilds the table and drops them, so a promotion or rollback no longer moved the generation and the predict fast
path kept serving the previous champion until something else moved it (a hot swap that did not happen under
`make run`). PostgreSQL alters the table in place: nothing to do there. apps/core/tests/test_serving_triggers.py
checks every watched table keeps its triggers after all migrations.
"""
import importlib

from django.db import migrations

GENERATION = importlib.import_module("apps.core.migrations.0002_serving_generation")
TABLE = "training_modelversion"


def reinstall(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    columns, on_insert = GENERATION.WATCHED[TABLE]
    with schema_editor.connection.cursor() as cursor:
        for index, event in enumerate(GENERATION._events(columns, on_insert)):
            cursor.execute(f"DROP TRIGGER IF EXISTS hitl_serving_{TABLE}_{index}")
            cursor.execute(f"CREATE TRIGGER hitl_serving_{TABLE}_{index} AFTER {event} ON {TABLE} "
                           f"BEGIN {GENERATION.BUMP}; END")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_serving_generation_stop"), ("training", "0006_manifest_row_provenance")]
    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
