"""Where computed sentence embeddings are kept, so that each text is encoded once per encoder.

Responsible for the :class:`EmbeddingStore` interface — vectors keyed by ``(encoder key, sha256 of the text)`` —
and two implementations: :class:`MemoryEmbeddingStore` (a bounded LRU, the per-process default) and
:class:`SqliteEmbeddingStore` (one file, shared by the processes of a machine). A backend can implement the same
two methods over a database table. A store never decides what to encode; :func:`ai_models.encoders.embed` does.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class EmbeddingStore(Protocol):
    """Vectors by (encoder key, text sha256). ``get_many`` returns only the keys it holds."""

    def get_many(self, encoder: str, keys: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, encoder: str, vectors: Mapping[str, np.ndarray]) -> None: ...


class MemoryEmbeddingStore:
    """At most ``max_items`` vectors in this process, least recently used dropped first (thread-safe)."""

    def __init__(self, max_items: int = 50_000) -> None:
        self.max_items = max_items
        self._items: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get_many(self, encoder: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found = {}
        with self._lock:
            for key in keys:
                vector = self._items.get((encoder, key))
                if vector is not None:
                    self._items.move_to_end((encoder, key))
                    found[key] = vector
        return found

    def put_many(self, encoder: str, vectors: Mapping[str, np.ndarray]) -> None:
        with self._lock:
            for key, vector in vectors.items():
                self._items[(encoder, key)] = np.asarray(vector, dtype=np.float32)
                self._items.move_to_end((encoder, key))
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)


class SqliteEmbeddingStore:
    """Vectors as float32 blobs in one SQLite file (WAL: readers in other processes do not block writers)."""

    _SCHEMA = ("CREATE TABLE IF NOT EXISTS embedding (encoder TEXT NOT NULL, sha256 TEXT NOT NULL, "
               "vector BLOB NOT NULL, PRIMARY KEY (encoder, sha256)) WITHOUT ROWID")
    _CHUNK = 500  # below SQLite's bound-parameter limit

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(self._SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite3.connect(self.path, timeout=30)
        return db

    def get_many(self, encoder: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        db, found = self._connect(), {}
        keys = list(keys)
        for start in range(0, len(keys), self._CHUNK):
            chunk = keys[start: start + self._CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = db.execute(f"SELECT sha256, vector FROM embedding WHERE encoder = ? AND sha256 IN ({marks})",
                              [encoder, *chunk])
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, encoder: str, vectors: Mapping[str, np.ndarray]) -> None:
        with self._connect() as db:
            db.executemany("INSERT OR IGNORE INTO embedding (encoder, sha256, vector) VALUES (?, ?, ?)",
                           [(encoder, key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in vectors.items()])
