"""dataset_version_snapshot: freeze what the project would train on now into a content-addressed DatasetVersion.

Training label per pool item: the latest human answer (weighted by the project's feedback_weight),
else the imported label (weight 1). Holdout items never train; they measure every version alike.
"""
import hashlib
from dataclasses import dataclass

from apps.feedback.selectors import latest_human_labels
from apps.items.models import Item, Split

from .ml import dataset_content_hash
from .models import DatasetVersion


@dataclass(frozen=True)
class Snapshot:
    version: DatasetVersion
    training: list[tuple[str, str, float]]  # (text, label, weight)
    holdout: list[tuple[str, str]]  # (text, label)


def dataset_version_snapshot(*, project) -> Snapshot:
    human = latest_human_labels(project=project)
    items = Item.objects.filter(project=project, erased_at__isnull=True).order_by("id")
    manifest, training, holdout, hashed_holdout = [], [], [], []
    counts: dict[str, int] = {label: 0 for label in project.labels}
    from_feedback = 0
    for item in items.only("id", "text", "label", "split", "content_hash").iterator(chunk_size=5000):
        if item.split == Split.HOLDOUT:
            holdout.append((item.text, item.label))
            hashed_holdout.append(f"{item.content_hash}:{item.label}")
            continue
        if item.pk in human:
            label, weight = human[item.pk], float(project.feedback_weight)
            from_feedback += 1
        elif item.label:
            label, weight = item.label, 1.0
        else:
            continue
        manifest.append([item.pk, label, weight, item.content_hash])
        training.append((item.text, label, weight))
        counts[label] = counts.get(label, 0) + 1
    content_hash = dataset_content_hash([(row[3], row[1], row[2]) for row in manifest])
    holdout_hash = hashlib.sha256("\n".join(sorted(hashed_holdout)).encode()).hexdigest()
    version, _ = DatasetVersion.objects.get_or_create(
        project=project, content_hash=content_hash, holdout_hash=holdout_hash,
        defaults={"manifest": manifest, "holdout_size": len(holdout),
                  "counts": {"per_label": counts, "from_feedback": from_feedback, "total": len(manifest)}},
    )
    return Snapshot(version=version, training=training, holdout=holdout)
