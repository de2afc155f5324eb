"""The privacy_officer role's group (apps.accounts.roles), beside the five that accounts.0001 creates."""
from django.db import migrations


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="privacy_officer")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("accounts", "0001_roles")]
    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
