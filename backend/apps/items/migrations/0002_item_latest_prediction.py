"""The review queue's denormalised pointer: each item's newest prediction, filled in for existing predictions."""
import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE items_item SET latest_prediction_id = (
    SELECT MAX(p.id) FROM predictions_prediction p WHERE p.item_id = items_item.id
) WHERE EXISTS (SELECT 1 FROM predictions_prediction p WHERE p.item_id = items_item.id)
"""


class Migration(migrations.Migration):

    dependencies = [
        ("items", "0001_initial"),
        ("predictions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="latest_prediction",
            field=models.OneToOneField(blank=True, editable=False, null=True,
                                       on_delete=django.db.models.deletion.SET_NULL, related_name="latest_for",
                                       to="predictions.prediction"),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
