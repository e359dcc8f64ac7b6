"""Weight sensitivity: preference profiles side by side, random weights, and Sobol indices.

Weights are a matter of preference, so the analysis shows what they do:

- **Preference profiles side by side** — the exact analysis (no sampling) under every named
  preference profile of the method: median and 90 % interval of the impact position,
  P(impact ≥ serious) and the exact expected rank.
- **Random weights** — weight vectors drawn from a Dirichlet distribution around the chosen
  profile, W ~ Dir(κ·w) (mean w, Var Wᵢ = wᵢ(1 − wᵢ)/(κ + 1); criteria with weight 0 stay 0),
  applied to the agreed expected classes. One weight vector is shared by all scenarios of a
  sample (preferences are global), so ranks are sampled jointly. Positions below the X gridline
  count as on it.
- **Sobol indices** — which criteria's uncertainty drives each scenario's position
  (:mod:`weerbaar.methods.uncertainty.sobol`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from weerbaar.domain import Scenario
from weerbaar.methods.profile import AggregationMethodId, Denominator, MethodProfile
from weerbaar.methods.ranking import rank_desc
from weerbaar.methods.uncertainty.analysis import UncertaintyAnalysis
from weerbaar.methods.uncertainty.cdf import Cdf
from weerbaar.methods.uncertainty.distributions import ClassValueMap
from weerbaar.methods.uncertainty.engine import Executor, ImpactModel, LocalExecutor, Progress
from weerbaar.methods.uncertainty.results import RankSummary, percentile_key
from weerbaar.methods.uncertainty.sampling import (
    HISTOGRAM_BINS,
    HISTOGRAM_RANGE,
    STREAM_WEIGHTS,
    block_generator,
    block_sizes,
    chunk_plan,
)
from weerbaar.methods.uncertainty.sobol import (
    SOBOL_BLOCK,
    SobolResult,
    SobolSums,
    SobolTask,
    sobol_block_sums,
    sobol_result,
)

FloatArray = NDArray[np.float64]


# -- preference profiles side by side -----------------------------------------------------------


@dataclass(frozen=True)
class PreferenceRow:
    """One scenario under one preference profile."""

    id: str
    impact_ev: float | None
    rank_ev: float
    impact: tuple[tuple[float, float], ...] | None
    p_serious: float | None
    expected_rank: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "impact_ev": self.impact_ev, "rank_ev": self.rank_ev,
                "impact": None if self.impact is None
                else {percentile_key(p): v for p, v in self.impact},
                "p_serious": self.p_serious, "expected_rank": self.expected_rank}


@dataclass(frozen=True)
class PreferenceComparison:
    preferences: tuple[str, ...]
    provisional: tuple[str, ...]
    rows: tuple[tuple[PreferenceRow, ...], ...]  # per preference, per scenario

    def row(self, preference: str, scenario_id: str) -> PreferenceRow:
        rows = self.rows[self.preferences.index(preference)]
        return next(r for r in rows if r.id == scenario_id)

    def to_dict(self) -> dict[str, Any]:
        return {"preferences": list(self.preferences), "provisional": list(self.provisional),
                "results": {p: [r.to_dict() for r in rows]
                            for p, rows in zip(self.preferences, self.rows, strict=True)}}


def compare_preferences(analysis: UncertaintyAnalysis, scenarios: Sequence[Scenario],
                        profile: MethodProfile, *, executor: Executor | None = None
                        ) -> PreferenceComparison:
    """The exact analysis under every preference profile of ``profile``."""
    prefs = profile.aggregation.preference_profiles
    p = np.asarray(analysis.percentiles) / 100.0
    table = []
    for pref in prefs:
        marg = replace(analysis, preference=pref.id).marginals(scenarios, profile,
                                                               executor=executor)
        expected = 1.0 + np.nansum(marg.outranking(), axis=0)
        ev = np.array([r.impact_position.ev if r.impact_position is not None else np.nan
                       for r in marg.assessment.results])
        ranks = rank_desc(ev)
        rows = []
        for i, s in enumerate(scenarios):
            m = marg.impact[i]
            pct = None if m is None else tuple(zip(
                analysis.percentiles, (float(v) for v in marg.positions(m.quantile(p))),
                strict=True))
            rows.append(PreferenceRow(id=s.id, impact_ev=None if np.isnan(ev[i]) else float(ev[i]),
                                      rank_ev=float(ranks[i]), impact=pct,
                                      p_serious=marg.p_serious(i),
                                      expected_rank=float(expected[i])))
        table.append(tuple(rows))
    return PreferenceComparison(
        preferences=tuple(x.id for x in prefs),
        provisional=tuple(x.id for x in prefs if x.provenance.status.is_weak),
        rows=tuple(table))


# -- random weights ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class WeightTask:
    """Agreed expected classes of all scenarios and a run of blocks of weight draws."""

    ev: FloatArray  # (n, k) class positions
    seed: int
    samples: int
    first: int
    stop: int
    concentration: float
    floor: float
    serious: float


@dataclass(frozen=True, eq=False)
class WeightCounts:
    histogram: NDArray[np.int64]
    ranks: NDArray[np.int64]
    serious: NDArray[np.int64]
    low: FloatArray
    high: FloatArray


def weight_counts(model: ImpactModel, task: WeightTask) -> WeightCounts:
    """Histogram, rank and serious counts over the task's blocks (task function)."""
    n, k = task.ev.shape
    used = np.flatnonzero(model.weights > 0)
    values = ClassValueMap(model.class_values).value(task.ev)
    share = (task.ev > 0).astype(np.float64)
    lo_bin, hi_bin = HISTOGRAM_RANGE
    width = (hi_bin - lo_bin) / HISTOGRAM_BINS
    hist = np.zeros((n, HISTOGRAM_BINS), dtype=np.int64)
    ranks = np.zeros(n * n, dtype=np.int64)
    serious = np.zeros(n, dtype=np.int64)
    low, high = np.full(n, np.inf), np.full(n, -np.inf)
    sizes = block_sizes(task.samples)
    for block in range(task.first, task.stop):
        size = sizes[block]
        rng = block_generator(task.seed, STREAM_WEIGHTS, block)
        w = np.zeros((size, k))
        w[:, used] = rng.dirichlet(task.concentration * model.weights[used], size)
        if model.method is AggregationMethodId.MAX_CLASS:
            top = task.ev[:, used].max(axis=1) if used.size else np.zeros(n)
            y = np.broadcast_to(top, (size, n)).copy()
        else:
            num = np.zeros((size, n))
            den = np.zeros((size, n))
            for i in used:  # explicit order: no BLAS, bit-identical everywhere
                num += w[:, i, None] * values[None, :, i]
                den += w[:, i, None] * share[None, :, i]
            if model.denominator is Denominator.ALL:
                den = w.sum(axis=1, keepdims=True) + np.zeros((size, n))
            score = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
            with np.errstate(divide="ignore"):
                y = 1.0 + np.log(score / model.class_values[1]) / np.log(model.factor)
        y = np.maximum(np.round(y, 10), task.floor)
        low, high = np.minimum(low, y.min(axis=0)), np.maximum(high, y.max(axis=0))
        serious += (y >= task.serious - 1e-9).sum(axis=0)
        index = np.clip(np.floor((y - lo_bin) / width), 0, HISTOGRAM_BINS - 1).astype(np.intp)
        index += np.arange(n) * HISTOGRAM_BINS
        hist += np.bincount(index.ravel(), minlength=n * HISTOGRAM_BINS).reshape(n, -1)
        tie = rng.random((size, n))
        order = np.lexsort((tie, -y), axis=1)
        ranks += np.bincount((order * n + np.arange(n)).ravel(), minlength=n * n)
    return WeightCounts(hist, ranks.reshape(n, n), serious, low, high)


@dataclass(frozen=True)
class ScenarioWeights:
    id: str
    impact: tuple[tuple[float, float], ...]
    p_serious: float
    rank: RankSummary

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "impact": {percentile_key(p): v for p, v in self.impact},
                "p_serious": self.p_serious, "rank": self.rank.to_dict()}


@dataclass(frozen=True)
class WeightSensitivity:
    """Positions and ranks under Dirichlet random weights around the chosen preference profile."""

    preference: str
    concentration: float
    samples: int
    seed: int
    scenarios: tuple[ScenarioWeights, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"preference": self.preference, "concentration": self.concentration,
                "samples": self.samples, "seed": self.seed,
                "scenarios": [s.to_dict() for s in self.scenarios]}


def _histogram_quantiles(counts: NDArray[np.int64], low: float, high: float,
                         p: FloatArray) -> FloatArray:
    if low == high:
        return np.full(len(p), low)
    edges = np.linspace(*HISTOGRAM_RANGE, HISTOGRAM_BINS + 1)
    used = np.flatnonzero(counts)
    first, last = used[0], used[-1] + 1
    f = np.concatenate([[0.0], np.cumsum(counts[first:last])]) / counts.sum()
    x = np.clip(edges[first:last + 1], low, high)
    f[-1] = 1.0
    return Cdf(x, f).quantile(p)


def weight_sensitivity(analysis: UncertaintyAnalysis, scenarios: Sequence[Scenario],
                       profile: MethodProfile, *, concentration: float = 100.0,
                       executor: Executor | None = None, progress: Progress | None = None
                       ) -> WeightSensitivity:
    """Sample ``analysis.samples`` Dirichlet weight vectors (seeded by ``analysis.seed``)."""
    assessment, model, js, _, _ = analysis.prepare(scenarios, profile)
    serious, _ = analysis.serious_cut(profile)
    ev = js.mode[js.agreed_rows]
    plan = chunk_plan(analysis.samples, analysis.chunk_size)
    tasks = [WeightTask(ev=ev, seed=analysis.seed, samples=analysis.samples, first=a, stop=b,
                        concentration=concentration, floor=profile.impact.lowest - 1.0,
                        serious=serious) for a, b in plan]
    total: WeightCounts | None = None
    for done, part in enumerate((executor or LocalExecutor()).map(weight_counts, model, tasks)):
        total = part if total is None else WeightCounts(
            total.histogram + part.histogram, total.ranks + part.ranks,
            total.serious + part.serious, np.minimum(total.low, part.low),
            np.maximum(total.high, part.high))
        if progress is not None:
            progress(done + 1, len(tasks))
    p = np.asarray(analysis.percentiles) / 100.0
    out = []
    for i, s in enumerate(scenarios):
        assert total is not None
        q = _histogram_quantiles(total.histogram[i], float(total.low[i]), float(total.high[i]), p)
        counts = total.ranks[i]
        mean = float((counts * np.arange(1, len(counts) + 1)).sum() / counts.sum())
        out.append(ScenarioWeights(
            id=s.id, impact=tuple(zip(analysis.percentiles, (float(v) for v in q), strict=True)),
            p_serious=float(total.serious[i]) / analysis.samples,
            rank=RankSummary.from_counts(counts, mean)))
    return WeightSensitivity(preference=assessment.preference, concentration=concentration,
                             samples=analysis.samples, seed=analysis.seed, scenarios=tuple(out))


# -- Sobol indices ----------------------------------------------------------------------------------


def sobol_indices(analysis: UncertaintyAnalysis, scenarios: Sequence[Scenario],
                  profile: MethodProfile, *, samples: int = 4096,
                  executor: Executor | None = None, progress: Progress | None = None
                  ) -> SobolResult:
    """First-order and total Sobol indices of every scenario's position per criterion.

    ``samples`` rows in each of the matrices A and B (N(k + 2) model evaluations), in blocks of
    :data:`~weerbaar.methods.uncertainty.sobol.SOBOL_BLOCK` seeded from ``analysis.seed``.
    """
    _, model, js, _, _ = analysis.prepare(scenarios, profile)
    rows = js.agreed_rows
    blocks = -(-samples // SOBOL_BLOCK)
    per = max(1, analysis.chunk_size // SOBOL_BLOCK)
    tasks = [SobolTask(lo=js.lo[rows], mode=js.mode[rows], hi=js.hi[rows], seed=analysis.seed,
                       samples=samples, first_block=b, stop_block=min(blocks, b + per),
                       floor=profile.impact.lowest - 1.0)
             for b in range(0, blocks, per)]
    parts: list[SobolSums] = []
    for done, part in enumerate((executor or LocalExecutor()).map(sobol_block_sums, model,
                                                                  tasks)):
        parts.extend(part)
        if progress is not None:
            progress(done + 1, len(tasks))
    summed = parts[0]
    for block_sums in parts[1:]:
        summed = summed + block_sums
    return sobol_result([s.id for s in scenarios], [c.id for c in profile.criteria], summed,
                        samples, analysis.seed)


__all__ = ["PreferenceComparison", "PreferenceRow", "ScenarioWeights", "WeightSensitivity",
           "compare_preferences", "sobol_indices", "weight_sensitivity"]
