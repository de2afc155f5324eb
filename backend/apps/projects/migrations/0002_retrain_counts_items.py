from django.db import migrations, models


class Migration(migrations.Migration):
    """retrain_min_feedback counts distinct items with new answers, not answers (issue 8, defect 10)."""

    dependencies = [("projects", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="project",
            name="retrain_min_feedback",
            field=models.PositiveIntegerField(
                default=50, help_text="items with new answers (corrections) that start a retrain; 0 = never"),
        ),
    ]
