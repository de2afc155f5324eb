"""Project.queue_strategy: how the review queue orders what people label next (apps.feedback.strategies).

On SQLite, adding a column with a default rebuilds projects_project and drops its triggers: the serving-generation
triggers are put back afterwards, as in 0006.
"""
import importlib

from django.db import migrations, models

_0006 = importlib.import_module("apps.projects.migrations.0006_gold_rate_and_accept_cap")


class Migration(migrations.Migration):

    dependencies = [("projects", "0006_gold_rate_and_accept_cap")]

    operations = [
        migrations.AddField(
            model_name="project",
            name="queue_strategy",
            field=models.CharField(
                choices=[("least_confident", "Least Confident"), ("margin", "Margin"), ("entropy", "Entropy"),
                         ("diverse", "Diverse"), ("random", "Random")],
                default="least_confident", max_length=32,
                help_text="what people label next: the review queue's order after contested entries "
                          "(docs/learning.md)"),
        ),
        migrations.RunPython(_0006.serving_triggers_reinstall, migrations.RunPython.noop),
    ]
