"""Distribution functions as piecewise-linear CDFs with jumps: evaluation, quantiles, mixtures.

A :class:`Cdf` is given by knots ``x`` (non-decreasing) and values ``f`` (non-decreasing from 0 to
1), linear between knots. A repeated knot marks a jump, i.e. a point mass: ``x = [z, z]``,
``f = [0, 1]`` is the certain value z. Quantiles of a point mass are that value exactly, which is
what makes a certain score's percentiles equal the deterministic result bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

JUMP_TOLERANCE = 1e-12


def _frozen(a: ArrayLike) -> FloatArray:
    out = np.array(a, dtype=np.float64)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class Cdf:
    """A piecewise-linear distribution function with jumps (see the module docstring)."""

    x: FloatArray
    f: FloatArray

    def __post_init__(self) -> None:
        object.__setattr__(self, "x", _frozen(self.x))
        object.__setattr__(self, "f", _frozen(self.f))

    @classmethod
    def point(cls, value: float) -> Cdf:
        """The certain value ``value``."""
        return cls(np.array([value, value]), np.array([0.0, 1.0]))

    @property
    def lo(self) -> float:
        return float(self.x[0])

    @property
    def hi(self) -> float:
        return float(self.x[-1])

    @property
    def is_point(self) -> bool:
        return bool(self.x[0] == self.x[-1])

    def right(self, z: ArrayLike) -> FloatArray:
        """F(z) = P(Z ≤ z)."""
        za = np.asarray(z, dtype=np.float64)
        i = np.searchsorted(self.x, za, side="right")
        return self._between(za, i)

    def left(self, z: ArrayLike) -> FloatArray:
        """F(z−) = P(Z < z)."""
        za = np.asarray(z, dtype=np.float64)
        i = np.searchsorted(self.x, za, side="left")
        return self._between(za, i)

    def _between(self, z: FloatArray, i: NDArray[np.intp]) -> FloatArray:
        n = len(self.x)
        j = np.clip(i, 1, n - 1)
        x0, x1 = self.x[j - 1], self.x[j]
        f0, f1 = self.f[j - 1], self.f[j]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(x1 > x0, (z - x0) / (x1 - x0), 1.0)
        inner = f0 + np.clip(t, 0.0, 1.0) * (f1 - f0)
        out = np.where(i <= 0, 0.0, np.where(i >= n, 1.0, inner))
        return np.asarray(out, dtype=np.float64)

    def quantile(self, p: ArrayLike) -> FloatArray:
        """Q(p) = inf{z : F(z) ≥ p}, linear within segments; exact for point masses."""
        pa = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
        if self.is_point:
            return np.full(pa.shape, self.x[0])
        return np.asarray(np.interp(pa, self.f, self.x), dtype=np.float64)

    def interp(self, z: ArrayLike) -> FloatArray:
        """F(z) by linear interpolation: equals :meth:`right` wherever F has no jump at z."""
        return np.asarray(np.interp(np.asarray(z, dtype=np.float64), self.x, self.f),
                          dtype=np.float64)

    def atoms(self) -> FloatArray:
        """Values carrying a point mass (repeated knots with a rise in F)."""
        same = (self.x[1:] == self.x[:-1]) & (self.f[1:] > self.f[:-1])
        return np.asarray(np.unique(self.x[1:][same]), dtype=np.float64)

    def mean(self) -> float:
        """E[Z] (each segment uniform, each jump a point mass)."""
        mass = np.diff(self.f)
        return float(np.sum(mass * (self.x[1:] + self.x[:-1]) / 2.0))


def from_limits(z: FloatArray, left: FloatArray, right: FloatArray) -> Cdf:
    """A Cdf from its left and right limits at increasing points ``z`` (a jump where they differ)."""
    jump = right - left > JUMP_TOLERANCE
    counts = np.where(jump, 2, 1)
    x = np.repeat(z, counts)
    f = np.empty(len(x))
    ends = np.cumsum(counts) - 1
    f[ends] = right
    f[ends[jump] - 1] = left[jump]
    f = np.clip(np.maximum.accumulate(f), 0.0, 1.0)
    f[0] = 0.0 if len(f) > 1 else f[0]
    f[-1] = 1.0
    return Cdf(x, f)


def mix(parts: Sequence[Cdf], weights: Sequence[float] | None = None) -> Cdf:
    """The mixture Σ wₖ Fₖ (a linear opinion pool; Stone 1961). Equal weights by default."""
    if len(parts) == 1:
        return parts[0]
    w = np.full(len(parts), 1.0 / len(parts)) if weights is None else np.asarray(weights, float)
    w = w / w.sum()
    z = np.unique(np.concatenate([p.x for p in parts]))
    left = np.zeros(len(z))
    right = np.zeros(len(z))
    for weight, part in zip(w, parts, strict=True):
        left += weight * part.left(z)
        right += weight * part.right(z)
    return from_limits(z, left, right)


__all__ = ["Cdf", "from_limits", "mix"]
