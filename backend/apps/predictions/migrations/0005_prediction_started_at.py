"""Every prediction log records when its request was received (`started_at`) beside when it was logged
(`created_at`): the start and end of its use (AI Act Art. 12(3)(a)). The fast path's store function (0004) takes
it as the ninth element of each row."""
import importlib

from django.db import migrations, models

_0004 = importlib.import_module("apps.predictions.migrations.0004_store_function")
_COLUMNS = "request_id, created_at, actor_id, item_id, model_version_id, project_id,\n"
_VALUES = "r.v->>7,\n           v_now,"


def _create() -> str:
    """0004's function, inserting started_at too (the rest unchanged)."""
    assert _COLUMNS in _0004.CREATE and _VALUES in _0004.CREATE
    return (_0004.CREATE.replace(_COLUMNS, "request_id, started_at, created_at, actor_id, item_id, model_version_id, "
                                           "project_id,\n")
            .replace(_VALUES, "r.v->>7, (r.v->>8)::timestamptz,\n           v_now,"))


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_create())


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_0004.CREATE)


class Migration(migrations.Migration):
    dependencies = [("predictions", "0004_store_function")]
    operations = [
        migrations.AddField(
            model_name="prediction", name="started_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, help_text=(
                "when the request (or scoring chunk) that asked for it was received; empty on predictions logged "
                "before it was recorded"))),
        migrations.AlterField(
            model_name="prediction", name="created_at",
            field=models.DateTimeField(auto_now_add=True, help_text="when it was logged (the end of its request)")),
        migrations.RunPython(install, uninstall),
    ]
