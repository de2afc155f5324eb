"""Dataset identity: a content-addressed hash of a training set.

The hash depends only on the multiset of ``(text, label, weight)`` rows, not on their order, so
the same training data always maps to the same id (used to tag MLflow runs and to skip
redundant retrains).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable


def dataset_hash(rows: Iterable[tuple[str, str, float]]) -> str:
    """sha256 hex digest over the canonical JSON of the sorted ``(text, label, weight)`` rows."""
    canonical = sorted(
        (str(text), str(label), float(weight)) for text, label, weight in rows
    )
    payload = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
