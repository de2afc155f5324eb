"""Seal what was stored before sealing existed: the texts and images of items that carry a subject_ref.

Texts are rewritten in place (sealed under a key made for their subject); an image gets a sealed copy under a key of
its own, the item points at it, and the plain object is deleted unless another item still uses it. Idempotent: a
sealed text or image is left alone.
"""
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations


def seal_existing(apps, schema_editor):
    from django.db import transaction

    from apps.items.images import SEALED_FOLDER, image_is_sealed
    from apps.privacy.sealing import Keyring, is_sealed_text, seal_bytes, seal_text

    Item = apps.get_model("items", "Item")
    ring = Keyring(model=apps.get_model("privacy", "SubjectKey"))
    subject_items = Item.objects.exclude(subject_ref="").filter(erased_at__isnull=True)
    ids = list(subject_items.order_by("pk").values_list("pk", flat=True))
    replaced: list[str] = []
    for start in range(0, len(ids), 500):
        rows = subject_items.filter(pk__in=ids[start:start + 500]).values_list(
            "pk", "subject_ref", "text", "storage_key", "project__slug")
        for pk, subject_ref, text, key, slug in list(rows):
            changes = {}
            if text and not is_sealed_text(text):
                changes["text"] = seal_text(text, subject_ref, ring=ring)
            if key and not image_is_sealed(key):
                with default_storage.open(key, "rb") as handle:
                    data = handle.read()
                name = key.rsplit("/", 1)[-1]
                sealed = f"projects/{slug}/{SEALED_FOLDER}/{name[:2]}/{name}"
                changes["storage_key"] = default_storage.save(sealed, ContentFile(seal_bytes(data, subject_ref, ring=ring)))
                replaced.append(key)
            if changes:
                Item.objects.filter(pk=pk).update(**changes)
    # The plain objects go only once the new keys are committed, and only those no other item uses.
    kept = set(Item.objects.filter(storage_key__in=replaced).values_list("storage_key", flat=True))
    transaction.on_commit(lambda: [default_storage.delete(k) for k in replaced if k not in kept])


class Migration(migrations.Migration):
    dependencies = [("privacy", "0004_subjectkey"), ("items", "0005_alter_item_text")]

    operations = [migrations.RunPython(seal_existing, migrations.RunPython.noop)]
