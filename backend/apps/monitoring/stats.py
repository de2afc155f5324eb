"""The statistics of monitoring, on counts already aggregated by the database. Pure functions: no Django, no rows.

- Label shift: Pearson's chi-square goodness-of-fit test of the predicted label counts against the training data's
  label proportions (scipy.stats.chisquare), with the total variation distance as the effect size, because with
  thousands of predictions the p-value alone flags differences too small to matter.
- Input shift: the population stability index (PSI) of one input feature, binned at the training data's deciles:
  PSI = sum_i (p_i - q_i) ln(p_i / q_i) (Siddiqi, Credit Risk Scorecards, 2006; Yurdakul, "Statistical properties of
  the population stability index", 2018). Conventional reading: < 0.1 stable, 0.1-0.25 moderate, > 0.25 shifted.
  PSI alone ignores sample sizes: with B bins its expected value under no shift is about (B-1)(1/n + 1/m) (Yurdakul),
  0.27 for a 36-item training set, so the same bins also get Pearson's chi-square test of homogeneity
  (scipy.stats.chi2_contingency), and shift needs both: significant and large.
"""
import math
from collections.abc import Mapping, Sequence

CONFIDENCE_BINS = 20  # the confidence histogram's bins over [0, 1]
_EPS = 1e-4  # a proportion of 0 in PSI becomes this (the usual convention), so the log stays finite


def quantiles_from_histogram(counts: Sequence[int], qs: Sequence[float] = (0.1, 0.5, 0.9)) -> dict[str, float | None]:
    """Quantiles of values in [0, 1] from their equal-width histogram, interpolating linearly inside a bin (error at
    most one bin width, 1/len(counts))."""
    total = sum(counts)
    if not total:
        return {f"p{round(q * 100)}": None for q in qs}
    width = 1 / len(counts)
    out = {}
    for q in qs:
        target, seen = q * total, 0
        for i, n in enumerate(counts):
            if n and seen + n >= target:
                out[f"p{round(q * 100)}"] = round((i + (target - seen) / n) * width, 4)
                break
            seen += n
    return out


def label_shift(current: Mapping[str, int], reference: Mapping[str, int]) -> dict | None:
    """Chi-square goodness of fit of `current` label counts to `reference`'s proportions, over the union of labels.

    A label the training data never had gets half a count of reference (additive smoothing), so that predicting it
    shows up as a large statistic rather than a division by zero. None without data on either side."""
    from scipy.stats import chisquare

    labels = sorted(set(current) | set(reference))
    observed = [int(current.get(label, 0)) for label in labels]
    ref = [float(reference.get(label, 0)) or 0.5 for label in labels]
    n, ref_total = sum(observed), sum(ref)
    if n == 0 or not reference or sum(reference.values()) == 0 or len(labels) < 2:
        return None
    expected = [r / ref_total * n for r in ref]
    statistic, p_value = chisquare(observed, expected)
    distance = 0.5 * sum(abs(o / n - r / ref_total) for o, r in zip(observed, ref, strict=True))
    return {"test": "chi-square goodness of fit", "statistic": round(float(statistic), 4),
            "p_value": float(p_value), "dof": len(labels) - 1, "tvd": round(distance, 4), "n": n,
            "observed": dict(zip(labels, observed, strict=True)),
            "expected_share": {label: round(r / ref_total, 4) for label, r in zip(labels, ref, strict=True)}}


def psi(current: Sequence[int], reference: Sequence[int]) -> float | None:
    """Population stability index of two histograms over the same bins; None if either is empty."""
    n, m = sum(current), sum(reference)
    if not n or not m:
        return None
    total = 0.0
    for c, r in zip(current, reference, strict=True):
        p, q = max(c / n, _EPS), max(r / m, _EPS)
        total += (p - q) * math.log(p / q)
    return round(total, 4)


def input_shift(current: Sequence[int], reference: Sequence[int]) -> dict | None:
    """PSI and the chi-square homogeneity test of two histograms over the same bins; None if either is empty."""
    from scipy.stats import chi2_contingency

    index = psi(current, reference)
    if index is None:
        return None
    kept = [(c, r) for c, r in zip(current, reference, strict=True) if c or r]  # a bin empty on both sides says nothing
    if len(kept) < 2:
        return {"psi": index, "statistic": 0.0, "p_value": 1.0, "dof": 0}
    result = chi2_contingency([[c for c, _ in kept], [r for _, r in kept]], correction=False)
    return {"psi": index, "statistic": round(float(result.statistic), 4), "p_value": float(result.pvalue),
            "dof": int(result.dof)}


def decile_edges(values: Sequence[float]) -> list[float]:
    """The distinct inner decile edges of `values` (fewer than nine when values repeat)."""
    import numpy as np

    if not len(values):
        return []
    edges = np.quantile(np.asarray(values, dtype=float), [i / 10 for i in range(1, 10)])
    return sorted({float(e) for e in edges})


def bin_counts(values: Sequence[float], edges: Sequence[float]) -> list[int]:
    """Values per bin, bin i holding edges[i-1] <= v < edges[i] (the SQL CASE in selectors uses the same rule)."""
    import numpy as np

    idx = np.searchsorted(np.asarray(edges, dtype=float), np.asarray(values, dtype=float), side="right")
    return np.bincount(idx, minlength=len(edges) + 1).astype(int).tolist()
