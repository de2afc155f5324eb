"""Where a dataset version's training labels came from (AI Act Art. 15(4), Annex IV 2(d)): reads only.

Each training row of a DatasetVersion is an item with its label and, since the provenance was stored per row, its
provenance kind as the manifest row's fifth field (apps.training.datasets decides it from the answer it uses): no
human answer → `imported`, or `labelled` when the item's label is a first label given in the app
(apps.feedback.first_labels); a second reviewer's or a contest's decision → `reviewed`; a correction → `human_corrected`;
an accepted prediction → `accepted_as_is`. Manifests written before that (four fields a row) are read as they always
were: the kind is recomputed from the item's latest human answer given before the snapshot (feedback waiting for
review, and answers to gold items, are not training answers). The model card stores the mix at registration
(apps.training.model_card), so later feedback does not change it.
"""
from collections import Counter

from apps.feedback.models import Feedback, FeedbackStatus
from apps.feedback.selectors import answer_provenance, decides_contest
from apps.items.models import Item

KINDS = ("imported", "labelled", "human_corrected", "accepted_as_is", "reviewed")


def manifest_row_provenance(dataset_version) -> dict[int, str] | None:
    """item id -> provenance kind as stored in the manifest; None for a manifest from before it was stored."""
    manifest = dataset_version.manifest
    if any(len(row) < 5 for row in manifest):
        return None
    return {row[0]: row[4] for row in manifest}


def training_label_provenance(*, dataset_version) -> dict[str, int]:
    """{kind: training rows} over KINDS (0 for a kind not present)."""
    stored = manifest_row_provenance(dataset_version)
    if stored is not None:
        counts = Counter(stored.values())
        return {kind: counts.get(kind, 0) for kind in KINDS}
    item_ids = {row[0] for row in dataset_version.manifest}
    latest: dict[int, str] = {}
    rows = (Feedback.objects.filter(project_id=dataset_version.project_id, created_at__lte=dataset_version.created_at,
                                    gold_agrees__isnull=True)
            .exclude(status=FeedbackStatus.PENDING_REVIEW).annotate(decision=decides_contest())
            .order_by("created_at", "id")
            .values_list("item_id", "status", "verdict", "decision"))
    for item_id, status, verdict, decision in rows.iterator(chunk_size=5000):
        if item_id in item_ids:
            latest[item_id] = answer_provenance(status, verdict, decision)
    counts = Counter(latest.values())
    counts["imported"] = len(item_ids) - len(latest)
    return {kind: counts.get(kind, 0) for kind in KINDS}


def training_sources(*, dataset_version) -> dict[str, int]:
    """{Item.source: training rows} (import, predict, upload...)."""
    item_ids = {row[0] for row in dataset_version.manifest}
    counts: Counter = Counter()
    rows = Item.objects.filter(project_id=dataset_version.project_id).values_list("id", "source")
    for item_id, source in rows.iterator(chunk_size=5000):
        if item_id in item_ids:
            counts[source] += 1
    return dict(sorted(counts.items()))
