"""Plain Monte Carlo, written independently of the engine, to test the engine against.

Every criterion of every sample is drawn (numpy's own triangular and beta samplers), aggregated
with the class values interpolated as the method documents (v(x) = x below A, 3^(x-1) from A up),
and ranked per sample. Slow and simple on purpose.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from weerbaar.domain import (
    CriterionScore,
    ExpertScore,
    LikelihoodScore,
    Scenario,
    ScenarioType,
    ScoreRange,
)

FloatArray = NDArray[np.float64]
Triple = tuple[float, float, float]


def scenario(sid: str, impact: dict[str, Triple], likelihood: Triple | None = None,
             experts: Sequence[tuple[str, dict[str, Triple], Triple | None]] = ()) -> Scenario:
    """A scenario from (LL, EV, UL) triples of class positions."""

    def scores(triples: dict[str, Triple]) -> dict[str, CriterionScore]:
        return {cid: CriterionScore(criterion=cid, range=ScoreRange(ll=t[0], ev=t[1], ul=t[2]))
                for cid, t in triples.items()}

    def like(t: Triple | None) -> LikelihoodScore | None:
        return None if t is None else LikelihoodScore(range=ScoreRange(ll=t[0], ev=t[1], ul=t[2]))

    return Scenario(id=sid, title=sid, theme="t", type=ScenarioType.THREAT, impact=scores(impact),
                    likelihood=like(likelihood),
                    experts=tuple(ExpertScore(expert=name, impact=scores(imp), likelihood=like(lk))
                                  for name, imp, lk in experts))


def random_triples(rng: np.random.Generator, ids: Sequence[str], *,
                   p_x: float = 0.4) -> dict[str, Triple]:
    """Random (LL, EV, UL) impact triples: many X, ranges up to two classes wide."""
    out = {}
    for cid in ids:
        ev = 0 if rng.random() < p_x else int(rng.integers(1, 6))
        lo = max(0, ev - int(rng.integers(0, 2)))
        hi = min(5, ev + int(rng.integers(0, 3)))
        out[cid] = (float(lo), float(ev), float(hi))
    return out


def draw(rng: np.random.Generator, shape: str, lo: FloatArray, mode: FloatArray, hi: FloatArray,
         size: int) -> FloatArray:
    """``size`` draws of every (lo, mode, hi) column: shape (size, k)."""
    k = len(lo)
    out = np.empty((size, k))
    for i in range(k):
        a, m, b = float(lo[i]), float(mode[i]), float(hi[i])
        if b <= a:
            out[:, i] = a
        elif shape == "triangular":
            out[:, i] = rng.triangular(a, m, b, size)
        else:
            alpha = 1.0 + 4.0 * (m - a) / (b - a)
            beta = 1.0 + 4.0 * (b - m) / (b - a)
            out[:, i] = a + (b - a) * rng.beta(alpha, beta, size)
    return out


def class_value(x: FloatArray) -> FloatArray:
    return np.asarray(np.where(x < 1.0, x, 3.0 ** (x - 1.0)), dtype=np.float64)


def judgement_rows(s: Scenario, ids: Sequence[str], experts: bool = True
                   ) -> list[tuple[FloatArray, FloatArray, FloatArray]]:
    rows = [(s.impact, s.impact)]
    if experts:
        rows += [(e.impact, s.impact) for e in s.experts]
    out = []
    for own, fallback in rows:
        t = [(own.get(c) or fallback.get(c)) for c in ids]
        out.append(tuple(np.array([0.0 if x is None else x.range.get(b) for x in t])
                         for b in ("ll", "ev", "ul")))
    return out  # type: ignore[return-value]


def impact_samples(rng: np.random.Generator, s: Scenario, ids: Sequence[str], weights: FloatArray,
                   shape: str, size: int, *, method: str = "weighted_sum",
                   denominator: str = "all") -> FloatArray:
    """Samples of the aggregated score S (weighted sum) or of the highest position (max class)."""
    rows = judgement_rows(s, ids)
    pick = rng.integers(0, len(rows), size)
    out = np.empty(size)
    for r, (lo, mode, hi) in enumerate(rows):
        sel = pick == r
        x = draw(rng, shape, lo, mode, hi, int(sel.sum()))
        if method == "max_class":
            out[sel] = x[:, weights > 0].max(axis=1)
            continue
        num = class_value(x) @ weights
        den = (np.clip(x, 0, 1) @ weights) if denominator == "applicable" else weights.sum()
        out[sel] = np.divide(num, den, out=np.zeros_like(num), where=np.asarray(den) > 0)
    return out


def position(scores: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        return np.asarray(1.0 + np.log(scores) / math.log(3.0), dtype=np.float64)


def ranks(samples: FloatArray, rng: np.random.Generator) -> NDArray[np.intp]:
    """Rank (1 = highest) of every scenario (column) in every sample (row); ties at random."""
    keyed = np.lexsort((rng.random(samples.shape), -samples), axis=-1)
    out = np.empty_like(keyed)
    rows = np.arange(len(samples))[:, None]
    out[rows, keyed] = np.arange(1, samples.shape[1] + 1)
    return out


def dkw(n: int, alpha: float) -> float:
    """Dvoretzky–Kiefer–Wolfowitz (Massart 1990): P(sup|F_n − F| > ε) ≤ 2 exp(−2nε²) = alpha."""
    return math.sqrt(math.log(2.0 / alpha) / (2.0 * n))
