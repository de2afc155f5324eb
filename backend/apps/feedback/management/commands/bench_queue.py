"""`manage.py bench_queue`: how fast the review queue and the scoring's candidate query are on a large pool.

Builds a throwaway project (default 100,000 pool items, 3 predictions each by 3 versions, 5% answered) inside a
transaction that is rolled back at the end, so nothing stays behind. Times (median of --repeat runs) the queue's
first page and count as the API runs them, a deep page, the queue scoring's next chunk and its count, and the same
page with the former latest-prediction-per-item subquery for comparison. Use PostgreSQL (DATABASE_URL) for numbers
that mean something in production.
"""
import hashlib
import json
import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Subquery

from ai_models import hard_corpus
from apps.feedback.models import Feedback, GoldItem
from apps.feedback.selectors import review_queue
from apps.items.models import Item
from apps.predictions.models import Prediction
from apps.predictions.selectors import scoring_candidates
from apps.predictions.services import uncertainty_scores
from apps.projects.models import Project
from apps.training.models import ModelVersion, TrainingRun

BACKFILL = ("UPDATE items_item SET latest_prediction_id = (SELECT MAX(p.id) FROM predictions_prediction p "
            "WHERE p.item_id = items_item.id) WHERE project_id = %s")


def _prediction(project, version, item_id: int, a: float) -> Prediction:
    probabilities = {"a": round(a, 4), "b": round(1 - a, 4)}
    margin, entropy = uncertainty_scores(probabilities=probabilities, boxes=None)
    return Prediction(project=project, item_id=item_id, model_version=version, label="a" if a >= 0.5 else "b",
                      confidence=max(probabilities.values()), probabilities=probabilities, margin=margin,
                      entropy=entropy, latency_ms=1.0, request_id="bench")


class Rollback(Exception):
    pass


def _former_queue(project):
    """The queue before the latest-prediction pointer: a correlated subquery per prediction."""
    latest = Prediction.objects.filter(item=OuterRef("item")).order_by("-id").values("id")[:1]
    answered = Feedback.objects.filter(item=OuterRef("item"))
    return (Prediction.objects.filter(project=project, item__split="pool", item__erased_at__isnull=True)
            .annotate(latest_id=Subquery(latest)).filter(id=F("latest_id")).exclude(Exists(answered))
            .select_related("item", "model_version").order_by("confidence", "id"))


def _timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


class Command(BaseCommand):
    help = "Time the review queue and the scoring candidates on a large throwaway pool (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=100_000)
        parser.add_argument("--per-item", type=int, default=3, help="predictions per item (one per version)")
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--skip-former", action="store_true", help="do not time the former subquery")

    def handle(self, *args, items, per_item, repeat, skip_former, **options):
        try:
            with transaction.atomic():
                results = self._run(items, per_item, repeat, skip_former)
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(json.dumps(results, indent=2))

    def _gold(self, project, ids_unanswered: list[int], repeat: int) -> dict:
        """A person's queue with 1 in 200 pool items gold (mixed in at 5%): the page and count as the API runs them."""
        from django.contrib.auth.models import User

        from apps.feedback.queue import annotator_queue

        user = User.objects.create(username=f"bench-gold-{project.slug}")
        gold = ids_unanswered[::2]
        GoldItem.objects.bulk_create([GoldItem(project=project, item_id=i, label="a") for i in gold], batch_size=5000)
        project.gold_rate = 0.05

        def page(offset: int):
            queue = annotator_queue(project=project, user=user)
            return len(queue), queue[offset:offset + 50]

        count, first = page(0)
        assert len(first) == 50 and count == review_queue(project=project).count() + len(gold)
        return {"gold_items": len(gold), "gold_queue_first_page_with_count_ms": _timed(lambda: page(0), repeat),
                "gold_queue_page_at_offset_20000_with_count_ms": _timed(lambda: page(20000), repeat)}

    def _strategies(self, project, repeat: int) -> dict:
        """Each queue strategy's first page (with the count, as the API runs them) and a deep page; for diverse, also
        its first computation (k-means over at most QUEUE_ORDER_POOL_MAX entries, then cached)."""
        from apps.feedback.models import QueueOrdering

        results = {}
        for strategy in ("margin", "entropy", "random", "diverse"):
            project.queue_strategy = strategy
            if strategy == "diverse":
                started = time.perf_counter()
                review_queue(project=project).count()
                results["diverse_first_order_s"] = round(time.perf_counter() - started, 2)
                ordering = QueueOrdering.objects.get(project=project, kind="diverse")
                results["diverse_ranked"], results["diverse_kmeans_ms"] = ordering.size, ordering.compute_ms

            def page(offset: int):
                queue = review_queue(project=project)
                return queue.count(), list(queue[offset:offset + 50])

            results[f"{strategy}_first_page_with_count_ms"] = _timed(lambda: page(0), repeat)
            results[f"{strategy}_page_at_offset_20000_ms"] = _timed(lambda: page(20000), repeat)
        return results

    def _build(self, n: int, per_item: int) -> tuple[Project, list[ModelVersion]]:
        rng = random.Random(7)
        project = Project.objects.create(slug=f"bench-queue-{rng.randrange(10**9)}", name="bench", labels=["a", "b"],
                                         task="text_classification", promotion_metric="accuracy")
        versions = []
        for number in range(1, per_item + 1):
            run = TrainingRun.objects.create(project=project, trigger="manual", status="succeeded")
            versions.append(ModelVersion.objects.create(
                project=project, number=number, training_run=run, metrics={}, mlflow_run_id="bench",
                registered_model_name="bench", registered_version=number,
                status="champion" if number == per_item else "archived"))
        texts = [row["text"] for row in hard_corpus.generate(n, seed=7)]  # short, ambiguous: what diverse clusters
        Item.objects.bulk_create([Item(project=project, text=f"{texts[i]} {i}", split="pool",
                                       content_hash=hashlib.sha256(f"{project.slug}-{i}".encode()).hexdigest())
                                  for i in range(n)], batch_size=5000)
        ids = list(Item.objects.filter(project=project).values_list("id", flat=True))
        for version in versions:
            for start in range(0, n, 10_000):
                Prediction.objects.bulk_create([_prediction(project, version, i, rng.random())
                                                for i in ids[start:start + 10_000]], batch_size=5000)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # without statistics the planner may walk the primary key per item
                cursor.execute("ANALYZE predictions_prediction")
            cursor.execute(BACKFILL, [project.pk])
        answered = rng.sample(ids, n // 20)
        latest = dict(Item.objects.filter(pk__in=answered).values_list("id", "latest_prediction_id"))
        Feedback.objects.bulk_create([Feedback(project=project, prediction_id=latest[i], item_id=i, verdict="accept",
                                               resolved_label="a") for i in answered], batch_size=5000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in ("items_item", "predictions_prediction", "feedback_feedback"):
                    cursor.execute(f"ANALYZE {table}")
        return project, versions

    def _run(self, n: int, per_item: int, repeat: int, skip_former: bool) -> dict:
        started = time.perf_counter()
        project, versions = self._build(n, per_item)
        built = round(time.perf_counter() - started, 1)
        queue = review_queue(project=project)
        older = versions[0]
        results = {
            "database": connection.vendor, "pool_items": n, "predictions": n * per_item, "answered": n // 20,
            "build_s": built, "repeat": repeat,
            "queue_first_page_ms": _timed(lambda: list(queue[:50]), repeat),
            "queue_count_ms": _timed(queue.count, repeat),
            "queue_page_at_offset_20000_ms": _timed(lambda: list(queue[20000:20050]), repeat),
            "scoring_next_chunk_ms": _timed(
                lambda: list(scoring_candidates(project=project, model_version=older)[:1000]), repeat),
            "scoring_candidates_count_ms": _timed(
                scoring_candidates(project=project, model_version=older).count, repeat),
        }
        assert queue.count() == n - n // 20
        results.update(self._strategies(project, repeat))
        project.queue_strategy = "least_confident"
        results.update(self._gold(project, ids_unanswered=[p.item_id for p in queue[:n // 100]], repeat=repeat))
        if not skip_former:
            former = _former_queue(project)
            assert [p.pk for p in former[:50]] == [p.pk for p in queue[:50]]
            results["former_queue_first_page_ms"] = _timed(lambda: list(former[:50]), max(1, repeat // 2))
            results["former_queue_count_ms"] = _timed(former.count, max(1, repeat // 2))
        return results
