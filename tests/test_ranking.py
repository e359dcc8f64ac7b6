"""Rank helpers against their plain definitions, on random scores with ties, NaN and infinities."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weerbaar.methods.ranking import compare_rankings, kendall_tau_b, rank_desc

# few distinct values, so ties are common; NaN (no impact) must rank with −∞, below every score
VALUES = st.sampled_from([0.0, 1.0, 1.0, 2.5, 3.0, -1.0, math.nan, -math.inf, math.inf])
SCORES = st.lists(VALUES, max_size=30)
PAIRS = st.integers(0, 30).flatmap(
    lambda n: st.tuples(st.lists(VALUES, min_size=n, max_size=n),
                        st.lists(VALUES, min_size=n, max_size=n)))


def _key(v: float) -> float:
    return -math.inf if math.isnan(v) else v


def reference_ranks(values: list[float]) -> list[float]:
    """Rank 1 = highest: one plus the number of higher scores plus half the other equal ones
    (the mean of the positions a tie spans)."""
    keys = [_key(v) for v in values]
    return [1.0 + sum(w > v for w in keys) + (sum(w == v for w in keys) - 1) / 2 for v in keys]


def reference_tau_b(x: list[float], y: list[float]) -> float:
    """Kendall's τ_b by counting every pair: (C − D) / √(pairs untied in x · pairs untied in y)."""
    kx, ky = [_key(v) for v in x], [_key(v) for v in y]
    s = untied_x = untied_y = 0
    for i in range(len(kx)):
        for j in range(i + 1, len(kx)):
            dx = (kx[i] > kx[j]) - (kx[i] < kx[j])
            dy = (ky[i] > ky[j]) - (ky[i] < ky[j])
            s += dx * dy
            untied_x += dx != 0
            untied_y += dy != 0
    return math.nan if untied_x == 0 or untied_y == 0 else s / math.sqrt(untied_x * untied_y)


@settings(max_examples=300, deadline=None)
@given(SCORES)
def test_ranks_are_average_ranks_with_nan_last(values: list[float]) -> None:
    ranks = rank_desc(np.array(values, dtype=np.float64))
    assert ranks.dtype == np.float64
    assert ranks.tolist() == reference_ranks(values)


@settings(max_examples=300, deadline=None)
@given(PAIRS)
def test_kendall_tau_b_counts_pairs(pair: tuple[list[float], list[float]]) -> None:
    x, y = pair
    tau = kendall_tau_b(np.array(x, dtype=np.float64), np.array(y, dtype=np.float64))
    expected = reference_tau_b(x, y)
    if math.isnan(expected):
        assert math.isnan(tau)
    else:
        assert tau == pytest.approx(expected, abs=1e-12)
        assert tau == pytest.approx(kendall_tau_b(np.array(y), np.array(x)), abs=1e-15)


def test_kendall_tau_b_is_undefined_for_a_constant_or_short_vector() -> None:
    assert math.isnan(kendall_tau_b(np.array([]), np.array([])))
    assert math.isnan(kendall_tau_b(np.array([2.0]), np.array([1.0])))
    assert math.isnan(kendall_tau_b(np.array([1.0, 1.0, 1.0]), np.array([1.0, 2.0, 3.0])))
    assert math.isnan(kendall_tau_b(np.array([np.nan, np.nan]), np.array([1.0, 2.0])))
    assert math.isnan(kendall_tau_b(np.array([np.nan, -np.inf]), np.array([1.0, 2.0])))
    assert kendall_tau_b(np.array([1.0, 2.0]), np.array([5.0, 3.0])) == -1.0


def test_comparison_uses_the_same_ranks_and_tau() -> None:
    a = np.array([3.0, np.nan, 1.0, 3.0, 2.0])
    b = np.array([1.0, 0.5, np.nan, 2.0, 2.0])
    cmp = compare_rankings(list("pqrst"), {"a": a, "b": b})
    assert cmp.ranks["a"] == tuple(reference_ranks(a.tolist()))
    assert cmp.ranks["b"] == tuple(reference_ranks(b.tolist()))
    assert cmp.tau[("a", "b")] == pytest.approx(reference_tau_b(a.tolist(), b.tolist()), abs=1e-12)
