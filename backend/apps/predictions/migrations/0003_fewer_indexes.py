"""Three indexes fewer to update on every prediction insert: (project, confidence) already serves project lookups,
no query filters on confidence alone, and only predictions of a batch need the batch index (a partial one)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('items', '0002_item_latest_prediction'),
        ('predictions', '0002_queue_scoring'),
        ('projects', '0002_retrain_counts_items'),
        ('training', '0003_training_run_heartbeat'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='prediction',
            name='batch',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='predictions', to='predictions.predictionbatch'),
        ),
        migrations.AlterField(
            model_name='prediction',
            name='confidence',
            field=models.FloatField(help_text='text: top probability; images: lowest box confidence'),
        ),
        migrations.AlterField(
            model_name='prediction',
            name='project',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='predictions', to='projects.project'),
        ),
        migrations.AddIndex(
            model_name='prediction',
            index=models.Index(condition=models.Q(('batch__isnull', False)), fields=['batch'], name='prediction_batch_idx'),
        ),
    ]
