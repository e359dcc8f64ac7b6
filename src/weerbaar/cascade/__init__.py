"""Vital infrastructure: the dependency graph and cascade models (numpy, scipy; numba kernels).

- :class:`CascadeGraph` — processes and dependencies as validated arrays (CSR).
- :func:`time_to_impact` — earliest time to impact from one or more outages (multi-source
  shortest path over buffer times; a compiled bucket-queue kernel, :mod:`.shortest_path`).
- :class:`Propagation` — time-stepped propagation with buffers, onsets, recovery and a
  combination rule (noisy-OR, capped sum, maximum); the steps run compiled (:mod:`.stepping`).
- :func:`static_iim`, :func:`dynamic_iim` — the inoperability input–output model.
- :func:`criticality` — which single outage affects most.
- :class:`Ensemble` — Monte Carlo over uncertain buffer times (seeded, runs on Dask too).
- :func:`suggest_impacts` — from a timeline to suggested classes for criteria such as 2.3 and
  5.1, never inventing a class where the profile's indicator table is unknown.

See docs/cascade.md for the formulas and references.
"""

from weerbaar.cascade.criticality import CriticalityRanking, criticality
from weerbaar.cascade.ensemble import Ensemble, EnsembleResult
from weerbaar.cascade.graph import CascadeGraph, applies, graph_of
from weerbaar.cascade.iim import IimResult, dynamic_iim, spectral_radius, static_iim
from weerbaar.cascade.impact_time import ImpactTimes, time_to_impact
from weerbaar.cascade.propagation import CombinationRule, Propagation, Timeline, run_id
from weerbaar.cascade.suggest import CriterionSuggestion, ImpactSuggestions, suggest_impacts

__all__ = [
    "CascadeGraph",
    "CombinationRule",
    "CriterionSuggestion",
    "CriticalityRanking",
    "Ensemble",
    "EnsembleResult",
    "IimResult",
    "ImpactSuggestions",
    "ImpactTimes",
    "Propagation",
    "Timeline",
    "applies",
    "criticality",
    "dynamic_iim",
    "graph_of",
    "run_id",
    "spectral_radius",
    "static_iim",
    "suggest_impacts",
    "time_to_impact",
]
