"""Sentence encoders for the embedding text model: verified offline files, one loaded encoder per process, and
:func:`embed`, which encodes only the texts the embedding store does not hold yet.

The store is process-wide (:func:`set_embedding_store`): a ``MemoryEmbeddingStore`` by default, a SQLite file when
``HITL_EMBEDDING_CACHE`` names one, or whatever a caller (e.g. the backend, over a database table) sets.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ai_models.encoders.files import EncoderFilesError, encoder_dir, encoder_spec
from ai_models.encoders.store import EmbeddingStore, MemoryEmbeddingStore, SqliteEmbeddingStore

__all__ = ["EncoderFilesError", "EmbeddingStore", "MemoryEmbeddingStore", "SqliteEmbeddingStore", "embed",
           "encoder_key", "load_encoder", "set_embedding_store", "embedding_store", "text_sha256", "using_embedding_store"]

ENV_CACHE_FILE = "HITL_EMBEDDING_CACHE"
_lock = threading.Lock()
_encoders: dict[str, Any] = {}
_store: EmbeddingStore | None = None


def encoder_key(encoder_id: str) -> str:
    """What cached vectors are filed under: the encoder's id and a prefix of its files' fingerprint."""
    return f"{encoder_id}@{encoder_spec(encoder_id).fingerprint[:16]}"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_encoder(encoder_id: str) -> Any:
    """The process's encoder for ``encoder_id``, loaded once from its verified files (``encode(texts)``)."""
    with _lock:
        if encoder_id not in _encoders:
            from ai_models.encoders.minilm import MiniLMEncoder

            _encoders[encoder_id] = MiniLMEncoder(encoder_dir(encoder_id))
        return _encoders[encoder_id]


def set_embedding_store(store: EmbeddingStore | None) -> None:
    """Use ``store`` for every later :func:`embed` of this process (``None``: back to the default)."""
    global _store
    _store = store


@contextlib.contextmanager
def using_embedding_store(store: EmbeddingStore) -> Iterator[None]:
    """Use ``store`` inside the block, then whatever was set before (the backend's training uses a database one)."""
    global _store
    previous, _store = _store, store
    try:
        yield
    finally:
        _store = previous


def embedding_store() -> EmbeddingStore:
    global _store
    if _store is None:
        path = os.environ.get(ENV_CACHE_FILE)
        _store = SqliteEmbeddingStore(path) if path else MemoryEmbeddingStore()
    return _store


def embed(texts: Sequence[str], encoder_id: str, store: EmbeddingStore | None = None) -> np.ndarray:
    """Unit vectors ``(len(texts), dim)`` for ``texts``; only texts missing from the store are encoded (once each)."""
    texts = list(texts)
    store = store if store is not None else embedding_store()
    key = encoder_key(encoder_id)
    hashes = [text_sha256(t) for t in texts]
    found = store.get_many(key, list(dict.fromkeys(hashes)))
    missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in found}
    if missing:
        vectors = load_encoder(encoder_id).encode(list(missing.values()))
        new = dict(zip(missing, vectors, strict=True))
        store.put_many(key, new)
        found.update(new)
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)
