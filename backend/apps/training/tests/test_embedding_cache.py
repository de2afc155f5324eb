"""The database embedding cache: training encodes a text once for every later run and process (the real encoder),
serving keeps its own memory store, and an erasure deletes the vectors of the texts it erases."""
import numpy as np
import pytest

from apps.items.models import Item
from apps.items.services import content_hash, items_import
from apps.privacy.services import subject_erase
from apps.training import embedding_cache
from apps.training.embedding_cache import DatabaseEmbeddingStore, training_embeddings
from apps.training.models import TextEmbedding

pytestmark = pytest.mark.django_db
ENCODER = "all-MiniLM-L6-v2"


def test_training_encodes_each_text_once_for_every_later_process(monkeypatch):
    from ai_models import encoders

    texts = ["my card was charged twice", "where is my parcel", "my card was charged twice"]
    with training_embeddings():
        first = encoders.embed(texts, ENCODER)
    assert first.shape == (3, 384) and np.allclose(np.linalg.norm(first, axis=1), 1, atol=1e-5)
    assert TextEmbedding.objects.count() == 2  # one row per distinct text
    assert set(TextEmbedding.objects.values_list("text_sha256", flat=True)) == {content_hash(t) for t in texts}

    # Another process (a fresh store, an empty memory): every vector comes from the table, nothing is encoded.
    monkeypatch.setattr(embedding_cache, "_store", DatabaseEmbeddingStore())
    monkeypatch.setattr(encoders, "load_encoder", lambda _id: pytest.fail("encoded a cached text again"))
    with training_embeddings():
        again = encoders.embed(texts, ENCODER)
    assert np.array_equal(first, again)
    assert encoders.embedding_store() is not embedding_cache._store  # outside training: the process default


def test_erasure_deletes_the_vectors_of_the_texts_it_erases(project, users):
    text = "Ottoline Fairweather-Crisp wants her refund"
    items_import(project=project, actor=users["engineer"], rows=[{"text": text, "subject_ref": "subject-embed-1"}])
    store = DatabaseEmbeddingStore()
    vector = np.ones(384, dtype=np.float32) / np.sqrt(384)
    store.put_many("enc@1", {content_hash(text): vector, content_hash("someone else"): vector})
    store.put_many("enc@2", {content_hash(text): vector})
    erasure = subject_erase(subject_ref="subject-embed-1", actor=users["admin"])
    assert erasure.result["embeddings"] == 2
    assert list(TextEmbedding.objects.values_list("text_sha256", flat=True)) == [content_hash("someone else")]
    assert Item.objects.filter(erased_at__isnull=False).count() == 1
