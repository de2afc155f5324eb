"""dataset_version_snapshot: freeze what the project would train on now into a content-addressed DatasetVersion.

Training answer per pool item: the latest human answer — the reviewed one when a second reviewer
decided, feedback waiting for review left out until then — weighted by the project's feedback_weight;
else the imported label or boxes (weight 1). Holdout items never train; they measure every version alike.
For detection projects the images are copied from object storage into `image_dir`, since YOLO reads files.
"""
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from apps.feedback.selectors import latest_human_answers
from apps.items.images import image_open
from apps.items.models import Item, Split
from apps.items.selectors import in_processing
from apps.projects.models import Task

from .ml import dataset_content_hash
from .models import DatasetVersion


@dataclass(frozen=True)
class Snapshot:
    """Rows in the pipeline's raw-data contract (ai_models.stages): text {item_id, text, label[, weight]};
    images {item_id, image (absolute path, materialized), width, height, boxes[, weight]}."""

    version: DatasetVersion
    training: list[dict]
    holdout: list[dict]


def _canonical(answer) -> str:
    return answer if isinstance(answer, str) else json.dumps(answer, sort_keys=True, separators=(",", ":"))


def _materialize(item: Item, image_dir: Path) -> Path:
    path = image_dir / f"{item.content_hash}{Path(item.storage_key).suffix}"
    if not path.exists():
        with image_open(item.storage_key) as source:
            path.write_bytes(source.read())
    return path


def dataset_version_snapshot(*, project, image_dir: Path | None = None) -> Snapshot:
    detection = project.task == Task.OBJECT_DETECTION
    if detection and image_dir is None:
        raise ValueError("a detection snapshot needs an image_dir to copy the images into")
    human = latest_human_answers(project=project)
    items = Item.objects.filter(in_processing(), project=project).order_by("id")
    manifest, training, holdout, hashed_holdout = [], [], [], []
    counts: dict[str, int] = {label: 0 for label in project.labels}
    from_feedback = 0
    for item in items.iterator(chunk_size=2000):
        imported = item.boxes if detection else item.label
        if item.split == Split.HOLDOUT:
            holdout.append(_row(item, imported, None, image_dir) if detection else
                           {"item_id": item.pk, "text": item.text, "label": item.label})
            hashed_holdout.append(f"{item.content_hash}:{_canonical(imported)}")
            continue
        if item.pk in human:
            answer, weight = human[item.pk], float(project.feedback_weight)
            from_feedback += 1
        elif imported is not None:
            answer, weight = imported, 1.0
        else:
            continue
        manifest.append([item.pk, answer, weight, item.content_hash])
        training.append(_row(item, answer, weight, image_dir) if detection else
                        {"item_id": item.pk, "text": item.text, "label": answer, "weight": weight})
        for label in ([b["label"] for b in answer] if detection else [answer]):
            counts[label] = counts.get(label, 0) + 1
    content_hash = dataset_content_hash([(row[3], _canonical(row[1]), row[2]) for row in manifest])
    holdout_hash = hashlib.sha256("\n".join(sorted(hashed_holdout)).encode()).hexdigest()
    version, _ = DatasetVersion.objects.get_or_create(
        project=project, content_hash=content_hash, holdout_hash=holdout_hash,
        defaults={"manifest": manifest, "holdout_size": len(holdout),
                  "counts": {"per_label": counts, "from_feedback": from_feedback, "total": len(manifest)}},
    )
    return Snapshot(version=version, training=training, holdout=holdout)


def _row(item: Item, boxes: list[dict], weight: float | None, image_dir: Path) -> dict:
    row = {"item_id": item.pk, "image": _materialize(item, image_dir), "width": item.width, "height": item.height,
           "boxes": boxes}
    return row if weight is None else {**row, "weight": weight}
