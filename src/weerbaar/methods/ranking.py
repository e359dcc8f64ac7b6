"""Compare the rankings that different aggregation methods give the same scenarios."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import kendalltau, rankdata


def _nan_last(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    """The scores with NaN (no impact) read as −∞: below every score, tied with each other."""
    return np.where(np.isnan(scores), -np.inf, scores)


def rank_desc(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    """Rank 1 = highest score; ties share their average rank; NaN (no impact) ranks last.

    The fractional ("average") ranking of :func:`scipy.stats.rankdata`, on the negated scores.
    """
    return np.asarray(rankdata(-_nan_last(scores), method="average"), dtype=np.float64)


def kendall_tau_b(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
    """Kendall's τ_b between two score vectors (ties handled; NaN when undefined).

    τ_b = (concordant − discordant) / √((n₀ − n₁)(n₀ − n₂)) over the n₀ = n(n − 1)/2 pairs, n₁ and
    n₂ of them tied in x and in y (Kendall 1945, Biometrika 33, 239–251), computed by
    :func:`scipy.stats.kendalltau` in O(n log n). NaN scores count as −∞ (tied with each other,
    below every score); τ_b is NaN when fewer than two scenarios are given or when either vector
    is constant.
    """
    if len(x) < 2:
        return float("nan")
    # only the statistic is used; the asymptotic p-value is the cheap one (undefined for n = 2)
    method = "asymptotic" if len(x) > 2 else "auto"
    result = kendalltau(_nan_last(x), _nan_last(y), variant="b", method=method)
    return float(result.statistic)


@dataclass(frozen=True)
class RankShift:
    scenario: str
    ranks: dict[str, float]

    @property
    def spread(self) -> float:
        return max(self.ranks.values()) - min(self.ranks.values())


@dataclass(frozen=True)
class RankComparison:
    """Where methods rank scenarios differently: rank per method, τ_b per pair, reversed pairs."""

    methods: tuple[str, ...]
    ids: tuple[str, ...]
    ranks: dict[str, tuple[float, ...]]
    tau: dict[tuple[str, str], float]
    shifts: tuple[RankShift, ...]
    reversed_pairs: dict[tuple[str, str], tuple[tuple[str, str], ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "methods": list(self.methods),
            "ranks": {m: dict(zip(self.ids, r, strict=True)) for m, r in self.ranks.items()},
            "kendall_tau_b": {f"{a} vs {b}": t for (a, b), t in self.tau.items()},
            "shifts": [{"scenario": s.scenario, "ranks": s.ranks, "spread": s.spread}
                       for s in self.shifts],
            "reversed_pairs": {f"{a} vs {b}": [list(p) for p in pairs]
                               for (a, b), pairs in self.reversed_pairs.items()},
        }


def compare_rankings(
    ids: list[str], scores: dict[str, NDArray[np.float64]], *, min_shift: float = 1.0
) -> RankComparison:
    """Compare methods' scores (higher = worse impact) for the same scenarios.

    ``shifts`` lists scenarios whose rank differs by at least ``min_shift`` between some pair of
    methods, largest first; ``reversed_pairs`` lists, per pair of methods, the scenario pairs that
    one method orders strictly one way and the other strictly the other way.
    """
    methods = tuple(scores)
    ranks = {m: rank_desc(s) for m, s in scores.items()}
    tau: dict[tuple[str, str], float] = {}
    reversed_pairs: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
    i, j = np.triu_indices(len(ids), k=1)
    for a, b in combinations(methods, 2):
        tau[(a, b)] = kendall_tau_b(scores[a], scores[b])
        sa, sb = _nan_last(scores[a]), _nan_last(scores[b])
        flipped = np.sign(sa[i] - sa[j]) * np.sign(sb[i] - sb[j]) < 0
        reversed_pairs[(a, b)] = tuple(
            (ids[p], ids[q]) if sa[p] > sa[q] else (ids[q], ids[p])
            for p, q in zip(i[flipped], j[flipped], strict=True)
        )
    shifts = []
    for k, sid in enumerate(ids):
        per = {m: float(r[k]) for m, r in ranks.items()}
        shift = RankShift(sid, per)
        if shift.spread >= min_shift:
            shifts.append(shift)
    shifts.sort(key=lambda s: (-s.spread, s.scenario))
    return RankComparison(
        methods=methods, ids=tuple(ids),
        ranks={m: tuple(float(v) for v in r) for m, r in ranks.items()},
        tau=tau, shifts=tuple(shifts), reversed_pairs=reversed_pairs,
    )
