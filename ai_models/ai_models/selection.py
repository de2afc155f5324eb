"""What people label next: uncertainty scores of one prediction, and the orders that need the whole pool.

Pure functions over plain lists (no Django): the backend stores `text_scores` / `detection_scores` with every
prediction (so the queue orders by an indexed column) and calls `diverse_order` / `coverage_order` when a project's
queue strategy needs the pool as a whole. Both orders are deterministic for a given input order and seed, so any
process that computes them pages the same way.

Must not: read the database, download anything, or keep state between calls.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

# No box found: the image counts as one box at 0.5, as its stored confidence does (apps.predictions.detection).
EMPTY_IMAGE_CONFIDENCES = (0.5,)
DEFAULT_CLUSTERS = 50


def text_scores(probabilities: dict[str, float]) -> tuple[float, float]:
    """(margin, entropy) of one class distribution: margin = top1 - top2 (small = torn between two labels),
    entropy = -sum p ln p in nats (large = spread over many labels). One class alone: margin = p, entropy 0."""
    values = sorted((float(p) for p in probabilities.values()), reverse=True)
    if not values:
        return 0.0, 0.0
    margin = values[0] - (values[1] if len(values) > 1 else 0.0)
    entropy = -sum(p * math.log(p) for p in values if p > 0)
    return round(margin, 6), round(max(entropy, 0.0), 6)


def detection_scores(confidences: Sequence[float]) -> tuple[float, float]:
    """(margin, entropy) of an image from its boxes' confidences: each box is a yes/no decision ("an object is
    here") with probabilities (c, 1 - c), so its margin is |2c - 1| and its entropy the binary entropy H(c). The
    image's margin is its most torn box's (min), its entropy the sum over boxes: total doubt grows with the number
    of doubtful boxes, the "sum" aggregation of Brust et al., "Active Learning for Deep Object Detection" (VISAPP
    2019). An image without boxes counts as one box at 0.5 (margin 0, entropy ln 2), as its confidence does."""
    values = [min(max(float(c), 0.0), 1.0) for c in confidences] or list(EMPTY_IMAGE_CONFIDENCES)
    margin = min(abs(2 * c - 1) for c in values)
    entropy = sum(-(c * math.log(c) if c > 0 else 0.0) - ((1 - c) * math.log(1 - c) if c < 1 else 0.0)
                  for c in values)
    return round(margin, 6), round(entropy, 6)


def _features(texts: Sequence[str], vectors=None):
    """The rows k-means clusters: `vectors` (e.g. the embedding model's sentence vectors) L2-normalized when given,
    else the texts' L2-normalized TF-IDF rows (words), kept sparse: k-means on a sparse matrix costs what its
    non-zeros cost, and a reduction first (LSA's SVD) took longer than the clustering itself (docs/learning.md)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    if vectors is not None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.shape[0] != len(texts):
            raise ValueError("one vector per text")
        return normalize(vectors)
    try:
        return TfidfVectorizer(sublinear_tf=True, max_features=50_000, dtype=np.float32).fit_transform(texts)
    except ValueError:  # no word in any text (empty or punctuation only): one point, one cluster
        return np.zeros((len(texts), 1), dtype=np.float32)


def _clusters(features, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(cluster of each row, distance of each row to its centroid): Lloyd's k-means with k-means++ seeding, the best
    of 3 runs on small pools (cheap there, and one unlucky seeding matters more), one run past 5,000 rows. One
    thread: it runs inside a web request on shared cores, where OpenMP's threads mostly wait on each other (10k
    texts: 0.7-0.9 s with one thread, 1.3-1.7 s with two, load average 7.5 on 2 cores)."""
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    runs = 3 if features.shape[0] <= 5000 else 1
    with threadpool_limits(limits=1):
        model = KMeans(n_clusters=k, n_init=runs, max_iter=100, random_state=seed).fit(features)
    labels = model.labels_
    return labels, model.transform(features)[np.arange(features.shape[0]), labels]


def _interleave(groups: list[list[int]]) -> list[int]:
    """Round robin over `groups` (each already ordered): the first of each group, then the second of each, ..."""
    order: list[int] = []
    for rank in range(max((len(g) for g in groups), default=0)):
        order.extend(group[rank] for group in groups if rank < len(group))
    return order


def _cluster_count(n: int, k: int | None) -> int:
    return max(1, min(k or DEFAULT_CLUSTERS, n // 2 or 1))


def diverse_order(texts: Sequence[str], uncertainty: Sequence[float], *, seed: int = 0,
                  k: int | None = None, vectors=None) -> list[int]:
    """Positions of `texts`, most informative first, for a batch that is both uncertain and diverse.

    Cluster-then-uncertainty, after Xu, Akella & Zhang, "Representative Sampling for Text Classification Using
    Support Vector Machines" (ECIR 2003) and Zhdanov, "Diverse mini-batch Active Learning" (arXiv:1901.05954, 2019):
    k-means (k = min(`k`, n/2)) on the texts' TF-IDF vectors (or `vectors`, one row per text), each cluster
    ordered by `uncertainty` (higher = more doubtful), then interleaved: the most uncertain item of every cluster,
    then the second of every cluster, ... Clusters take their turn in the order of their most uncertain item. So
    any page of k entries spans k regions of the pool instead of k near-duplicates of the same hard case.
    """
    n = len(texts)
    if n != len(uncertainty):
        raise ValueError("texts and uncertainty differ in length")
    if n <= 2:
        return sorted(range(n), key=lambda i: (-uncertainty[i], i))
    labels, _distances = _clusters(_features(texts, vectors), _cluster_count(n, k), seed)
    groups: dict[int, list[int]] = {}
    for index in sorted(range(n), key=lambda i: (-uncertainty[i], i)):
        groups.setdefault(int(labels[index]), []).append(index)
    return _interleave(list(groups.values()))  # dict order: by each cluster's most uncertain item


def coverage_order(texts: Sequence[str], *, seed: int = 0, k: int | None = None, vectors=None) -> list[int]:
    """Positions of `texts` for labelling from scratch (no model yet): cluster representatives first.

    k-means on TF-IDF vectors; each cluster ordered by distance to its centroid (its most typical text
    first); then interleaved, larger clusters taking their turn first. The first k entries are one representative
    per cluster, so the first labels cover the pool's regions instead of its insertion order (the "pre-clustering"
    start of Nguyen & Smeulders, "Active Learning Using Pre-clustering", ICML 2004).
    """
    n = len(texts)
    if n <= 2:
        return list(range(n))
    labels, distances = _clusters(_features(texts, vectors), _cluster_count(n, k), seed)
    groups: dict[int, list[int]] = {}
    for index in sorted(range(n), key=lambda i: (distances[i], i)):
        groups.setdefault(int(labels[index]), []).append(index)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
    return _interleave(ordered)
