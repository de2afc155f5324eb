"""dataset_version_snapshot: freeze what the project would train on now into a content-addressed DatasetVersion.

Training answer per pool item: the latest human answer — the reviewed one when a second reviewer
decided, feedback waiting for review left out until then — weighted by the project's feedback_weight;
else the imported label or boxes (weight 1). Holdout items never train; they measure every version alike.
Gold items never train either (apps.feedback.gold says why), nor do the answers given to them.
For detection projects the images are copied from object storage into `image_dir`, since YOLO reads files.

Every training row carries its provenance (AI Act Art. 15(4)): `imported`, `labelled` (a first label given in the app
to a text no model had scored, apps.feedback.first_labels: weight 1 like an imported label, and no model's answer in it,
so never under the accept cap), `human_corrected`, `accepted_as_is` or `reviewed`, in the manifest (its fifth field),
the rows handed to the pipeline and so the formatted data. The project's
`max_unreviewed_accept_share` caps the share of `accepted_as_is` rows (unreviewed accepts of the model's answer, the
feedback loop through which a model trains on its own output): the excess is held back from this version (apps.training
.accept_cap), and `counts["held_back"]` records how many and why. The content hash covers the provenance and the
held-back count, so a version is one set of rows with one provenance record.
"""
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from apps.feedback.gold import gold_item_ids
from apps.feedback.selectors import latest_human_answers_with_provenance
from apps.items.images import image_open
from apps.items.models import Item, Split
from apps.items.selectors import in_processing
from apps.projects.models import Task

from .accept_cap import accept_cap_apply
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
    human, gold = latest_human_answers_with_provenance(project=project), gold_item_ids(project=project)
    items = Item.objects.filter(in_processing(), project=project).order_by("id")
    candidates, holdout, hashed_holdout, gold_excluded = [], [], [], 0
    for item in items.iterator(chunk_size=2000):
        imported = item.boxes if detection else item.label
        if item.split == Split.HOLDOUT:
            holdout.append(_row(item, imported, None, image_dir) if detection else
                           {"item_id": item.pk, "text": item.text, "label": item.label})
            hashed_holdout.append(f"{item.content_hash}:{_canonical(imported)}")
            continue
        if item.pk in gold:
            gold_excluded += 1
            continue
        if item.pk in human:
            answer, kind = human[item.pk]
            candidates.append((item, answer, float(project.feedback_weight), kind))
        elif imported is not None:  # a first label given in the app weighs like an imported one: no model to correct
            candidates.append((item, imported, 1.0, "labelled" if item.labelled_at else "imported"))
    kept, held_back = accept_cap_apply(project=project, rows=candidates)
    manifest, training = [], []
    counts: dict[str, int] = {label: 0 for label in project.labels}
    provenance: dict[str, int] = {}
    for item, answer, weight, kind in kept:
        manifest.append([item.pk, answer, weight, item.content_hash, kind])
        training.append(_row(item, answer, weight, image_dir, kind) if detection else
                        {"item_id": item.pk, "text": item.text, "label": answer, "weight": weight, "provenance": kind})
        for label in ([b["label"] for b in answer] if detection else [answer]):
            counts[label] = counts.get(label, 0) + 1
        provenance[kind] = provenance.get(kind, 0) + 1
    hashed = [(row[3], f"{row[4]}:{_canonical(row[1])}", row[2]) for row in manifest]
    if held_back["rows"]:
        hashed.append(("held_back", str(held_back["rows"]), 0.0))
    content_hash = dataset_content_hash(hashed)
    holdout_hash = hashlib.sha256("\n".join(sorted(hashed_holdout)).encode()).hexdigest()
    from_feedback = len(manifest) - provenance.get("imported", 0)
    version, _ = DatasetVersion.objects.get_or_create(
        project=project, content_hash=content_hash, holdout_hash=holdout_hash,
        defaults={"manifest": manifest, "holdout_size": len(holdout),
                  "counts": {"per_label": counts, "from_feedback": from_feedback, "total": len(manifest),
                             "provenance": provenance, "held_back": held_back, "gold_excluded": gold_excluded}},
    )
    return Snapshot(version=version, training=training, holdout=holdout)


def _row(item: Item, boxes: list[dict], weight: float | None, image_dir: Path, provenance: str = "") -> dict:
    row = {"item_id": item.pk, "image": _materialize(item, image_dir), "width": item.width, "height": item.height,
           "boxes": boxes}
    return row if weight is None else {**row, "weight": weight, "provenance": provenance}
