"""Project policies for feedback loops (AI Act Art. 15(4)): gold_rate and max_unreviewed_accept_share.

On SQLite, adding a column with a default rebuilds projects_project, and dropping the old table drops its triggers:
the serving-generation triggers (core.0002, core.0003) are put back afterwards, as core.0003 left them.
"""
import importlib

from django.db import migrations, models

SERVING = importlib.import_module("apps.core.migrations.0003_serving_generation_stop")


def serving_triggers_reinstall(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL adds the columns in place: its triggers stay
    SERVING._install(SERVING.COLUMNS)(apps, schema_editor)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS hitl_serving_projects_project_1")
        cursor.execute(f"CREATE TRIGGER hitl_serving_projects_project_1 AFTER DELETE ON projects_project "
                       f"BEGIN {SERVING.BUMP}; END")


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0005_project_log_retention_days'),
        ('core', '0003_serving_generation_stop'),
    ]

    operations = [
        migrations.AddField(
            model_name='project',
            name='gold_rate',
            field=models.FloatField(default=0.05, help_text="share of an annotator's queue that is gold items (0 to 0.5)"),
        ),
        migrations.AddField(
            model_name='project',
            name='max_unreviewed_accept_share',
            field=models.FloatField(blank=True, help_text='largest share of training labels that may be accepted-as-is answers nobody reviewed (0 to 1); the excess is held back; null = no cap', null=True),
        ),
        migrations.RunPython(serving_triggers_reinstall, migrations.RunPython.noop),
    ]
