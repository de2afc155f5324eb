"""ai_models.selection_sim: the benchmark's split, the simulated rounds and the published batch strategies, on small
synthetic vectors (no encoder)."""
import numpy as np
import pytest

from ai_models import hard_corpus, selection_sim
from ai_models.selection_sim import Data, Round, labels_to_reach, simulate


def _blobs(n_classes=4, per_class=40, dim=8, seed=0):
    """Unit vectors around one centre per class; the first `n_classes` rows are one seed label per class."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_classes, dim)) * 3
    labels = np.tile(np.arange(n_classes), per_class)
    vectors = centres[labels] + rng.normal(size=(len(labels), dim))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return Data(vectors=vectors, labels=labels, n_seed=n_classes, n_pool=len(labels) * 3 // 4 - n_classes)


def _round(n=30, classes=3, batch=5, seed=1):
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(classes), size=n)
    v = rng.normal(size=(n, 6))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return Round(p, v, v[:4], batch, np.random.default_rng(0))


def test_benchmark_split_seeds_one_label_each_and_keeps_pool_and_holdout_apart():
    seeds, pool, holdout = hard_corpus.benchmark_split(300, 100, seed=5)
    assert len(seeds) + len(pool) == 300 and len(holdout) == 100
    assert sorted(r["label"] for r in seeds) == sorted(set(r["label"] for r in seeds))  # one per label
    texts = [r["text"] for r in seeds + pool + holdout]
    assert len(set(texts)) == len(texts)  # distinct texts, no leak between pool and holdout
    assert hard_corpus.benchmark_split(300, 100, seed=5) == (seeds, pool, holdout)  # deterministic
    with pytest.raises(ValueError, match="distinct texts"):
        hard_corpus.benchmark_split(100_000, 1, seed=5)


@pytest.mark.parametrize("name", sorted(selection_sim.STRATEGIES))
def test_every_strategy_returns_distinct_pool_positions(name):
    state = _round()
    order = selection_sim.STRATEGIES[name](state)
    assert len(order) >= state.batch
    assert len(set(order[:state.batch])) == state.batch
    assert all(0 <= i < len(state.probabilities) for i in order)


def test_uncertainty_orders_put_the_most_doubtful_first():
    p = np.array([[0.9, 0.05, 0.05], [0.4, 0.35, 0.25], [0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    state = Round(p, np.eye(4, 3), np.eye(1, 3), 2, np.random.default_rng(0))
    assert selection_sim.least_confident(state)[0] == 3
    assert selection_sim.margin(state)[:2] == [2, 3]  # two ties at margin 0, in input order
    assert selection_sim.entropy(state)[0] == 3


def test_badge_starts_from_the_longest_gradient_and_spreads():
    # item 0 is torn (long gradient); items 1 and 2 are confident copies of each other; item 3 confident elsewhere
    p = np.array([[0.5, 0.5], [0.99, 0.01], [0.99, 0.01], [0.02, 0.98]])
    v = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    chosen = selection_sim.badge(Round(p, v, v[:1], 3, np.random.default_rng(0)))
    assert chosen[0] == 0
    assert not {1, 2} <= set(chosen)  # a duplicate's gradient is at distance 0 from its copy: never both


def test_cluster_margin_takes_one_per_cluster_before_a_second():
    rng = np.random.default_rng(0)
    centres = np.eye(3)
    v = np.repeat(centres, 10, axis=0) + rng.normal(scale=0.01, size=(30, 3))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    p = np.column_stack([np.linspace(0.5, 0.9, 30), 1 - np.linspace(0.5, 0.9, 30)])  # item 0 most torn
    state = Round(p, v, v[:1], 3, np.random.default_rng(0))
    chosen = selection_sim.cluster_margin(state, candidates=10)[:3]
    assert sorted(i // 10 for i in chosen) == [0, 1, 2]  # the three groups of ten, one each


def test_simulation_learns_and_is_deterministic():
    data = _blobs()
    curve = simulate(data, selection_sim.margin, rounds=3, batch=10)
    assert len(curve) == 4
    assert curve[-1] > 0.9  # separable blobs: a few rounds suffice
    assert simulate(data, selection_sim.random_batch, rounds=3, batch=10, seed=3) == \
        simulate(data, selection_sim.random_batch, rounds=3, batch=10, seed=3)


def test_oracle_is_at_least_its_own_strategy_each_round():
    data = _blobs(per_class=30, seed=2)
    plain = simulate(data, selection_sim.random_batch, rounds=1, batch=4, seed=0)
    oracle = simulate(data, selection_sim.random_batch, rounds=1, batch=4, seed=0, oracle_batches=5)
    assert oracle[0] == plain[0] and oracle[1] >= plain[1]  # the strategy's own batch is one of the tries


def test_labels_to_reach_uses_the_report_rule():
    assert labels_to_reach([0.2, 0.5, 0.7], 0.5) == 100
    assert labels_to_reach([0.2, 0.5, 0.7], 0.8) is None
