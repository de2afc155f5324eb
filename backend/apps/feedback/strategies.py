"""Queue strategies: the order of the review queue after its contested entries (Project.queue_strategy).

- least_confident (default): the prediction's top probability, smallest first (images: the lowest box confidence).
- margin: top1 - top2 probability, smallest first; entropy: -sum p ln p, largest first. Both are columns computed
  once when the prediction is stored (apps.predictions.services.uncertainty_scores) and indexed by (project, score),
  so these orders cost what least_confident costs. Images: from the boxes' confidences (ai_models.selection).
- random: a shuffle seeded per project, md5(HMAC(SECRET_KEY, project) + item id): stable across pages, reloads and
  rescoring, different between projects; the baseline that the other strategies must beat.
- diverse: uncertainty and diversity (ai_models.selection.diverse_order: k-means on TF-IDF, the most uncertain
  of each cluster first, interleaved). It needs the whole pool, so its ranks are cached in QueueRank rows and the
  queue joins them. Texts only: a detection project falls back to least_confident and the queue says so.

Every strategy orders the same QuerySet (contested first, then the strategy, then id), so counting, paging, gold
mixing (apps.feedback.queue) and callers that filter the queue keep working whatever the strategy.

The cached orders (diverse; and the cold-start coverage order of items no model has scored yet) are rebuilt when
stale: another champion, or more than STALE_SHARE of the live entries newer than the ordering. Answered entries just
drop out, so an ordering is not recomputed on each answer or page: at most one k-means per champion plus one per
10% growth of the pool. At most settings.QUEUE_ORDER_POOL_MAX entries are ranked (the most uncertain for diverse,
the oldest items for coverage); the rest follow in least-confident (or id) order.
"""
import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import MD5, Cast, Concat

from apps.projects.models import QueueStrategy, Task
from apps.training.envelope import model_family
from apps.training.models import ModelStatus, ModelVersion

from .models import QueueOrdering, QueueRank

STALE_SHARE = 0.1
DEFAULT_POOL_MAX = 20_000
_BY_SCORE = {
    QueueStrategy.LEAST_CONFIDENT: (F("confidence").asc(),),
    QueueStrategy.MARGIN: (F("margin").asc(nulls_last=True), F("confidence").asc()),
    QueueStrategy.ENTROPY: (F("entropy").desc(nulls_last=True), F("confidence").asc()),
}


@dataclass(frozen=True)
class AppliedStrategy:
    """The strategy that orders a project's queue: `strategy` is what ordered it, `note` why that is not the
    project's setting (empty when it is)."""

    strategy: str
    note: str = ""


def strategy_applied(*, project) -> AppliedStrategy:
    wanted = project.queue_strategy or QueueStrategy.LEAST_CONFIDENT
    if wanted == QueueStrategy.DIVERSE and project.task == Task.OBJECT_DETECTION:
        return AppliedStrategy(QueueStrategy.LEAST_CONFIDENT,
                               "diverse clusters texts; a detection project's queue is ordered least_confident")
    return AppliedStrategy(wanted)


def _pool_max() -> int:
    return int(getattr(settings, "QUEUE_ORDER_POOL_MAX", DEFAULT_POOL_MAX))


def _clusters() -> int | None:
    """k for k-means (settings.QUEUE_DIVERSE_CLUSTERS; default ai_models.selection.DEFAULT_CLUSTERS, at most n/2)."""
    return getattr(settings, "QUEUE_DIVERSE_CLUSTERS", None)


def shuffle_seed(project_id: int) -> str:
    """The project's random-order seed: keyed by the server's secret, so nobody can compute the order outside."""
    return hmac.new(settings.SECRET_KEY.encode(), f"queue-random:{project_id}".encode(), hashlib.sha256).hexdigest()[:16]


def strategy_ordered(queue: QuerySet, *, project, refresh: bool = True) -> QuerySet:
    """`queue` (review_queue's entries, with `contested`) ordered by the project's strategy, contested first.

    `refresh=False` skips rebuilding a stale diverse ordering (a caller that only counts)."""
    strategy = strategy_applied(project=project).strategy
    if strategy == QueueStrategy.RANDOM:
        shuffle = MD5(Concat(Value(shuffle_seed(project.pk) + ":"), Cast("item_id", output_field=CharField())))
        return queue.annotate(shuffle=shuffle).order_by("-contested", "shuffle", "id")
    if strategy == QueueStrategy.DIVERSE:
        if refresh:
            diverse_ordering_refresh(project=project, queue=queue)
        return (queue.annotate(diverse_rank=_rank(project, QueueOrdering.Kind.DIVERSE))
                .order_by("-contested", F("diverse_rank").asc(nulls_last=True), "confidence", "id"))
    return queue.order_by("-contested", *_BY_SCORE[strategy], "id")


def _rank(project, kind: str) -> Subquery:
    ranks = QueueRank.objects.filter(ordering__project=project, ordering__kind=kind, object_id=OuterRef("pk"))
    return Subquery(ranks.values("rank")[:1])


def _champion_key(project) -> str:
    champion = ModelVersion.objects.filter(project=project, status=ModelStatus.CHAMPION).values_list("pk", flat=True)
    return f"champion:{champion.first() or 0}"


def _stored_vectors(project, texts: list[str]):
    """The champion's sentence vectors of `texts` when it is an embedding_lr model and the embedding store already
    holds every one of them (ai_models.encoders); else None, and diverse clusters TF-IDF. Never encodes here: a
    queue page must not wait for an encoder over the whole pool."""
    params = (ModelVersion.objects.filter(project=project, status=ModelStatus.CHAMPION)
              .values_list("training_run__params", flat=True).first())
    family = model_family(task=project.task, params=params or {})
    if not family.startswith("embedding_lr.") or not texts:
        return None
    import numpy as np

    from ai_models.encoders import EncoderFilesError, embedding_store, encoder_key, text_sha256

    try:
        key = encoder_key(family.split(".", 1)[1])
    except EncoderFilesError:
        return None
    hashes = [text_sha256(t) for t in texts]
    found = embedding_store().get_many(key, list(dict.fromkeys(hashes)))
    if len(found) < len(set(hashes)):
        return None
    return np.stack([found[h] for h in hashes])


def _stale(ordering: QueueOrdering | None, key: str, rows: QuerySet) -> bool:
    if ordering is None or ordering.key != key:
        return True
    newer = rows.filter(pk__gt=ordering.last_id).count()
    return newer > int(ordering.size * STALE_SHARE)


def diverse_ordering_refresh(*, project, queue: QuerySet) -> QueueOrdering | None:
    """Rebuild the project's diverse ranks if stale (see the module docstring); the ordering (None: nothing to rank)."""
    key = _champion_key(project)
    ordering = QueueOrdering.objects.filter(project=project, kind=QueueOrdering.Kind.DIVERSE).first()
    if not _stale(ordering, key, queue):
        return ordering
    rows = list(queue.order_by("confidence", "id").values_list("pk", "item__text", "confidence")[:_pool_max()])
    rows.sort(key=lambda row: row[0])  # the input order (and so the clusters) depends on the set, not its scores
    from ai_models.selection import diverse_order

    started = time.perf_counter()
    texts = [text or "" for _pk, text, _c in rows]
    order = diverse_order(texts, [1.0 - c for _pk, _t, c in rows], seed=project.pk, k=_clusters(),
                          vectors=_stored_vectors(project, texts)) if rows else []
    return _ordering_store(project=project, kind=QueueOrdering.Kind.DIVERSE, key=key, ids=[rows[i][0] for i in order],
                           last_id=queue.aggregate(last=Max("pk"))["last"] or 0,
                           ms=(time.perf_counter() - started) * 1000)


def coverage_ordering_refresh(*, project, items: QuerySet) -> QueueOrdering | None:
    """The cold-start order of `items` (texts no model has scored): cluster representatives first
    (ai_models.selection.coverage_order), rebuilt when more than STALE_SHARE of the items are newer than it."""
    ordering = QueueOrdering.objects.filter(project=project, kind=QueueOrdering.Kind.COVERAGE).first()
    if not _stale(ordering, "cold_start", items):
        return ordering
    rows = list(items.order_by("id").values_list("pk", "text")[:_pool_max()])
    from ai_models.selection import coverage_order

    started = time.perf_counter()
    order = coverage_order([text or "" for _pk, text in rows], seed=project.pk, k=_clusters()) if rows else []
    return _ordering_store(project=project, kind=QueueOrdering.Kind.COVERAGE, key="cold_start",
                           ids=[rows[i][0] for i in order], last_id=items.aggregate(last=Max("pk"))["last"] or 0,
                           ms=(time.perf_counter() - started) * 1000)


def coverage_ordered(items: QuerySet, *, project) -> QuerySet:
    """`items` in cold-start coverage order (ranked ones first, the rest by id)."""
    coverage_ordering_refresh(project=project, items=items)
    return (items.annotate(coverage_rank=_rank(project, QueueOrdering.Kind.COVERAGE))
            .order_by(F("coverage_rank").asc(nulls_last=True), "id"))


def _ordering_store(*, project, kind: str, key: str, ids: list[int], last_id: int, ms: float) -> QueueOrdering:
    """Replace the project's `kind` ranks in one transaction. A cache fill, not a domain change: no audit event
    (it records nothing anyone did). Two requests racing compute the same ranks; the row lock orders their writes."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                ordering, _ = QueueOrdering.objects.get_or_create(project=project, kind=kind)
                ordering = QueueOrdering.objects.select_for_update().get(pk=ordering.pk)
                QueueRank.objects.filter(ordering=ordering).delete()
                QueueRank.objects.bulk_create([QueueRank(ordering=ordering, object_id=object_id, rank=rank)
                                               for rank, object_id in enumerate(ids)], batch_size=5000)
                ordering.key, ordering.last_id, ordering.size = key, last_id, len(ids)
                ordering.compute_ms = round(ms, 1)
                ordering.save()
                return ordering
        except IntegrityError:  # another request created the ordering row first: take its lock next time
            continue
    raise RuntimeError(f"could not store the {kind} ordering of project {project.pk}")
