"""reference_profile_get: the training data's label counts and input-feature bins, computed once per dataset version.

The input feature is a text's length in characters (text classification) or an image's area in pixels (detection):
both are stored with every item, so the same feature is read for the training items and for the predicted ones.
"""
from django.db.models import F, QuerySet
from django.db.models.functions import Length

from apps.items.models import Item
from apps.projects.models import Task

from .models import ReferenceProfile
from .stats import bin_counts, decile_edges

_CHUNK = 5000  # item ids per IN (...) list: SQLite's default limit on a statement's parameters is far above this


def feature_name(task: str) -> str:
    return "image_area" if task == Task.OBJECT_DETECTION else "text_length"


def feature_annotated(items_or_predictions: QuerySet, *, task: str, prefix: str = "") -> QuerySet:
    """`items_or_predictions` with the input feature as `feature` (prefix "item__" when reading predictions)."""
    detection = task == Task.OBJECT_DETECTION
    return items_or_predictions.annotate(
        feature=F(f"{prefix}width") * F(f"{prefix}height") if detection else Length(f"{prefix}text"))


def reference_profile_get(*, dataset_version, task: str) -> ReferenceProfile:
    """The dataset version's profile, computed from its manifest's (not erased) items the first time it is asked."""
    profile = ReferenceProfile.objects.filter(dataset_version=dataset_version).first()
    if profile is not None:
        return profile
    ids = [row[0] for row in dataset_version.manifest]
    values: list[int] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = Item.objects.filter(pk__in=ids[start:start + _CHUNK], erased_at__isnull=True)
        values.extend(v for v in feature_annotated(chunk, task=task).values_list("feature", flat=True)
                      if v is not None)
    edges = decile_edges(values)
    label_counts = {k: v for k, v in (dataset_version.counts or {}).get("per_label", {}).items()}
    profile, _ = ReferenceProfile.objects.get_or_create(
        dataset_version=dataset_version,
        defaults={"feature": feature_name(task), "label_counts": label_counts, "edges": edges,
                  "counts": bin_counts(values, edges)})
    return profile


