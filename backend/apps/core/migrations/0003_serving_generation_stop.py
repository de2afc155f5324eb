"""The serving generation also moves when a project is stopped or started (apps.projects.oversight), so that the
fast path's cached project is dropped and the next request reaches the view, which answers 503."""
from django.db import migrations

COLUMNS = ["slug", "task", "labels", "stopped_at"]
BUMP = "UPDATE core_servinggeneration SET value = value + 1 WHERE id = 1"


def _install(columns):
    def install(apps, schema_editor):
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER IF EXISTS hitl_serving_projects_project ON projects_project")
                cursor.execute(f"CREATE TRIGGER hitl_serving_projects_project AFTER UPDATE OF {', '.join(columns)} "
                               "OR DELETE ON projects_project FOR EACH STATEMENT EXECUTE FUNCTION hitl_serving_bump()")
            elif connection.vendor == "sqlite":  # index 0 is the UPDATE trigger (core.0002's _events order)
                cursor.execute("DROP TRIGGER IF EXISTS hitl_serving_projects_project_0")
                cursor.execute(f"CREATE TRIGGER hitl_serving_projects_project_0 AFTER UPDATE OF {', '.join(columns)} "
                               f"ON projects_project BEGIN {BUMP}; END")
    return install


class Migration(migrations.Migration):
    dependencies = [("core", "0002_serving_generation"), ("projects", "0004_stop_switch")]
    operations = [migrations.RunPython(_install(COLUMNS), _install(COLUMNS[:3]))]
