"""The learning-curve benchmark replayed in process, for the embedding_lr family: try a selection strategy in seconds.

`make learning-curve` (apps.demo.learning_curve) runs each strategy through the platform's services: ~35 s per curve
on 2 shared cores. This module keeps what decides the numbers and drops the rest: the same texts and split
(hard_corpus.benchmark_split), the same 40 seed labels, rounds of 60, the same model (the encoder's vectors, embedded
once, and text_classification's logistic regression with TextParams' C and class weights, trained on every label so
far as the final model of a run is), accuracy on the same holdout's stored labels. least_confident, margin and
entropy give the benchmark's curves to the third decimal (seeds 11, 13); diverse and random differ by their seeds
(the benchmark's k-means seed is the project id, its shuffle a keyed hash), which move a curve by a few points.

Besides the shipped strategies, the published batch strategies measured against issue 11's target (b) in
docs/learning.md, each cited where defined, and a holdout-cheating greedy oracle (an optimistic reference, not a
strict bound).

Must not: touch the database or the platform's services; serve queues (apps.feedback.strategies does, from
ai_models.selection).
"""
from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ai_models.selection import diverse_order

Strategy = Callable[["Round"], list[int]]


@dataclass(frozen=True)
class Data:
    vectors: np.ndarray  # one unit row per text: seed labels, then the pool, then the holdout
    labels: np.ndarray  # the stored (noisy) label index of each text
    n_seed: int
    n_pool: int

    @property
    def holdout(self) -> np.ndarray:
        return np.arange(self.n_seed + self.n_pool, len(self.labels))


@dataclass
class Round:
    """What a strategy sees: the unlabelled pool's class probabilities and vectors, the labelled vectors."""

    probabilities: np.ndarray
    vectors: np.ndarray
    labelled: np.ndarray
    batch: int
    rng: np.random.Generator


def corpus_data(*, seed: int, pool: int = 1500, holdout: int = 600, encoder: str = "all-MiniLM-L6-v2") -> Data:
    from ai_models import hard_corpus
    from ai_models.encoders import embed

    seeds, rest, held = hard_corpus.benchmark_split(pool, holdout, seed=seed)
    index = {label: i for i, label in enumerate(hard_corpus.labels())}
    rows = seeds + rest + held
    return Data(vectors=embed([r["text"] for r in rows], encoder), labels=np.array([index[r["label"]] for r in rows]),
                n_seed=len(seeds), n_pool=len(rest))


def _fit(vectors: np.ndarray, labels: np.ndarray):
    from ai_models.params import TextParams
    from ai_models.text_classification import _logistic_regression

    with warnings.catch_warnings():  # 40 seed labels of 40 classes: sklearn suspects a regression target
        warnings.filterwarnings("ignore", message="The number of unique classes")
        return _logistic_regression(TextParams(model="embedding_lr")).fit(vectors, labels)


def _margins(p: np.ndarray) -> np.ndarray:
    top = np.sort(p, axis=1)
    return top[:, -1] - top[:, -2]


def random_batch(r: Round) -> list[int]:
    return [int(i) for i in r.rng.permutation(len(r.probabilities))]


def least_confident(r: Round) -> list[int]:
    return [int(i) for i in np.argsort(r.probabilities.max(axis=1), kind="stable")]


def margin(r: Round) -> list[int]:
    return [int(i) for i in np.argsort(_margins(r.probabilities), kind="stable")]


def entropy(r: Round) -> list[int]:
    p = r.probabilities
    return [int(i) for i in np.argsort((p * np.log(np.clip(p, 1e-12, 1))).sum(axis=1), kind="stable")]


def diverse(r: Round, *, k: int | None = None, seed: int = 0) -> list[int]:
    """The shipped strategy itself (ai_models.selection.diverse_order on the sentence vectors)."""
    n = len(r.vectors)
    return diverse_order([""] * n, list(1.0 - r.probabilities.max(axis=1)), seed=seed, k=k, vectors=r.vectors)


def badge(r: Round) -> list[int]:
    """BADGE (Ash et al., "Deep Batch Active Learning by Diverse, Uncertain Gradient Lower Bounds", ICLR 2020):
    k-means++ seeding on the loss gradients of the last layer, (p - onehot(argmax p)) x features, which are long when
    the model is unsure and point apart when items differ. The logistic regression is that last layer; distances
    come from the kernel <g, g'> <x, x'>, never the 40 x 384 products themselves."""
    g = r.probabilities.copy()
    g[np.arange(len(g)), g.argmax(axis=1)] -= 1.0
    kernel = (g @ g.T) * (r.vectors @ r.vectors.T)
    norms = np.diag(kernel)
    chosen = [int(np.argmax(norms))]
    d2 = norms + norms[chosen[0]] - 2 * kernel[chosen[0]]
    while len(chosen) < min(r.batch, len(g)):
        d2 = np.maximum(d2, 0.0)
        d2[chosen] = 0.0
        nxt = int(r.rng.choice(len(d2), p=d2 / d2.sum())) if d2.sum() > 0 else int(np.argmax(norms * (d2 >= 0)))
        chosen.append(nxt)
        d2 = np.minimum(d2, norms + norms[nxt] - 2 * kernel[nxt])
    return chosen


def cluster_margin(r: Round, *, candidates: int = 10) -> list[int]:
    """Cluster-Margin (Citovsky et al., "Batch Active Learning at Scale", NeurIPS 2021): the `candidates` x batch
    smallest margins, clustered by average-linkage agglomerative clustering (cosine), then round robin over the
    clusters, smallest first."""
    from sklearn.cluster import AgglomerativeClustering

    top = np.argsort(_margins(r.probabilities), kind="stable")[:r.batch * candidates]
    if len(top) <= r.batch:
        return [int(i) for i in top]
    found = AgglomerativeClustering(n_clusters=r.batch, linkage="average", metric="cosine").fit(r.vectors[top])
    groups: dict[int, list[int]] = {}
    for position, item in enumerate(top):
        groups.setdefault(int(found.labels_[position]), []).append(int(item))
    return _round_robin(sorted(groups.values(), key=len))


def typiclust(r: Round, *, neighbours: int = 20) -> list[int]:
    """TypiClust (Hacohen, Dekel & Weinshall, "Active Learning on a Budget", ICML 2022), for small budgets: k-means
    into |labelled| + batch clusters over labelled and pool; from the largest clusters without a label, the most
    typical item (inverse mean distance to its `neighbours` nearest in the cluster)."""
    from sklearn.cluster import KMeans

    n = len(r.vectors)
    every = np.vstack([r.labelled, r.vectors])
    found = KMeans(n_clusters=min(len(every), len(r.labelled) + r.batch), n_init=1, random_state=0).fit(every)
    covered = set(found.labels_[:len(r.labelled)].tolist())
    clusters = found.labels_[len(r.labelled):]
    picked: list[int] = []
    for cluster in np.argsort(-np.bincount(found.labels_), kind="stable"):
        members = np.flatnonzero(clusters == cluster)
        if cluster in covered or not len(members):
            continue
        distances = np.sort(1.0 - r.vectors[members] @ r.vectors[members].T, axis=1)[:, 1:neighbours + 1]
        typical = -distances.mean(axis=1) if distances.size else np.zeros(len(members))
        picked.append(int(members[np.argmax(typical)]))
    rest = set(picked)
    return picked + [i for i in margin(r) if i not in rest][:max(0, n - len(picked))]


def weighted_kmeans(r: Round, *, candidates: int = 10) -> list[int]:
    """Zhdanov, "Diverse mini-batch Active Learning" (arXiv:1901.05954, 2019): the `candidates` x batch most
    uncertain (1 - margin), k-means with k = batch weighted by that uncertainty, the item nearest each centroid."""
    from sklearn.cluster import KMeans

    uncertainty = 1.0 - _margins(r.probabilities)
    top = np.argsort(-uncertainty, kind="stable")[:r.batch * candidates]
    k = min(r.batch, len(top))
    found = KMeans(n_clusters=k, n_init=1, random_state=0).fit(r.vectors[top], sample_weight=uncertainty[top])
    distances = found.transform(r.vectors[top])
    picked = [int(top[m[np.argmin(distances[m, c])]]) for c in range(k)
              if len(m := np.flatnonzero(found.labels_ == c))]
    rest = set(picked)
    return picked + [i for i in margin(r) if i not in rest]


def information_density(r: Round, *, beta: float = 1.0) -> list[int]:
    """Information density (Settles & Craven, "An Analysis of Active Learning Strategies for Sequence Labeling
    Tasks", EMNLP 2008): uncertainty (1 - margin) times the mean cosine similarity to the pool, to the power beta."""
    density = np.clip((r.vectors @ r.vectors.T).mean(axis=1), 1e-6, None)
    return [int(i) for i in np.argsort(-(1.0 - _margins(r.probabilities)) * density ** beta, kind="stable")]


def _round_robin(groups: list[list[int]]) -> list[int]:
    return [g[rank] for rank in range(max(map(len, groups), default=0)) for g in groups if rank < len(g)]


STRATEGIES: dict[str, Strategy] = {
    "random": random_batch, "least_confident": least_confident, "margin": margin, "entropy": entropy,
    "diverse": diverse, "diverse_k120": lambda r: diverse(r, k=120), "badge": badge, "cluster_margin": cluster_margin,
    "typiclust": typiclust, "weighted_kmeans": weighted_kmeans, "information_density": information_density,
}


def simulate(data: Data, strategy: Strategy, *, rounds: int = 8, batch: int = 60, seed: int = 0,
             oracle_batches: int = 0) -> list[float]:
    """Holdout accuracy after the seed labels and after each round. `oracle_batches` > 0: of the strategy's batch
    and that many random batches, each round keeps the one with the best HOLDOUT ACCURACY (it
    cheats: an optimistic reference, no strategy)."""
    rng = np.random.default_rng(seed)
    holdout = data.holdout
    labelled = list(range(data.n_seed))
    pool = np.arange(data.n_seed, data.n_seed + data.n_pool)
    n_classes = int(data.labels.max()) + 1

    def accuracy(rows: list[int]) -> tuple[float, object]:
        model = _fit(data.vectors[rows], data.labels[rows])
        return float((model.predict(data.vectors[holdout]) == data.labels[holdout]).mean()), model

    score, model = accuracy(labelled)
    curve = [score]
    for _ in range(rounds):
        if not len(pool):
            break
        probabilities = np.zeros((len(pool), n_classes))
        probabilities[:, model.classes_] = model.predict_proba(data.vectors[pool])
        state = Round(probabilities, data.vectors[pool], data.vectors[labelled], batch, rng)
        chosen = strategy(state)[:batch]
        if len(set(chosen)) != len(chosen):
            raise ValueError("a strategy returned the same pool item twice")
        if oracle_batches:
            tries = [chosen] + [list(rng.choice(len(pool), min(batch, len(pool)), replace=False))
                                for _ in range(oracle_batches)]
            scored = [(accuracy(labelled + [int(pool[i]) for i in t]), t) for t in tries]
            (score, model), chosen = max(scored, key=lambda s: s[0][0])
            labelled += [int(pool[i]) for i in chosen]
        else:
            labelled += [int(pool[i]) for i in chosen]
            score, model = accuracy(labelled)
        pool = np.delete(pool, chosen)
        curve.append(score)
    return curve


def labels_to_reach(curve: list[float], goal: float, *, first: int = 40, batch: int = 60) -> int | None:
    """Labels at the first point of `curve` at or above `goal` (apps.demo.learning_curve_report's rule)."""
    return next((first + batch * i for i, accuracy in enumerate(curve) if accuracy >= goal - 1e-12), None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="11,12,13", help="corpus seeds, comma-separated")
    parser.add_argument("--strategies", default=",".join(s for s in STRATEGIES if s != "random"))
    parser.add_argument("--random-repeats", type=int, default=5, help="random shuffles averaged for the baseline")
    parser.add_argument("--oracle", type=int, default=0, help="also the holdout-cheating oracle with N random batches")
    parser.add_argument("--rounds", type=int, default=8, help="rounds of the strategies' curves (random runs all 8)")
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        for seed in (int(s) for s in args.seeds.split(",")):
            data = corpus_data(seed=seed)
            baseline = np.mean([simulate(data, random_batch, seed=r) for r in range(args.random_repeats)], axis=0)
            goal, budget = float(baseline[-1]), 40 + 60 * (len(baseline) - 1)
            print(f"seed {seed}: random (mean of {args.random_repeats}) " + " ".join(f"{a:.3f}" for a in baseline))
            runs = [(name, simulate(data, STRATEGIES[name], rounds=args.rounds))
                    for name in args.strategies.split(",") if name]
            if args.oracle:
                runs.append((f"oracle({args.oracle})",
                             simulate(data, diverse, rounds=args.rounds, oracle_batches=args.oracle)))
            for name, curve in runs:
                reach = labels_to_reach(curve, goal)
                share = f"{reach / budget:.0%}" if reach else "not reached"
                print(f"seed {seed}: {name:20s} " + " ".join(f"{a:.3f}" for a in curve) +
                      f"  reaches random's final {goal:.3f} at {reach} labels ({share})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
