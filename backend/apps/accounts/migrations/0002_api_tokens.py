"""Hashed, expiring API tokens replace rest_framework.authtoken's plain-text keys.

The old keys are not migrated (only their plain text exists, which is what must go): the authtoken table is dropped,
so every old token stops working and its holder logs in again (POST /api/v1/auth/token/) for a new one.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _drop_plain_text_tokens(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            cursor.execute("PRAGMA secure_delete = ON")  # the freed pages are zeroed, not left in the file
        cursor.execute("DROP TABLE IF EXISTS authtoken_token")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('prefix', models.CharField(max_length=8)),
                ('digest', models.CharField(max_length=64, unique=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires_at', models.DateTimeField(db_index=True)),
                ('last_used_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_reason', models.CharField(blank=True, max_length=32)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created_at'],
            },
        ),
        # Left behind once rest_framework.authtoken left INSTALLED_APPS; IF EXISTS: new installations never had it.
        migrations.RunPython(_drop_plain_text_tokens, migrations.RunPython.noop),
    ]
