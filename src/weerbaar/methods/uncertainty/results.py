"""Immutable results of an uncertainty analysis, each with ``to_dict()`` for JSON output."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from weerbaar.methods.results import WeakValue
from weerbaar.methods.uncertainty.opinions import Disagreement

FloatArray = NDArray[np.float64]


def percentile_key(percent: float) -> str:
    """``5.0`` -> ``"p5"``, ``97.5`` -> ``"p97.5"``."""
    return f"p{percent:g}"


def _clean(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


@dataclass(frozen=True)
class RankSummary:
    """Where a scenario ranks (1 = highest impact) across the samples.

    ``probabilities[r - 1]`` is P(rank = r) from the samples; ``low``/``high`` bound the central
    90 % (the 5th and 95th percentile of the rank); ``expected`` is the exact expected rank
    1 + Σ_b P(b outranks this scenario).
    """

    median: int
    low: int
    high: int
    expected: float
    probabilities: tuple[float, ...]

    @classmethod
    def from_counts(cls, counts: NDArray[np.int64], expected: float) -> RankSummary:
        total = int(counts.sum())
        cumulative = np.cumsum(counts)

        def at(p: float) -> int:
            return int(np.searchsorted(cumulative, p * total, side="left")) + 1

        return cls(median=at(0.5), low=at(0.05), high=at(0.95), expected=float(expected),
                   probabilities=tuple(float(c) / total for c in counts))

    def to_dict(self) -> dict[str, Any]:
        return {"median": self.median, "interval_90": [self.low, self.high],
                "expected": self.expected,
                "distribution": {str(r + 1): p for r, p in enumerate(self.probabilities) if p > 0}}


@dataclass(frozen=True)
class ScenarioUncertainty:
    """One scenario: percentiles of its diagram positions, P(impact ≥ serious), its rank.

    ``impact`` and ``likelihood`` map percentiles (``"p5"``) to positions; ``None`` when the
    scenario has no impact (every criterion certainly X) or no likelihood. ``impact_ev`` and
    ``likelihood_ev`` are the deterministic positions of the agreed expected values.
    """

    id: str
    title: str
    theme: str
    impact: tuple[tuple[float, float], ...] | None
    likelihood: tuple[tuple[float, float], ...] | None
    impact_ev: float | None
    likelihood_ev: float | None
    p_serious: float | None
    rank: RankSummary | None
    disagreement: Disagreement

    def impact_at(self, percent: float) -> float | None:
        return None if self.impact is None else dict(self.impact)[percent]

    def likelihood_at(self, percent: float) -> float | None:
        return None if self.likelihood is None else dict(self.likelihood)[percent]

    def to_dict(self) -> dict[str, Any]:
        def pcts(values: tuple[tuple[float, float], ...] | None) -> dict[str, float] | None:
            return None if values is None else {percentile_key(p): v for p, v in values}

        return {
            "id": self.id, "title": self.title, "theme": self.theme,
            "impact": pcts(self.impact), "impact_ev": _clean(self.impact_ev),
            "likelihood": pcts(self.likelihood), "likelihood_ev": _clean(self.likelihood_ev),
            "p_serious": self.p_serious,
            "rank": None if self.rank is None else self.rank.to_dict(),
            "disagreement": self.disagreement.to_dict(),
        }


@dataclass(frozen=True)
class UncertaintyResult:
    """The result of one run, with everything needed to repeat it.

    ``outranking[i, j]`` is P(scenario i's impact > scenario j's) + ½ P(equal) (NaN on the
    diagonal). ``engine`` says how the marginals were obtained: ``exact`` (convolution or product)
    or ``sampled`` (Monte Carlo, for the ``applicable`` denominator rule).
    """

    profile_id: str
    profile_version: str
    profile_hash: str
    method: str
    preference: str
    denominator: str
    distribution: str
    serious: float
    serious_class: str
    samples: int
    seed: int
    engine: str
    percentiles: tuple[float, ...]
    experts: bool
    scenarios: tuple[ScenarioUncertainty, ...]
    outranking: FloatArray = field(repr=False)
    caveats: tuple[WeakValue, ...] = ()

    def __post_init__(self) -> None:
        matrix = np.array(self.outranking, dtype=np.float64)
        matrix.flags.writeable = False
        object.__setattr__(self, "outranking", matrix)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.scenarios)

    def scenario(self, scenario_id: str) -> ScenarioUncertainty:
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        raise KeyError(scenario_id)

    def outranks(self, a: str, b: str) -> float:
        """P(impact of ``a`` > impact of ``b``) (ties count half)."""
        ids = self.ids
        return float(self.outranking[ids.index(a), ids.index(b)])

    def settings(self) -> dict[str, Any]:
        return {
            "profile": {"id": self.profile_id, "version": self.profile_version,
                        "hash": self.profile_hash},
            "method": self.method, "preference": self.preference,
            "denominator": self.denominator, "distribution": self.distribution,
            "serious": {"position": self.serious, "class": self.serious_class},
            "samples": self.samples, "seed": self.seed, "engine": self.engine,
            "percentiles": list(self.percentiles), "experts": self.experts,
        }

    def to_dict(self, *, matrix: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            **self.settings(),
            "caveats": [c.model_dump(mode="json") for c in self.caveats],
            "scenarios": [s.to_dict() for s in self.scenarios],
        }
        if matrix:
            out["outranking"] = {"ids": list(self.ids),
                                 "p": [[None if math.isnan(v) else float(v) for v in row]
                                       for row in self.outranking]}
        return out


__all__ = ["RankSummary", "ScenarioUncertainty", "UncertaintyResult", "percentile_key"]
