"""Where a dataset version's training labels came from (AI Act Art. 15(4), Annex IV 2(d)): reads only.

Each training row of a DatasetVersion is an item with its label. Its provenance is decided by the item's latest
human answer given before the snapshot (apps.training.datasets uses the same answer): none → `imported`; a second
reviewer's decision → `reviewed`; a correction → `human_corrected`; an accepted prediction → `accepted_as_is`.
Feedback still waiting for review is not a training answer and is not counted. The model card stores the mix at
registration (apps.training.model_card), so later feedback does not change it.
"""
from collections import Counter

from apps.feedback.models import Feedback, FeedbackStatus, Verdict
from apps.items.models import Item

KINDS = ("imported", "human_corrected", "accepted_as_is", "reviewed")


def _kind(status: str, verdict: str) -> str:
    if status == FeedbackStatus.REVIEWED:
        return "reviewed"
    return "human_corrected" if verdict == Verdict.CORRECT else "accepted_as_is"


def training_label_provenance(*, dataset_version) -> dict[str, int]:
    """{kind: training rows} over KINDS (0 for a kind not present)."""
    item_ids = {row[0] for row in dataset_version.manifest}
    latest: dict[int, str] = {}
    rows = (Feedback.objects.filter(project_id=dataset_version.project_id, created_at__lte=dataset_version.created_at)
            .exclude(status=FeedbackStatus.PENDING_REVIEW).order_by("created_at", "id")
            .values_list("item_id", "status", "verdict"))
    for item_id, status, verdict in rows.iterator(chunk_size=5000):
        if item_id in item_ids:
            latest[item_id] = _kind(status, verdict)
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
