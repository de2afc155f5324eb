"""Every prediction carries its margin and entropy (ai_models.selection), the scores of the `margin` and `entropy`
queue strategies, computed once when it is stored rather than from its JSON on every queue page.

The fast path's store functions take them as extra row elements: hitl_predictions_store (0004 as 0005 left it) the
tenth and eleventh, hitl_detections_store (0006) the eighth and ninth. Existing predictions are filled here, once:
a derived score of what the log already holds, not a change to what the model said (the log stays as logged).
"""
import importlib

from django.db import migrations, models

_0004 = importlib.import_module("apps.predictions.migrations.0004_store_function")
_0005 = importlib.import_module("apps.predictions.migrations.0005_prediction_started_at")
_0006 = importlib.import_module("apps.predictions.migrations.0006_detections_store_function")
_COLUMNS = "INSERT INTO predictions_prediction (id, label, confidence, probabilities, boxes,"
_NEW_COLUMNS = "INSERT INTO predictions_prediction (id, label, confidence, margin, entropy, probabilities, boxes,"
_TEXT_VALUES = "SELECT v_ids[r.ord], r.v->>2, (r.v->>3)::float8, r.v->4,"
_IMAGE_VALUES = "SELECT v_ids[r.ord], '', (r.v->>2)::float8, '{}'::jsonb,"


def _patched(text: str, values: str, added: str) -> str:
    assert text.count(_COLUMNS) == 1 and text.count(values) == 1
    return text.replace(_COLUMNS, _NEW_COLUMNS).replace(values, values.replace(", r.v->4,", f", {added}, r.v->4,")
                                                         .replace(", '{}'::jsonb,", f", {added}, '{{}}'::jsonb,"))


def text_function() -> str:
    return _patched(_0005._create(), _TEXT_VALUES, "(r.v->>9)::float8, (r.v->>10)::float8")


def detections_function() -> str:
    return _patched(_0006.CREATE, _IMAGE_VALUES, "(r.v->>7)::float8, (r.v->>8)::float8")


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(text_function())
        schema_editor.execute(detections_function())


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_0005._create())
        schema_editor.execute(_0006.CREATE)


def backfill(apps, schema_editor):
    from apps.predictions.services import uncertainty_scores

    prediction = apps.get_model("predictions", "Prediction")
    rows = prediction.objects.filter(margin__isnull=True).only("id", "probabilities", "boxes").order_by("id")
    batch = []
    for row in rows.iterator(chunk_size=2000):
        row.margin, row.entropy = uncertainty_scores(probabilities=row.probabilities, boxes=row.boxes)
        batch.append(row)
        if len(batch) == 2000:
            prediction.objects.bulk_update(batch, ["margin", "entropy"])
            batch = []
    prediction.objects.bulk_update(batch, ["margin", "entropy"])


class Migration(migrations.Migration):
    dependencies = [("predictions", "0006_detections_store_function")]
    operations = [
        migrations.AddField(
            model_name="prediction", name="margin",
            field=models.FloatField(blank=True, null=True, help_text=(
                "top1 - top2 probability (images: the most torn box's |2c - 1|); ai_models.selection"))),
        migrations.AddField(
            model_name="prediction", name="entropy",
            field=models.FloatField(blank=True, null=True, help_text=(
                "-sum p ln p (images: sum of the boxes' binary entropies); ai_models.selection"))),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(model_name="prediction",
                            index=models.Index(fields=["project", "margin"], name="prediction_project_margin")),
        migrations.AddIndex(model_name="prediction",
                            index=models.Index(fields=["project", "entropy"], name="prediction_project_entropy")),
        migrations.RunPython(install, uninstall),
    ]
