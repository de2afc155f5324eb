"""The embedding text model's vectors, cached in the database for every training process (issue: embeddings are
computed once): ai_models.encoders.embed asks its store for each text's vector and encodes only the missing ones.

DatabaseEmbeddingStore implements ai_models' EmbeddingStore over TextEmbedding, behind a bounded in-process LRU, so
a k-fold run's folds and final model (Celery tasks, possibly on other machines: no shared disk) and the next
retrain all reuse what any of them encoded. Training only (`training_embeddings()` around the stages): serving
keeps the per-process memory store, because a predict request's texts are mostly new and its path takes no extra
round trip.

Erasure and the retention purge delete the vectors of the texts they erase (embeddings_forget), keyed by the items'
content hashes, which are the sha256 of the same texts.
"""
import contextlib
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from .models import TextEmbedding

_CHUNK = 1000


class DatabaseEmbeddingStore:
    def __init__(self, memory_items: int = 20_000):
        from ai_models.encoders import MemoryEmbeddingStore

        self.memory = MemoryEmbeddingStore(max_items=memory_items)

    def get_many(self, encoder: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found = self.memory.get_many(encoder, keys)
        missing = [k for k in keys if k not in found]
        for start in range(0, len(missing), _CHUNK):
            rows = TextEmbedding.objects.filter(encoder=encoder, text_sha256__in=missing[start:start + _CHUNK])
            loaded = {sha: np.frombuffer(bytes(vector), dtype="<f4") for sha, vector in
                      rows.values_list("text_sha256", "vector")}
            self.memory.put_many(encoder, loaded)
            found.update(loaded)
        return found

    def put_many(self, encoder: str, vectors: Mapping[str, np.ndarray]) -> None:
        self.memory.put_many(encoder, vectors)
        TextEmbedding.objects.bulk_create(
            [TextEmbedding(encoder=encoder, text_sha256=sha, vector=np.asarray(v, dtype="<f4").tobytes())
             for sha, v in vectors.items()], batch_size=_CHUNK, ignore_conflicts=True)


_store: DatabaseEmbeddingStore | None = None


@contextlib.contextmanager
def training_embeddings() -> Iterator[None]:
    """ai_models' embed() reads and fills the database cache inside this block (one store per process)."""
    from ai_models.encoders import using_embedding_store

    global _store
    if _store is None:
        _store = DatabaseEmbeddingStore()
    with using_embedding_store(_store):
        yield


def embeddings_forget(text_hashes) -> int:
    """Delete the cached vectors of these texts (every encoder), here and in this process's memory: how many rows."""
    hashes = [h for h in set(text_hashes) if h]
    deleted = 0
    for start in range(0, len(hashes), _CHUNK):
        deleted += TextEmbedding.objects.filter(text_sha256__in=hashes[start:start + _CHUNK]).delete()[0]
    if _store is not None:
        _store.memory = type(_store.memory)(max_items=_store.memory.max_items)
    return deleted
