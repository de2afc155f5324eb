"""The statistics on known counts (no database)."""
import math

import pytest
from scipy.stats import chisquare

from apps.monitoring.stats import bin_counts, decile_edges, input_shift, label_shift, psi, quantiles_from_histogram


def test_label_shift_matches_scipy_and_measures_distance():
    result = label_shift({"a": 70, "b": 30}, {"a": 500, "b": 500})
    assert result["p_value"] == pytest.approx(chisquare([70, 30], [50, 50]).pvalue)
    assert result["tvd"] == 0.2 and result["dof"] == 1
    assert label_shift({"a": 50, "b": 50}, {"a": 5, "b": 5})["p_value"] == pytest.approx(1.0)


def test_a_label_the_training_data_never_had_is_a_large_shift():
    result = label_shift({"a": 50, "b": 50, "new": 50}, {"a": 100, "b": 100})
    assert result["p_value"] < 1e-10 and result["tvd"] > 0.3


def test_no_data_no_test():
    assert label_shift({}, {"a": 1, "b": 1}) is None
    assert label_shift({"a": 3}, {}) is None
    assert psi([0, 0], [1, 1]) is None and input_shift([1, 1], [0, 0]) is None


def test_psi_and_homogeneity():
    assert psi([10, 20, 30], [1, 2, 3]) == 0
    assert psi([90, 10], [50, 50]) == pytest.approx(0.4 * math.log(9), abs=1e-3)  # 0.4 ln 1.8 + 0.4 ln 5
    same = input_shift([100, 200, 300], [10, 20, 30])
    assert same["psi"] == 0 and same["p_value"] == pytest.approx(1.0)
    moved = input_shift([300, 200, 100], [100, 200, 300])
    assert moved["psi"] > 0.25 and moved["p_value"] < 1e-6


def test_bins_follow_the_training_deciles():
    values = list(range(100))
    edges = decile_edges(values)
    assert len(edges) == 9
    assert bin_counts(values, edges) == [10] * 10
    assert decile_edges([5] * 20) == [5.0]  # repeated values: fewer, distinct edges
    assert bin_counts([4, 5, 6], [5.0]) == [1, 2]  # edges[i-1] <= v < edges[i]


def test_quantiles_from_histogram():
    counts = [0] * 20
    counts[18] = 100  # everything in [0.90, 0.95)
    assert quantiles_from_histogram(counts) == {"p10": 0.905, "p50": 0.925, "p90": 0.945}
    assert quantiles_from_histogram([0] * 20) == {"p10": None, "p50": None, "p90": None}
