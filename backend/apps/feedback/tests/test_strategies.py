"""Queue strategies (apps.feedback.strategies): each strategy's exact order on predictions with known probabilities,
paging that holds still, contested entries first and gold mixing under any strategy, the cold-start coverage order,
and the project setting (validated, audited)."""
import hashlib

import pytest

from apps.audit.models import AuditEvent
from apps.feedback.models import QueueOrdering
from apps.feedback.queue import annotator_queue, gold_slot_positions
from apps.feedback.selectors import cold_start_items, review_queue
from apps.feedback.strategies import shuffle_seed
from apps.items.models import Item
from apps.predictions.models import Prediction
from apps.predictions.services import predictions_record
from apps.projects.services import project_create, project_member_add
from apps.training.models import ModelVersion, TrainingRun

pytestmark = pytest.mark.django_db
LABELS = ["a", "b", "c"]
# name: probabilities. Orders: least confident p3 p1 p2 p5 p4; margin p2 p3 p1 p5 p4; entropy p3 p1 p5 p2 p4.
KNOWN = {
    "p1": {"a": 0.40, "b": 0.35, "c": 0.25},
    "p2": {"a": 0.50, "b": 0.49, "c": 0.01},
    "p3": {"a": 0.345, "b": 0.33, "c": 0.325},
    "p4": {"a": 0.90, "b": 0.05, "c": 0.05},
    "p5": {"a": 0.60, "b": 0.20, "c": 0.20},
}
TOPICS = {  # three topics of disjoint words: each text its topic's three words and one of its own
    topic: [f"{core} {extra}" for extra in extras] for topic, core, extras in [
        ("billing", "invoice refund payment", ["twice", "receipt", "fee", "price"]),
        ("shipping", "parcel courier delivery", ["late", "address", "tracking", "damaged"]),
        ("login", "password login account", ["locked", "reset", "email", "code"])]
}


def champion(project, number: int = 1) -> ModelVersion:
    run = TrainingRun.objects.create(project=project, trigger="manual", status="succeeded")
    ModelVersion.objects.filter(project=project, status="champion").update(status="archived")
    return ModelVersion.objects.create(project=project, number=number, training_run=run, status="champion",
                                       metrics={}, mlflow_run_id="r", registered_model_name=project.slug,
                                       registered_version=number)


def predicted(project, version, rows: list[tuple[str, dict]]) -> list[Prediction]:
    """Pool items with these texts, each with a prediction of these probabilities (stored as every path stores)."""
    items = Item.objects.bulk_create([Item(project=project, text=text, split="pool",
                                           content_hash=hashlib.sha256(f"{project.pk}:{text}".encode()).hexdigest())
                                      for text, _ in rows])
    return predictions_record([
        Prediction(project=project, item=item, model_version=version, label=max(probs, key=probs.get),
                   confidence=max(probs.values()), probabilities=probs, latency_ms=1.0, request_id="t")
        for item, (_text, probs) in zip(items, rows, strict=True)])


@pytest.fixture
def known(users):
    project = project_create(slug="known", name="Known", task="text_classification", labels=LABELS,
                             creator=users["engineer"])
    for role in ("annotator", "reviewer"):
        project_member_add(project=project, user=users[role], actor=users["engineer"])
    rows = predicted(project, champion(project), [(f"text of {name}", probs) for name, probs in KNOWN.items()])
    return project, dict(zip(KNOWN, rows, strict=True))


def names(project, by_pk: dict) -> list[str]:
    back = {p.pk: name for name, p in by_pk.items()}
    return [back[p.pk] for p in review_queue(project=project)]


def set_strategy(project, strategy: str) -> None:
    project.queue_strategy = strategy
    project.save(update_fields=["queue_strategy"])


@pytest.mark.parametrize("strategy, order", [
    ("least_confident", ["p3", "p1", "p2", "p5", "p4"]),
    ("margin", ["p2", "p3", "p1", "p5", "p4"]),
    ("entropy", ["p3", "p1", "p5", "p2", "p4"]),
])
def test_score_strategies_order_exactly(known, strategy, order):
    project, by_name = known
    set_strategy(project, strategy)
    assert names(project, by_name) == order
    p1 = Prediction.objects.get(pk=by_name["p1"].pk)
    assert p1.margin == pytest.approx(0.05) and p1.entropy == pytest.approx(1.0805, abs=1e-4)


def test_random_is_a_seeded_shuffle_of_items_that_pages_the_same(users, client_for):
    project = project_create(slug="shuffled", name="S", task="text_classification", labels=LABELS,
                             creator=users["engineer"], queue_strategy="random")
    project_member_add(project=project, user=users["annotator"], actor=users["engineer"])
    rows = predicted(project, champion(project), [(f"text {i}", {"a": 0.3 + i / 100, "b": 0.2, "c": 0.1})
                                                  for i in range(30)])
    seed = shuffle_seed(project.pk)
    expected = sorted(rows, key=lambda p: hashlib.md5(f"{seed}:{p.item_id}".encode()).hexdigest())
    assert [p.pk for p in review_queue(project=project)] == [p.pk for p in expected]
    assert [p.pk for p in expected] != sorted(p.pk for p in rows)  # not insertion order
    api = client_for(users["annotator"])
    paged = [e["prediction_id"] for offset in range(0, 30, 7)
             for e in api.get(f"/api/v1/projects/shuffled/queue/?limit=7&offset={offset}").json()["results"]]
    assert paged == [p.pk for p in expected]
    assert api.get("/api/v1/projects/shuffled/queue/").json()["strategy"] == "random"


@pytest.fixture
def topics(users, settings):
    """12 texts in 3 topics of disjoint words; least confident puts all of "login" first."""
    settings.QUEUE_DIVERSE_CLUSTERS = 3
    project = project_create(slug="topics", name="T", task="text_classification", labels=LABELS,
                             creator=users["engineer"], queue_strategy="diverse")
    project_member_add(project=project, user=users["annotator"], actor=users["engineer"])
    top = {"login": 0.35, "billing": 0.55, "shipping": 0.75}  # each topic's top probability, by rank inside it
    rows = [(text, {"a": top[topic] + rank / 100, "b": 0.1, "c": 0.05})
            for topic, texts in TOPICS.items() for rank, text in enumerate(texts)]
    return project, predicted(project, champion(project), rows)


def test_diverse_takes_the_most_uncertain_of_each_cluster_in_turn(topics):
    project, rows = topics
    text = {p.pk: p.item.text for p in rows}
    order = [text[p.pk] for p in review_queue(project=project)]
    # Round robin over the clusters (login, billing, shipping: by their most uncertain text), each by uncertainty.
    assert order == [TOPICS[t][rank] for rank in range(4) for t in ("login", "billing", "shipping")]


def test_diverse_pages_the_same_and_is_not_recomputed_per_page(topics, users, client_for, monkeypatch):
    import ai_models.selection

    project, rows = topics
    calls = []
    original = ai_models.selection.diverse_order
    monkeypatch.setattr(ai_models.selection, "diverse_order", lambda *a, **k: calls.append(1) or original(*a, **k))
    api = client_for(users["annotator"])
    first = api.get("/api/v1/projects/topics/queue/?limit=12").json()
    assert first["strategy"] == "diverse" and first["strategy_note"] == ""
    paged = [e["prediction_id"] for offset in range(0, 12, 5)
             for e in api.get(f"/api/v1/projects/topics/queue/?limit=5&offset={offset}").json()["results"]]
    assert paged == [e["prediction_id"] for e in first["results"]] and len(calls) == 1
    # An answer takes its entry out without a new clustering; the rest keep their order.
    answered = first["results"][0]["prediction_id"]
    assert api.post(f"/api/v1/predictions/{answered}/feedback/", {"verdict": "accept"},
                    format="json").status_code == 201
    after = [e["prediction_id"] for e in api.get("/api/v1/projects/topics/queue/?limit=12").json()["results"]]
    assert after == [e["prediction_id"] for e in first["results"]][1:] and len(calls) == 1
    # A new champion makes the ordering stale: computed again, once.
    champion(project, number=2)
    api.get("/api/v1/projects/topics/queue/")
    api.get("/api/v1/projects/topics/queue/")
    assert len(calls) == 2
    assert QueueOrdering.objects.get(project=project, kind="diverse").key.startswith("champion:")


def test_diverse_falls_back_on_detection_and_says_so(users, client_for):
    project = project_create(slug="boxes", name="B", task="object_detection", labels=LABELS,
                             creator=users["engineer"], queue_strategy="diverse")
    project_member_add(project=project, user=users["annotator"], actor=users["engineer"])
    page = client_for(users["annotator"]).get("/api/v1/projects/boxes/queue/").json()
    assert page["strategy"] == "least_confident" and "detection" in page["strategy_note"]


def test_contested_first_and_gold_mixing_hold_under_entropy(known, users, client_for):
    project, by_name = known
    set_strategy(project, "entropy")
    annotator, reviewer = client_for(users["annotator"]), client_for(users["reviewer"])
    contested = annotator.post(f"/api/v1/predictions/{by_name['p4'].pk}/contest/", {"reason": "wrong"},
                               format="json")
    assert contested.status_code == 201, contested.content
    assert names(project, by_name) == ["p4", "p3", "p1", "p5", "p2"]  # the contest first, then by entropy
    gold = reviewer.post("/api/v1/projects/known/gold/", {"item_id": by_name["p5"].item_id, "label": "a"},
                         format="json")
    assert gold.status_code == 201, gold.content
    project.gold_rate = 0.25
    project.save(update_fields=["gold_rate"])
    queue = annotator_queue(project=project, user=users["annotator"])
    entries = list(queue[0:len(queue)])
    slots = gold_slot_positions(project=project, user=users["annotator"], upto=len(entries))
    assert [i for i, p in enumerate(entries) if p.pk == by_name["p5"].pk] == slots[:1]
    ordinary = [p.pk for p in entries if p.pk != by_name["p5"].pk]
    assert ordinary == [by_name[n].pk for n in ("p4", "p3", "p1", "p2")]


def test_cold_start_orders_unscored_texts_by_cluster_representatives(users, client_for, settings):
    settings.QUEUE_DIVERSE_CLUSTERS = 3
    project = project_create(slug="fresh", name="F", task="text_classification", labels=LABELS,
                             creator=users["engineer"])
    project_member_add(project=project, user=users["annotator"], actor=users["engineer"])
    texts = [text for group in TOPICS.values() for text in group]  # inserted topic by topic
    Item.objects.bulk_create([Item(project=project, text=t, split="pool", content_hash=hashlib.sha256(t.encode())
                                   .hexdigest()) for t in texts])
    api = client_for(users["annotator"])
    assert api.get("/api/v1/projects/fresh/queue/").json()["count"] == 0  # no model: nothing scored
    page = api.get("/api/v1/projects/fresh/queue/cold-start/?limit=12").json()
    order = [e["text"] for e in page["results"]]
    assert page["count"] == 12 and sorted(order) == sorted(texts)
    topic_of = {text: topic for topic, group in TOPICS.items() for text in group}
    assert {topic_of[t] for t in order[:3]} == set(TOPICS)  # the first three cover the three clusters
    assert [topic_of[t] for t in texts[:3]] == ["billing"] * 3  # where insertion order would have started
    paged = [e["text"] for offset in (0, 5, 10)
             for e in api.get(f"/api/v1/projects/fresh/queue/cold-start/?limit=5&offset={offset}").json()["results"]]
    assert paged == order
    assert AuditEvent.objects.filter(action="personal_data.read", details__via="feedback.cold_start").exists()
    assert [i.text for i in cold_start_items(project=project)] == order


def test_the_setting_is_validated_and_audited(known, users, client_for):
    project, _ = known
    api = client_for(users["engineer"])
    before = AuditEvent.objects.count()
    bad = api.patch("/api/v1/projects/known/", {"queue_strategy": "loudest", "gold_rate": 0.1}, format="json")
    assert bad.status_code == 400 and "queue_strategy" in bad.content.decode()
    project.refresh_from_db()
    assert (project.queue_strategy, project.gold_rate, AuditEvent.objects.count()) == ("least_confident", 0.05, before)
    good = api.patch("/api/v1/projects/known/", {"queue_strategy": "margin"}, format="json")
    assert good.status_code == 200 and good.json()["queue_strategy"] == "margin"
    event = AuditEvent.objects.filter(action="project.updated").latest("seq")
    assert event.details == {"queue_strategy": {"before": "least_confident", "after": "margin"}}
    assert client_for(users["annotator"]).get("/api/v1/projects/known/queue/").json()["strategy"] == "margin"


def test_diverse_clusters_an_embedding_champions_stored_vectors(topics, settings):
    """A champion of the embedding family whose vectors the embedding store holds: those are clustered, not TF-IDF.
    Here the vectors group the texts by their rank inside a topic (what TF-IDF cannot see), so the first four
    entries are the most uncertain text of each rank group."""
    import numpy as np

    from ai_models.encoders import MemoryEmbeddingStore, encoder_key, set_embedding_store, text_sha256

    project, rows = topics
    settings.QUEUE_DIVERSE_CLUSTERS = 4
    TrainingRun.objects.filter(project=project).update(
        params={"text_classification": {"model": "embedding_lr", "encoder": "all-MiniLM-L6-v2"}})
    store = MemoryEmbeddingStore()
    store.put_many(encoder_key("all-MiniLM-L6-v2"), {
        text_sha256(text): np.eye(4, dtype=np.float32)[rank] + 0.01 * index
        for index, group in enumerate(TOPICS.values()) for rank, text in enumerate(group)})
    set_embedding_store(store)
    try:
        order = [p.item.text for p in review_queue(project=project)]
    finally:
        set_embedding_store(None)
    assert order == [TOPICS[t][rank] for t in ("login", "billing", "shipping") for rank in range(4)]


@pytest.mark.parametrize("strategy, order", [
    ("least_confident", ["one_low_box", "no_box", "two_boxes"]),
    ("margin", ["no_box", "two_boxes", "one_low_box"]),  # |2c - 1| of the most torn box; no box: one at 0.5
    ("entropy", ["two_boxes", "no_box", "one_low_box"]),  # binary entropies summed over the boxes
])
def test_detection_scores_come_from_the_box_confidences(users, strategy, order):
    project = project_create(slug="shapes", name="S", task="object_detection", labels=LABELS,
                             creator=users["engineer"], queue_strategy=strategy)
    version = champion(project)
    boxes = {"two_boxes": [0.9, 0.55], "one_low_box": [0.3], "no_box": []}
    items = Item.objects.bulk_create([Item(project=project, split="pool", storage_key=f"k/{name}",
                                           content_hash=hashlib.sha256(name.encode()).hexdigest()) for name in boxes])
    stored = predictions_record([
        Prediction(project=project, item=item, model_version=version, confidence=min(confs, default=0.5),
                   boxes=[{"label": "a", "confidence": c, "x": 1, "y": 1, "w": 5, "h": 5} for c in confs],
                   latency_ms=1.0, request_id="t")
        for item, confs in zip(items, boxes.values(), strict=True)])
    back = {p.pk: name for p, name in zip(stored, boxes, strict=True)}
    assert [back[p.pk] for p in review_queue(project=project)] == order
