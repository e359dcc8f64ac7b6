"""Score distributions on the continuous class scale, and class values between the classes.

An expert's score is an expected value (EV) with a lower (LL) and an upper limit (UL), given as class
positions (impact X=0, A=1 … E=5; likelihood A=1 … E=5 with half classes at .5). For uncertainty
analysis the position is a continuous random variable on [LL, UL] with its mode at EV:

- **triangular**: density rising linearly from LL to EV and falling to UL;
- **PERT** (beta-PERT, Malcolm et al. 1959; Vose 2008, ch. 9): a beta distribution on [LL, UL]
  with α = 1 + 4·(EV − LL)/(UL − LL), β = 1 + 4·(UL − EV)/(UL − LL) (mode EV, λ = 4); smoother
  tails than the triangular and more weight near the expected value.

LL = EV = UL gives a point mass: the score is certain.

**Class values between classes.** Aggregation needs a class value v(x) for a continuous position
x. :class:`ClassValueMap` interpolates the profile's class values *geometrically* between
consecutive classes from A upward — v(x) = v(k)·(v(k+1)/v(k))^(x−k), which for the national
profiles is v(x) = 3^(x−1) — so the logarithmic impact axis stays logarithmic. Between X (v = 0)
and A no geometric interpolation exists (log 0), so X is handled explicitly: v(x) = x·v(A) for
0 ≤ x ≤ 1, linear from "not applicable" to "limited". For the ``applicable`` denominator rule a
criterion counts with the share a(x) = min(x, 1) of its weight: nothing at X, all of it from A up.
At whole classes both maps give exactly the deterministic method's numbers.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betainc

from weerbaar.errors import MethodError

FloatArray = NDArray[np.float64]

PERT_LAMBDA = 4.0
_TABLE_POINTS = 16385  # beta CDF tables: linear interpolation error below 1e-8


class Shape(StrEnum):
    """The distribution of a score between its lower and upper limit."""

    TRIANGULAR = "triangular"
    PERT = "pert"


def _as_arrays(*values: ArrayLike) -> list[FloatArray]:
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in values))
    return [np.asarray(a, dtype=np.float64) for a in arrays]


# -- regularised incomplete beta function (for PERT) ------------------------------------------


def beta_cdf(x: ArrayLike, a: float, b: float) -> FloatArray:
    """The regularised incomplete beta function I_x(a, b) for a, b > 0 (vectorised over x).

    ``x`` is clipped to [0, 1], so I = 0 below and 1 above the support (NaN reads as 0). The
    function itself is :func:`scipy.special.betainc` (Boost.Math ``ibeta``, after DiDonato &
    Morris 1992, ACM TOMS 18, 360–373), accurate to near machine precision.
    """
    t = np.clip(np.nan_to_num(np.asarray(x, dtype=np.float64), nan=0.0), 0.0, 1.0)
    return np.asarray(betainc(a, b, t), dtype=np.float64)


@lru_cache(maxsize=256)
def _pert_table(r: float) -> FloatArray:
    """CDF of the standard PERT distribution with relative mode r on a uniform grid of [0, 1]."""
    a = 1.0 + PERT_LAMBDA * r
    b = 1.0 + PERT_LAMBDA * (1.0 - r)
    table = beta_cdf(np.linspace(0.0, 1.0, _TABLE_POINTS), a, b)
    table[0], table[-1] = 0.0, 1.0
    table = np.maximum.accumulate(table)
    table.flags.writeable = False
    return table


def _pert_tables(r: FloatArray) -> tuple[FloatArray, NDArray[np.intp]]:
    """Stacked tables for the distinct relative modes in ``r`` and the table row of each value."""
    keys = np.round(r, 12)
    distinct, row = np.unique(keys, return_inverse=True)
    tables = np.stack([_pert_table(float(k)) for k in distinct])
    return tables, row.reshape(r.shape)


def _table_lookup(tables: FloatArray, row: NDArray[np.intp], t: FloatArray) -> FloatArray:
    scaled = np.clip(t, 0.0, 1.0) * (_TABLE_POINTS - 1)
    i = np.minimum(scaled.astype(np.intp), _TABLE_POINTS - 2)
    frac = scaled - i
    flat = tables.ravel()
    base = row * _TABLE_POINTS + i
    return np.asarray(flat[base] * (1.0 - frac) + flat[base + 1] * frac, dtype=np.float64)


# -- CDF and quantile function --------------------------------------------------------------


def cdf(shape: Shape, x: ArrayLike, lo: ArrayLike, mode: ArrayLike, hi: ArrayLike) -> FloatArray:
    """P(X ≤ x) for X on [lo, hi] with mode ``mode`` (arrays broadcast). lo = hi is a point mass."""
    xa, la, ma, ha = _as_arrays(x, lo, mode, hi)
    width = ha - la
    point = width <= 0.0
    safe = np.where(point, 1.0, width)
    t = np.clip((xa - la) / safe, 0.0, 1.0)
    r = np.where(point, 0.5, (ma - la) / safe)
    if shape is Shape.TRIANGULAR:
        with np.errstate(divide="ignore", invalid="ignore"):
            rising = np.where(r > 0.0, t * t / np.where(r > 0.0, r, 1.0), 0.0)
            falling = np.where(r < 1.0, 1.0 - (1.0 - t) ** 2 / np.where(r < 1.0, 1.0 - r, 1.0), 1.0)
        out = np.where(t <= r, rising, falling)
    else:
        tables, row = _pert_tables(r)
        out = _table_lookup(tables, row, t)
    out = np.clip(out, 0.0, 1.0)
    return np.asarray(np.where(point, (xa >= la).astype(np.float64), out), dtype=np.float64)


def ppf(shape: Shape, p: ArrayLike, lo: ArrayLike, mode: ArrayLike, hi: ArrayLike) -> FloatArray:
    """The quantile function (inverse CDF) at probabilities ``p`` (arrays broadcast)."""
    pa, la, ma, ha = _as_arrays(p, lo, mode, hi)
    pa = np.clip(pa, 0.0, 1.0)
    width = ha - la
    point = width <= 0.0
    safe = np.where(point, 1.0, width)
    r = np.where(point, 0.5, (ma - la) / safe)
    if shape is Shape.TRIANGULAR:
        left = np.sqrt(pa * r)
        right = 1.0 - np.sqrt((1.0 - pa) * (1.0 - r))
        t = np.where(pa < r, left, right)
    else:
        tables, row = _pert_tables(r)
        t = np.empty_like(pa)
        grid = np.linspace(0.0, 1.0, _TABLE_POINTS)
        for index in range(len(tables)):
            mask = row == index
            t[mask] = np.interp(pa[mask], tables[index], grid)
    return np.asarray(np.where(point, la, la + t * width), dtype=np.float64)


# -- class values between classes ------------------------------------------------------------


class ClassValueMap:
    """Class value v(x) of a continuous position x, its inverse, and the applicability share a(x).

    Built from the class values by grid position (index 0 = X, value 0). Geometric between
    consecutive classes from the lowest class up, linear between X and the lowest class; exact at
    whole classes. See the module docstring for why.
    """

    def __init__(self, class_values: ArrayLike) -> None:
        values = np.asarray(class_values, dtype=np.float64)
        if values.ndim != 1 or len(values) < 3:
            raise MethodError("class values must give at least X and two classes")
        if values[0] != 0.0 or np.any(values[1:] <= 0.0) or np.any(np.diff(values[1:]) <= 0.0):
            raise MethodError(
                "uncertainty analysis needs class values that are 0 for X and positive and "
                f"increasing from the lowest class up; got {values.tolist()}"
            )
        self.values = values
        self.top = len(values) - 1
        self._log_ratio = np.log(values[2:] / values[1:-1])  # between class k and k+1, k >= 1

    def value(self, x: ArrayLike) -> FloatArray:
        """v(x): linear on [0, 1], geometric between whole classes from 1 up."""
        xa = np.clip(np.asarray(x, dtype=np.float64), 0.0, float(self.top))
        k = np.clip(np.floor(xa).astype(np.intp), 1, self.top - 1)
        geometric = self.values[k] * np.exp((xa - k) * self._log_ratio[k - 1])
        whole = xa == np.floor(xa)
        exact = self.values[np.floor(xa).astype(np.intp)]
        out = np.where(xa < 1.0, xa * self.values[1], geometric)
        return np.asarray(np.where(whole, exact, out), dtype=np.float64)

    def inverse(self, v: ArrayLike) -> FloatArray:
        """The position x with v(x) = v (clipped to the scale)."""
        va = np.clip(np.asarray(v, dtype=np.float64), 0.0, self.values[-1])
        k = np.clip(np.searchsorted(self.values[1:], va, side="right"), 1, self.top - 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            geometric = k + np.log(va / self.values[k]) / self._log_ratio[k - 1]
        out = np.where(va < self.values[1], va / self.values[1], geometric)
        return np.asarray(np.clip(out, 0.0, float(self.top)), dtype=np.float64)

    @staticmethod
    def applicable(x: ArrayLike) -> FloatArray:
        """a(x) = min(x, 1): the share of a criterion's weight in the ``applicable`` denominator."""
        return np.asarray(np.clip(np.asarray(x, dtype=np.float64), 0.0, 1.0), dtype=np.float64)


__all__ = ["ClassValueMap", "Shape", "beta_cdf", "cdf", "ppf"]
