"""The audit checkpoint table: the anchor the chain verifies from after a purge (apps.audit.purge)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0006_append_filled_function'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('through_seq', models.BigIntegerField(unique=True)),
                ('anchor_hash', models.CharField(max_length=64)),
                ('cutoff', models.DateTimeField(help_text='events created before this were purged')),
                ('purged', models.BigIntegerField(help_text='events purged under this checkpoint')),
                ('event_seq', models.BigIntegerField(help_text='the audit.purged event that records this checkpoint')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['through_seq'],
            },
        ),
    ]
