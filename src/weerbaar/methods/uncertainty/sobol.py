"""Variance-based global sensitivity: which criteria drive each scenario's impact position.

First-order and total Sobol indices (Sobol' 1993) of the diagram position with respect to the
criterion scores of the agreed judgement, each drawn from its own distribution (independent
inputs). Estimators from two independent sample matrices A and B and the matrices A_B⁽ⁱ⁾ (A with
column i taken from B), N rows each (Saltelli et al. 2010, table 2):

    V    = Var(f) over A and B together
    Sᵢ   = (1/N) Σⱼ f(B)ⱼ · (f(A_B⁽ⁱ⁾)ⱼ − f(A)ⱼ) / V            (Saltelli et al. 2010)
    S_Tᵢ = (1/2N) Σⱼ (f(A)ⱼ − f(A_B⁽ⁱ⁾)ⱼ)² / V                 (Jansen 1999)

The aggregate is additive before the logarithm (or a maximum), so f(A_B⁽ⁱ⁾) costs O(1) per
criterion from f(A): N·(k + 2) model evaluations cost about as much as 2N. Sums are kept per
block and added in block order, so the indices are bit-identical for any chunking. Criteria that
are certain (LL = UL) or carry no weight get exactly 0; a scenario whose position is certain has
no indices (``None``). The pooled expert judgements are a discrete input, not a criterion, and are
not part of this analysis.

References: I.M. Sobol' (1993), Sensitivity estimates for nonlinear mathematical models, MMCE 1,
407–414. M.J.W. Jansen (1999), Analysis of variance designs for model output, Comput. Phys.
Commun. 117, 35–43. A. Saltelli et al. (2010), Variance based sensitivity analysis of model
output, Comput. Phys. Commun. 181, 259–270.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from weerbaar.methods.profile import AggregationMethodId, Denominator
from weerbaar.methods.uncertainty.distributions import ClassValueMap, ppf
from weerbaar.methods.uncertainty.engine import ImpactModel
from weerbaar.methods.uncertainty.sampling import STREAM_SOBOL, block_generator

FloatArray = NDArray[np.float64]

SOBOL_BLOCK = 512
"""Rows of A and B per random stream (smaller than the rank blocks: k-wide draws)."""


@dataclass(frozen=True, eq=False)
class SobolSums:
    """Sufficient statistics of the estimators; shapes (..., k) for the per-criterion sums."""

    n: int
    sum_f: FloatArray
    sum_f2: FloatArray
    first: FloatArray
    total: FloatArray

    def __add__(self, other: SobolSums) -> SobolSums:
        return SobolSums(self.n + other.n, self.sum_f + other.sum_f, self.sum_f2 + other.sum_f2,
                         self.first + other.first, self.total + other.total)

    def indices(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(first-order, total, variance); indices NaN where the variance is zero."""
        count = 2 * self.n
        mean = self.sum_f / count
        variance = np.maximum(self.sum_f2 / count - mean * mean, 0.0)
        scale = np.where(variance > 1e-14, variance, np.nan)[..., None]
        first = self.first / self.n / scale
        total = self.total / (2 * self.n) / scale
        return first, total, variance


def sobol_sums(f_a: FloatArray, f_b: FloatArray, f_ab: FloatArray) -> SobolSums:
    """Sums from model values: ``f_a``, ``f_b`` shaped (N, ...); ``f_ab`` shaped (k, N, ...)."""
    first = np.einsum("n...,kn...->...k", f_b, f_ab - f_a[None])
    total = np.einsum("kn...->...k", (f_a[None] - f_ab) ** 2)
    return SobolSums(n=len(f_a), sum_f=f_a.sum(axis=0) + f_b.sum(axis=0),
                     sum_f2=(f_a**2).sum(axis=0) + (f_b**2).sum(axis=0), first=first, total=total)


@dataclass(frozen=True, eq=False)
class SobolTask:
    """Agreed judgements of all scenarios and a run of blocks to sample."""

    lo: FloatArray
    mode: FloatArray
    hi: FloatArray
    seed: int
    samples: int
    first_block: int
    stop_block: int
    floor: float


def _positions(model: ImpactModel, num: FloatArray, den: FloatArray | None,
               floor: float) -> FloatArray:
    if model.method is AggregationMethodId.MAX_CLASS:
        return np.maximum(num, floor)
    score = num if den is None else np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    with np.errstate(divide="ignore"):
        y = 1.0 + np.log(score / model.class_values[1]) / np.log(model.factor)
    return np.asarray(np.maximum(y, floor), dtype=np.float64)


def sobol_block_sums(model: ImpactModel, task: SobolTask) -> list[SobolSums]:
    """Per-block sums (in block order) for every scenario and criterion (task function)."""
    values = ClassValueMap(model.class_values)
    n, k = task.lo.shape
    used = model.weights > 0
    c = model.weights
    out = []
    for block in range(task.first_block, task.stop_block):
        size = min(SOBOL_BLOCK, task.samples - block * SOBOL_BLOCK)
        rng = block_generator(task.seed, STREAM_SOBOL, block)
        x_a = ppf(model.shape, rng.random((size, n, k)), task.lo, task.mode, task.hi)
        x_b = ppf(model.shape, rng.random((size, n, k)), task.lo, task.mode, task.hi)
        f_ab = np.empty((k, size, n))
        if model.method is AggregationMethodId.MAX_CLASS:
            masked = np.where(used, x_a, -np.inf)
            before = np.maximum.accumulate(masked, axis=2)
            after = np.maximum.accumulate(masked[..., ::-1], axis=2)[..., ::-1]
            f_a = _positions(model, masked.max(axis=2), None, task.floor)
            f_b = _positions(model, np.where(used, x_b, -np.inf).max(axis=2), None, task.floor)
            for i in range(k):
                rest = np.full((size, n), -np.inf)
                if i > 0:
                    rest = np.maximum(rest, before[..., i - 1])
                if i < k - 1:
                    rest = np.maximum(rest, after[..., i + 1])
                new = np.maximum(rest, x_b[..., i]) if used[i] else masked.max(axis=2)
                f_ab[i] = _positions(model, new, None, task.floor)
        else:
            v_a, v_b = values.value(x_a), values.value(x_b)
            applicable = model.denominator is Denominator.APPLICABLE
            a_a, a_b = values.applicable(x_a), values.applicable(x_b)
            num_a = np.zeros((size, n))
            num_b = np.zeros((size, n))
            den_a = np.zeros((size, n))
            den_b = np.zeros((size, n))
            for i in range(k):  # explicit order: no BLAS, bit-identical everywhere
                num_a += c[i] * v_a[..., i]
                num_b += c[i] * v_b[..., i]
                den_a += c[i] * a_a[..., i]
                den_b += c[i] * a_b[..., i]
            f_a = _positions(model, num_a, den_a if applicable else None, task.floor)
            f_b = _positions(model, num_b, den_b if applicable else None, task.floor)
            for i in range(k):
                num = num_a + c[i] * (v_b[..., i] - v_a[..., i])
                den = den_a + c[i] * (a_b[..., i] - a_a[..., i]) if applicable else None
                f_ab[i] = _positions(model, num, den, task.floor)
        out.append(sobol_sums(f_a, f_b, f_ab))
    return out


@dataclass(frozen=True)
class ScenarioSobol:
    """Sobol indices of one scenario's impact position per criterion (``None`` when certain)."""

    id: str
    variance: float
    first: tuple[tuple[str, float], ...] | None
    total: tuple[tuple[str, float], ...] | None

    def driver(self) -> str | None:
        """The criterion with the largest total index."""
        if self.total is None:
            return None
        return max(self.total, key=lambda item: item[1])[0]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "variance": self.variance,
                "first_order": None if self.first is None else dict(self.first),
                "total": None if self.total is None else dict(self.total),
                "driver": self.driver()}


@dataclass(frozen=True)
class SobolResult:
    samples: int
    seed: int
    criteria: tuple[str, ...]
    scenarios: tuple[ScenarioSobol, ...]

    def scenario(self, scenario_id: str) -> ScenarioSobol:
        return next(s for s in self.scenarios if s.id == scenario_id)

    def to_dict(self) -> dict[str, Any]:
        return {"samples": self.samples, "seed": self.seed, "criteria": list(self.criteria),
                "scenarios": [s.to_dict() for s in self.scenarios]}


def sobol_result(ids: Sequence[str], criteria: Sequence[str], sums: SobolSums, samples: int,
                 seed: int) -> SobolResult:
    first, total, variance = sums.indices()
    out = []
    for s, sid in enumerate(ids):
        if not np.isfinite(first[s]).any():
            out.append(ScenarioSobol(sid, float(variance[s]), None, None))
            continue
        out.append(ScenarioSobol(
            sid, float(variance[s]),
            tuple((c, float(np.nan_to_num(first[s, i]))) for i, c in enumerate(criteria)),
            tuple((c, float(np.nan_to_num(total[s, i]))) for i, c in enumerate(criteria))))
    return SobolResult(samples=samples, seed=seed, criteria=tuple(criteria), scenarios=tuple(out))


__all__ = ["SOBOL_BLOCK", "ScenarioSobol", "SobolResult", "SobolSums", "SobolTask",
           "sobol_block_sums", "sobol_result", "sobol_sums"]
