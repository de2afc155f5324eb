"""The serving generation counter and the triggers that raise it (see apps.core.models.ServingGeneration)."""
from django.db import migrations, models

# table -> (the columns whose UPDATE matters, or None for any; whether INSERT matters).
WATCHED = {
    "accounts_apitoken": (["user_id", "digest", "expires_at", "revoked_at"], False),
    "auth_user": (["username", "password", "is_active", "is_superuser"], False),
    "auth_user_groups": (None, True),
    "auth_group": (["name"], False),
    "projects_membership": (None, True),
    "projects_project": (["slug", "task", "labels"], False),
    "training_modelversion": (["project_id", "status", "registered_model_name", "registered_version"], True),
}
BUMP = "UPDATE core_servinggeneration SET value = value + 1 WHERE id = 1"


def _events(columns, on_insert) -> list[str]:
    events = [f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE", "DELETE"]
    return ["INSERT", *events] if on_insert else events


def install(apps, schema_editor):
    connection = schema_editor.connection
    apps.get_model("core", "ServingGeneration").objects.using(connection.alias).get_or_create(pk=1)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE OR REPLACE FUNCTION hitl_serving_bump() RETURNS trigger AS $$ BEGIN {BUMP}; "
                           "RETURN NULL; END $$ LANGUAGE plpgsql")
        for table, (columns, on_insert) in WATCHED.items():
            if connection.vendor == "postgresql":  # once per statement, however many rows it touched
                cursor.execute(f"CREATE TRIGGER hitl_serving_{table} AFTER {' OR '.join(_events(columns, on_insert))} "
                               f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION hitl_serving_bump()")
            elif connection.vendor == "sqlite":  # SQLite has row triggers only, one event each
                for index, event in enumerate(_events(columns, on_insert)):
                    cursor.execute(f"CREATE TRIGGER hitl_serving_{table}_{index} AFTER {event} ON {table} "
                                   f"BEGIN {BUMP}; END")


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table, (columns, on_insert) in WATCHED.items():
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS hitl_serving_{table} ON {table}")
            elif connection.vendor == "sqlite":
                for index in range(len(_events(columns, on_insert))):
                    cursor.execute(f"DROP TRIGGER IF EXISTS hitl_serving_{table}_{index}")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS hitl_serving_bump()")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_outbox"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("accounts", "0002_api_tokens"),
        ("projects", "0002_retrain_counts_items"),
        ("training", "0003_training_run_heartbeat"),
    ]

    operations = [
        migrations.CreateModel(
            name="ServingGeneration",
            fields=[("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                    ("value", models.BigIntegerField(default=0))],
        ),
        migrations.RunPython(install, uninstall),
    ]
