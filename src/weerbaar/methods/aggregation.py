"""Aggregation of criterion classes into one impact score, and alternative rankings.

Weighted sum (the national method, METHOD.md §3): class values v(X)=0, v(A)=1, v(B)=3, v(C)=9,
v(D)=27, v(E)=81 (each class three times the one below), S = Σ wᵢ·v(classᵢ) with weights summing
to one, and diagram position y = 1 + log_f(S / v(A)) with f the class factor (3), so a scenario
scoring one class on every criterion lands on that class's gridline. The denominator rule says
whether X criteria keep their weight (``all``) or the weights are renormalised over the applicable
criteria (``applicable``).

Alternatives, because weighting "is more than simple arithmetic" (NVS 2019): the highest class
over all criteria (``max_class``, the ordinal "does it seriously harm any interest" view), and an
outranking method (PROMETHEE II with the usual criterion on class positions; Brans & Vincke 1985).

Everything works on matrices: ``positions`` has one row per scenario and one column per criterion
(grid positions 0..5), so thousands of Monte Carlo samples aggregate in one call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from weerbaar.errors import MethodError
from weerbaar.methods.profile import (
    AggregationMethodId,
    Denominator,
    MethodProfile,
    PreferenceProfile,
    WeightBasis,
)

FloatArray = NDArray[np.float64]


def preference_weights(
    profile: MethodProfile, preference: PreferenceProfile, *, normalise: bool = True
) -> FloatArray:
    """Weights per criterion (profile order), normalised to sum to one unless told otherwise."""
    ids = [c.id for c in profile.criteria]
    if preference.basis is WeightBasis.EQUAL:
        raw = np.ones(len(ids))
    elif preference.basis is WeightBasis.CRITERIA:
        raw = np.array([preference.weights.get(cid, 0.0) for cid in ids], dtype=float)
    else:
        per_interest = {i.id: sum(1 for c in profile.criteria if c.interest == i.id)
                        for i in profile.interests}
        raw = np.array(
            [preference.weights.get(c.interest, 0.0) / per_interest[c.interest]
             for c in profile.criteria],
            dtype=float,
        )
    total = float(raw.sum())
    if total <= 0:
        raise MethodError(f"preference profile {preference.id!r} gives every criterion weight 0")
    return np.asarray(raw / total if normalise else raw, dtype=np.float64)


@dataclass(frozen=True)
class WeightedSum:
    """The weighted sum of class values, configured once from a profile and a preference.

    ``raw_weights`` are kept as the profile gives them and the sum is divided by their total, so
    equal weights give exact results (all criteria C: S = 9 exactly); positions are rounded to
    10 decimals so a pure class lands exactly on its gridline.
    """

    raw_weights: FloatArray
    class_values: FloatArray  # indexed by grid position 0..top
    factor: float
    denominator: Denominator

    @classmethod
    def from_profile(
        cls, profile: MethodProfile, preference: str | None = None,
        denominator: Denominator | None = None,
    ) -> WeightedSum:
        values = profile.aggregation.class_values.value
        factor = profile.impact_scale.factor.value
        if values is None or factor is None:
            raise MethodError(
                f"profile {profile.id} has no known class values or class factor, so the weighted "
                "sum cannot be computed; use --method max_class"
            )
        scale = profile.impact
        table = np.zeros(scale.highest + 1)
        for code, value in values.items():
            table[int(scale.parse(code))] = value
        rule = denominator or profile.aggregation.denominator.value
        rule = rule or profile.aggregation.denominator_fallback
        return cls(
            raw_weights=preference_weights(profile, profile.preference(preference),
                                           normalise=False),
            class_values=table, factor=float(factor), denominator=rule,
        )

    @property
    def weights(self) -> FloatArray:
        """Weights normalised to sum to one."""
        return np.asarray(self.raw_weights / self.raw_weights.sum(), dtype=np.float64)

    def scores(self, positions: NDArray[np.int_]) -> FloatArray:
        """Aggregated score S per row of a (scenarios × criteria) matrix of class positions."""
        v = self.class_values[positions]
        total = v @ self.raw_weights
        if self.denominator is Denominator.APPLICABLE:
            share = (positions > 0).astype(float) @ self.raw_weights
        else:
            share = np.full(len(total), self.raw_weights.sum())
        total = np.divide(total, share, out=np.zeros_like(total), where=share > 0)
        return np.asarray(total, dtype=np.float64)

    def positions(self, scores: FloatArray) -> FloatArray:
        """Diagram position y = 1 + log_f(S / v(A)); NaN where S = 0 (nothing applies)."""
        unit = self.class_values[1]
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.round(1.0 + np.log(scores / unit) / math.log(self.factor), 10)
        return np.asarray(np.where(scores > 0, y, np.nan), dtype=np.float64)


def max_class(positions: NDArray[np.int_], weights: FloatArray | None = None) -> FloatArray:
    """The highest class over the criteria with non-zero weight (NaN where all are X)."""
    cols = positions if weights is None else positions[:, weights > 0]
    top = cols.max(axis=1).astype(float) if cols.size else np.zeros(len(positions))
    return np.asarray(np.where(top > 0, top, np.nan), dtype=np.float64)


def outranking_flows(positions: NDArray[np.int_], weights: FloatArray) -> FloatArray:
    """PROMETHEE II net outranking flow per scenario (usual criterion on class positions).

    π(a, b) = Σⱼ wⱼ·[gⱼ(a) > gⱼ(b)]; φ(a) = Σ_b (π(a, b) − π(b, a)) / (m − 1). Higher is worse
    impact. Invariant under any strictly increasing recoding of the classes.
    """
    m = positions.shape[0]
    if m < 2:
        return np.zeros(m)
    diff = positions[:, None, :] - positions[None, :, :]
    pi = (diff > 0).astype(float) @ weights
    return np.asarray((pi.sum(axis=1) - pi.sum(axis=0)) / (m - 1), dtype=np.float64)


METHODS = tuple(m.value for m in AggregationMethodId)
