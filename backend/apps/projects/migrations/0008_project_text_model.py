"""Project.text_model: the text model family each project's retraining builds (tfidf_lr | embedding_lr).

On SQLite, adding a column with a default rebuilds projects_project and drops its triggers: the serving-generation
triggers are put back afterwards, as 0006 does.
"""
import importlib

from django.db import migrations, models

GOLD = importlib.import_module("apps.projects.migrations.0006_gold_rate_and_accept_cap")


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0007_project_queue_strategy'),
    ]

    operations = [
        migrations.AddField(
            model_name='project',
            name='text_model',
            field=models.CharField(choices=[('tfidf_lr', 'Tfidf Lr'), ('embedding_lr', 'Embedding Lr')],
                                   default='tfidf_lr', max_length=32,
                                   help_text='text projects: tfidf_lr or embedding_lr (sentence encoder + LR)'),
        ),
        migrations.RunPython(GOLD.serving_triggers_reinstall, migrations.RunPython.noop),
    ]
